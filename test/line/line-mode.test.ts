import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {runLineMode, type LineFormat} from '../../source/line/line-mode.js';
import {ChatSession} from '../../source/session/chat-session.js';
import {waitFor} from '../helpers/wait-for.js';
import {FakeLink, makeWelcome} from '../session/fake-link.js';
import {ev, T0, tick} from '../session/session-helpers.js';

const bounded = {timeoutMs: 3000};

function start(format: LineFormat, name = 'alice') {
	const link = new FakeLink();
	const session = new ChatSession({link, role: 'member'});
	const input = new PassThrough();
	const output = new PassThrough();
	const errors = new PassThrough();
	const captured = {out: '', err: '', code: undefined as number | undefined};
	output.setEncoding('utf8');
	errors.setEncoding('utf8');
	output.on('data', (chunk: string) => {
		captured.out += chunk;
	});
	errors.on('data', (chunk: string) => {
		captured.err += chunk;
	});
	const done = runLineMode({session, format, name, input, output, errors});
	void done.then(code => {
		captured.code = code;
	});
	return {
		link,
		session,
		input,
		done,
		captured,
		/** The --json output so far, one parsed object per line. */
		json(): Array<Record<string, unknown>> {
			return captured.out
				.split('\n')
				.filter(line => line !== '')
				.map(line => JSON.parse(line) as Record<string, unknown>);
		},
		/** What runLineMode resolved to, waited for within a bound (a hang fails, not times out the suite). */
		async exitCode(): Promise<number | undefined> {
			await waitFor(() => captured.code !== undefined, {...bounded, what: 'runLineMode to resolve'});
			return captured.code;
		},
		outLines: () => captured.out.split('\n').filter(line => line !== ''),
		errLines: () => captured.err.split('\n').filter(line => line !== ''),
		async welcome(others: readonly string[] = ['bob'], history = makeWelcome(name).history) {
			await waitFor(() => link.joinPending, {...bounded, what: 'join'});
			link.welcome(makeWelcome(name, others, {history}));
			await waitFor(() => session.getSnapshot().status === 'connected', {...bounded, what: 'connected'});
			await tick();
		},
	};
}

describe('runLineMode --json', () => {
	it('prints one JSON object per line with the contract fields, and exits 0 at end of input', async () => {
		const run = start('json');
		await run.welcome(['bob'], [ev.msg(1, 'bob', 'old news')]);
		expect(run.link.joins).toEqual(['alice']);
		run.link.push(ev.msg(2, 'bob', 'hi alice'), ev.join(3, 'dave'), ev.leave(4, 'dave', 'timed out'));
		run.input.end();
		expect(await run.exitCode()).toBe(0);

		for (const line of run.outLines()) {
			expect(() => JSON.parse(line) as unknown).not.toThrow();
		}

		const events = run.json();
		expect(events).toContainEqual({type: 'status', state: 'connecting', detail: expect.stringContaining(run.link.address)});
		expect(events).toContainEqual({type: 'status', state: 'connected'});
		expect(events).toContainEqual({type: 'welcome', room: run.link.address, name: 'alice', members: ['bob', 'alice'], secret: false});
		expect(events).toContainEqual({type: 'message', seq: 1, time: new Date(T0 + 1).toISOString(), from: 'bob', text: 'old news', history: true});
		expect(events).toContainEqual({type: 'message', seq: 2, time: new Date(T0 + 2).toISOString(), from: 'bob', text: 'hi alice'});
		expect(events).toContainEqual({type: 'join', seq: 3, time: new Date(T0 + 3).toISOString(), name: 'dave'});
		expect(events).toContainEqual({type: 'leave', seq: 4, time: new Date(T0 + 4).toISOString(), name: 'dave', reason: 'timed out'});
		expect(events.at(-1)).toEqual({type: 'status', state: 'left'});
		expect(events.every(event => typeof event.type === 'string')).toBe(true);

		const welcomeAt = events.findIndex(event => event.type === 'welcome');
		expect(events[welcomeAt - 1]).toEqual({type: 'status', state: 'connected'});
		expect(events.findIndex(event => event.seq === 2)).toBeGreaterThan(welcomeAt);
		const live = events.filter(event => event.seq !== undefined && event.history === undefined).map(event => event.seq);
		expect(live).toEqual([2, 3, 4]);
		expect(events.filter(event => event.type === 'welcome')).toHaveLength(1);
	});

	it('submits each input line: text to the room, "/" lines as commands', async () => {
		const run = start('json');
		await run.welcome(['bob']);
		run.input.write('hello room\n');
		run.input.write('/me waves\r\n');
		run.input.write('/msg bob psst\n');
		run.input.write('//not a command\n');
		await waitFor(() => run.link.sent.length === 4, {...bounded, what: 'four requests'});
		expect(run.link.sent).toEqual([
			{k: 'say', text: 'hello room'},
			{k: 'me', text: 'waves'},
			{k: 'dm', to: 'bob', text: 'psst'},
			{k: 'say', text: '/not a command'},
		]);
		run.input.write('/nosuch\n');
		await waitFor(() => run.json().some(event => event.type === 'error'), {...bounded, what: 'an error line'});
		expect(run.json().find(event => event.type === 'error')?.text).toContain('unknown command /nosuch');
		run.input.end();
		expect(await run.exitCode()).toBe(0);
	});

	it('a refusal resolves 1 and prints a {"type":"error"} line with the reason', async () => {
		const run = start('json', 'bob');
		await waitFor(() => run.link.joinPending, bounded);
		run.link.refuse('name-taken', 'the name "bob" is taken');
		expect(await run.exitCode()).toBe(1);
		const events = run.json();
		expect(events).toContainEqual(expect.objectContaining({type: 'error', text: 'the name "bob" is taken'}));
		expect(events).toContainEqual({type: 'status', state: 'refused', detail: 'the name "bob" is taken'});
		expect(events.some(event => event.type === 'welcome')).toBe(false);
		expect(run.captured.err).toBe('');
		run.input.end();
	});

	it('a lost link resolves 1', async () => {
		const run = start('json');
		await run.welcome();
		run.link.lose('lost contact with 127.0.0.1:9999');
		expect(await run.exitCode()).toBe(1);
		expect(run.json()).toContainEqual({type: 'status', state: 'disconnected', detail: 'lost contact with 127.0.0.1:9999'});
		expect(run.json()).toContainEqual(expect.objectContaining({type: 'error', text: 'lost contact with 127.0.0.1:9999'}));
		run.input.end();
	});
});

describe('runLineMode --plain', () => {
	it('prints the join line and room events, errors on stderr', async () => {
		const run = start('plain');
		await run.welcome(['bob'], [ev.msg(1, 'bob', 'earlier')]);
		run.link.push(ev.msg(2, 'bob', 'hi'), ev.msg(3, 'bob', 'waves', true), ev.leave(4, 'bob', 'quit'));
		run.input.write('/nosuch\n');
		await waitFor(() => run.captured.err.includes('\n'), {...bounded, what: 'stderr line'});
		run.input.end();
		expect(await run.exitCode()).toBe(0);
		const joined = '* joined 127.0.0.1:9999 as alice (open room: anyone on the network can join and read it); 2 here: bob, alice';
		const lines = run.outLines();
		expect(lines.filter(line => line === joined)).toHaveLength(1);
		expect(lines.indexOf(joined)).toBeLessThan(lines.indexOf('bob: hi'));
		// Where the join line falls relative to the history block is not part of the contract.
		expect(lines.filter(line => line !== joined)).toEqual([
			'-- earlier in this room --',
			'bob: earlier',
			'-- now --',
			'bob: hi',
			'* bob waves',
			'* bob left',
		]);
		expect(run.errLines()).toEqual([expect.stringMatching(/^error: unknown command \/nosuch/)]);
	});

	it('a refusal resolves 1 and prints the reason on stderr', async () => {
		const run = start('plain', 'bob');
		await waitFor(() => run.link.joinPending, bounded);
		run.link.refuse('name-taken', 'the name "bob" is taken');
		expect(await run.exitCode()).toBe(1);
		expect(run.captured.err).toContain('the name "bob" is taken');
		expect(run.captured.out).not.toContain('taken');
		run.input.end();
	});

	it('a lost link resolves 1 and says why on stderr', async () => {
		const run = start('plain');
		await run.welcome();
		run.link.lose('hub went quiet');
		expect(await run.exitCode()).toBe(1);
		expect(run.captured.err).toContain('hub went quiet');
		run.input.end();
	});
});

describe('end of input', () => {
	it('waits for flushed before leaving, then resolves 0', async () => {
		const run = start('plain');
		await run.welcome();
		run.input.write('bye all\n');
		await waitFor(() => run.link.sent.length === 1, bounded);
		run.link.holdFlush();
		run.input.end();
		await waitFor(() => run.link.flushCalls.length === 1, {...bounded, what: 'flushed() called'});
		await tick();
		expect(run.link.leaveCalls).toEqual([]);
		expect(run.captured.code).toBeUndefined();

		run.link.releaseFlush(true);
		expect(await run.exitCode()).toBe(0);
		expect(run.link.log.slice(-4)).toEqual(['send say', 'flushed', 'flushed -> true', 'leave']);
		expect(run.session.getSnapshot().status).toBe('left');
	});

	it('lines sent before the welcome are queued, sent in order once connected, then it leaves', async () => {
		const run = start('json');
		await waitFor(() => run.link.joinPending, bounded);
		run.input.write('one\ntwo\n');
		run.input.write('three\n');
		run.input.end();
		await tick();
		expect(run.link.sent).toEqual([]);
		expect(run.captured.code).toBeUndefined();

		run.link.welcome(makeWelcome('alice', ['bob']));
		expect(await run.exitCode()).toBe(0);
		expect(run.link.sent).toEqual([
			{k: 'say', text: 'one'},
			{k: 'say', text: 'two'},
			{k: 'say', text: 'three'},
		]);
		const order = run.link.log;
		expect(order.indexOf('send say')).toBeLessThan(order.indexOf('flushed'));
		expect(order.at(-1)).toBe('leave');
	});

	it('/quit in the input leaves and resolves 0', async () => {
		const run = start('json');
		await run.welcome();
		run.input.write('/quit\n');
		expect(await run.exitCode()).toBe(0);
		expect(run.link.leaveCalls).toHaveLength(1);
		run.input.end();
	});
});

describe('an ignored member in line mode', () => {
	it('--plain prints none of their messages, actions or DMs; their rename and the others still print', async () => {
		const run = start('plain');
		await run.welcome(['bob', 'carol']);
		run.input.write('/ignore bob\n');
		await waitFor(() => run.captured.out.includes('ignoring bob:'), {...bounded, what: 'the answer to /ignore'});
		run.link.push(ev.msg(10, 'bob', 'zebra one'), ev.msg(11, 'bob', 'waves', true), ev.dm(12, 'bob', 'alice', 'zebra dm'), ev.nick(13, 'bob', 'robert'), ev.msg(14, 'robert', 'zebra too'), ev.msg(15, 'carol', 'shown'));
		await waitFor(() => run.captured.out.includes('carol: shown'), {...bounded, what: "carol's line"});
		expect(run.captured.out).not.toContain('zebra');
		expect(run.captured.out).not.toContain('waves');
		expect(run.captured.out).toContain('* bob is now robert');
		run.input.end();
		expect(await run.exitCode()).toBe(0);
	});
});

describe('typing and /files in line mode (the README: typing only with --json; /files lists the offers)', () => {
	const offer = (seq: number, id: string, name: string, size: number, complete: boolean) => ({k: 'offer' as const, seq, time: T0 + seq, id, name, size, from: 'bob', complete});

	it('--json prints typing as {"type":"typing"}; --plain prints nothing for it', async () => {
		const json = start('json');
		await json.welcome();
		json.link.push({k: 'typing', from: 'bob', active: true}, {k: 'typing', from: 'bob', active: false}, ev.msg(2, 'bob', 'done typing'));
		await waitFor(() => json.json().some(event => event.seq === 2), {...bounded, what: 'the message after the typing'});
		expect(json.json().filter(event => event.type === 'typing')).toEqual([
			{type: 'typing', from: 'bob', active: true},
			{type: 'typing', from: 'bob', active: false},
		]);
		json.input.end();
		expect(await json.exitCode()).toBe(0);

		const plain = start('plain');
		await plain.welcome();
		plain.link.push({k: 'typing', from: 'bob', active: true}, ev.msg(2, 'bob', 'done typing'));
		await waitFor(() => plain.outLines().some(line => line.includes('done typing')), {...bounded, what: 'the message after the typing'});
		plain.input.end();
		expect(await plain.exitCode()).toBe(0);
		expect([...plain.outLines(), ...plain.errLines()].filter(line => /typing/.test(line) && !line.includes('done typing'))).toEqual([]);
	});

	it('/files lists every offer so far with its id, name, size, sender and state', async () => {
		const run = start('plain');
		await run.welcome();
		run.link.push(offer(2, 'k3xq7a2m', 'slides.pdf', 2048, true), offer(3, 'p4fd9zbe', 'photo.png', 512, false));
		await waitFor(() => run.outLines().some(line => line.includes('photo.png')), {...bounded, what: 'the second offer'});
		run.input.write('/files\n');
		await waitFor(() => [...run.outLines(), ...run.errLines()].some(line => line.includes('Files (/get ID)')), {...bounded, what: 'the /files list'});
		const all = [...run.outLines(), ...run.errLines()].join('\n');
		expect(all).toContain('k3xq7a2m  slides.pdf  2048 bytes  from bob  (ready)');
		expect(all).toContain('p4fd9zbe  photo.png  512 bytes  from bob  (uploading)');
		run.input.end();
		expect(await run.exitCode()).toBe(0);
	});
});
