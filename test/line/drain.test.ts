import {PassThrough} from 'node:stream';
import fc from 'fast-check';
import {afterEach, describe, expect, it} from 'vitest';
import {runLineMode} from '../../source/line/line-mode.js';
import type {Hub} from '../../source/net/hub.js';
import {MemberLink} from '../../source/net/member-link.js';
import {MAX_TEXT_BYTES} from '../../source/protocol/limits.js';
import {utf8Bytes} from '../../source/protocol/sanitize.js';
import {ChatSession} from '../../source/session/chat-session.js';
import {joinMember, startHub, type TestMember} from '../helpers/room.js';
import {seededRandom} from '../helpers/seeded-random.js';
import {waitFor} from '../helpers/wait-for.js';

/** The bound: any N lines up to 2,000. At the room's default pace (9/s) that is ~225 s. */
const MAX_LINES = 2000;
const SEED = Number(process.env.DRAIN_SEED ?? Date.now() % 2 ** 31);

/** Characters of 1 to 4 UTF-8 bytes, so the byte limit and fragmentation both get exercised. */
const alphabet = [...'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?-_=+()[]{}<>@#%&*', 'é', 'ß', 'ж', '€', '漢', '字', '😀', '👍'];

/** Line `index` of a case: a unique prefix, then text up to `bytes` long (never over the limit). */
function makeLine(random: () => number, member: number, index: number, bytes: number): string {
	let line = `${member}L${index} `;
	while (true) {
		const char = alphabet[Math.floor(random() * alphabet.length)]!;
		if (utf8Bytes(line) + utf8Bytes(char) > bytes) {
			return line;
		}

		line += char;
	}
}

type Case = {readonly lines: number; readonly seed: number; readonly bursts: readonly number[]; readonly longShare: number};

const caseArb: fc.Arbitrary<Case> = fc.record({
	lines: fc.integer({min: 1, max: MAX_LINES}),
	seed: fc.integer({min: 1, max: 2 ** 31}),
	bursts: fc.array(fc.integer({min: 1, max: 400}), {minLength: 1, maxLength: 20}),
	longShare: fc.double({min: 0, max: 0.3, noNaN: true}),
});

type Run = {code: number; out: string[]; err: string};

/** Pipes `lines` into a line-mode member named `name` in bursts, as a script's stdin would. */
async function pipeThrough(port: number, name: string, lines: readonly string[], bursts: readonly number[], format: 'json' | 'plain' = 'json'): Promise<Run> {
	const session = new ChatSession({link: new MemberLink({host: '127.0.0.1', port}), role: 'member'});
	const input = new PassThrough();
	const output = new PassThrough().setEncoding('utf8');
	const errors = new PassThrough().setEncoding('utf8');
	const run: Run = {code: -1, out: [], err: ''};
	let pending = '';
	output.on('data', (chunk: string) => {
		const parts = (pending + chunk).split('\n');
		pending = parts.pop()!;
		run.out.push(...parts);
	});
	errors.on('data', (chunk: string) => {
		run.err += chunk;
	});
	const done = runLineMode({session, format, name, input, output, errors});
	let at = 0;
	for (let burst = 0; at < lines.length; burst++) {
		const size = bursts[burst % bursts.length]!;
		input.write(lines.slice(at, at + size).map(line => `${line}\n`).join(''));
		at += size;
		// Let the reader take the burst before the next one comes (a pipe's writes arrive apart).
		await new Promise(resolve => {
			setImmediate(resolve);
		});
	}

	input.end();
	run.code = await done;
	return run;
}

describe('line mode at end of input', () => {
	let hub: Hub | undefined;
	let watcher: TestMember | undefined;
	afterEach(async () => {
		watcher?.link.close();
		await hub?.close();
	});

	it(
		`property: any N lines (N up to ${MAX_LINES}) arrive complete, once, in order, through a hub with its default rate limit, and exit 0`,
		async () => {
			hub = await startHub();
			const port = hub.port;
			watcher = await joinMember(port, 'watcher');
			const room = watcher;
			let failure = '';
			await fc.assert(
				fc.asyncProperty(fc.array(caseArb, {minLength: 3, maxLength: 3}), async cases => {
					const sent = cases.map((one, member) => {
						const random = seededRandom(one.seed);
						return Array.from({length: one.lines}, (_, index) =>
							makeLine(random, member, index, random() < one.longShare ? MAX_TEXT_BYTES - Math.floor(random() * 50) : 4 + Math.floor(random() * 300)),
						);
					});
					// The cases run at once, each member at its own pace, as three scripts would.
					const runs = await Promise.all(cases.map(async (one, member) => pipeThrough(port, `bot${member}`, sent[member]!, one.bursts)));
					for (const [member, run] of runs.entries()) {
						const problems = run.out.filter(line => line.includes('"type":"error"'));
						failure = `bot${member} (${cases[member]!.lines} lines): exit ${run.code}, stderr ${run.err}, errors ${problems.join(' | ').slice(0, 2000)}`;
						expect(run.code).toBe(0);
						const said = room
							.events()
							.filter(event => event.k === 'msg' && event.from === `bot${member}`)
							.map(event => (event.k === 'msg' ? event.text : ''));
						expect(said).toEqual(sent[member]);
						const draining = run.out.map(line => JSON.parse(line) as Record<string, unknown>).filter(event => event.state === 'draining');
						expect(draining.length).toBe(sent[member]!.length >= 20 ? 1 : 0);
					}
				}),
				{numRuns: 1, seed: SEED, endOnFailure: true},
			).catch((error: unknown) => {
				throw new Error(`${failure}\n(replay with DRAIN_SEED=${SEED})\n${(error as Error).message}`);
			});
		},
		// Three members at 9 lines/s; the largest case bounds the wait.
		(MAX_LINES / 9) * 1000 + 60_000,
	);

	it('--plain says a long backlog once, on stderr, and nothing of it on stdout; every line arrives', async () => {
		hub = await startHub();
		watcher = await joinMember(hub.port, 'watcher');
		const lines = Array.from({length: 40}, (_, index) => `plain line ${index}`);
		const run = await pipeThrough(hub.port, 'bot', lines, [40], 'plain');
		expect(run.code).toBe(0);
		const notices = run.err.split('\n').filter(line => line !== '');
		expect(notices).toHaveLength(1);
		expect(notices[0]).toMatch(/^\* sending [\d,]+ queued lines at the room's pace( \(about \d+ s\))?; nothing is dropped$/);
		expect(run.out.some(line => line.includes('queued lines'))).toBe(false);
		const room = watcher;
		await waitFor(() => room.messages().includes('bot: plain line 39'), {what: 'the last line at the watcher'});
		expect(room.messages().filter(text => text.startsWith('bot: '))).toEqual(lines.map(line => `bot: ${line}`));
	});

	it('a line over the limit is refused with its line number and size, the rest still arrive, and the exit code says so', async () => {
		hub = await startHub();
		watcher = await joinMember(hub.port, 'watcher');
		const long = 'x'.repeat(MAX_TEXT_BYTES + 1);
		const run = await pipeThrough(hub.port, 'bot', ['first', long, 'third'], [3]);
		expect(run.code).toBe(1);
		const events = run.out.map(line => JSON.parse(line) as Record<string, unknown>);
		expect(events).toContainEqual(expect.objectContaining({type: 'error', text: expect.stringMatching(/^line 2: message not sent: it is 4,001 bytes, the limit is 4,000/) as unknown}));
		expect(events).toContainEqual(expect.objectContaining({type: 'error', undelivered: 1, text: expect.stringContaining('1 of 3 lines read were not delivered') as unknown}));
		const room = watcher;
		await waitFor(() => room.messages().includes('bot: third'), {what: 'the third line at the watcher'});
		expect(room.messages().filter(text => text.startsWith('bot: '))).toEqual(['bot: first', 'bot: third']);
	});
});
