import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {cliPath, headlessHub, runCli, type CliProcess} from '../helpers/cli-process.js';
import {seededRandom} from '../helpers/seeded-random.js';
import {Terminals} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const ESC = '\u001B';
const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
const faultPreload = fileURLToPath(new URL('../fixtures/fault-on-signal.mjs', import.meta.url));

let terminals: Terminals;
let hub: CliProcess;
let watcher: CliProcess;
let port: number;
let folder: string;

/** What the --json watcher has heard `from` say, in order. */
function said(from: string): string[] {
	return watcher
		.json()
		.filter(event => event.type === 'message' && event.from === from)
		.map(event => event.text as string);
}

/** Starts a TUI member `name` in a terminal of its own, its data folder in the test's folder. */
async function tui(name: string, prefix = ''): Promise<void> {
	terminals.start(name, `XDG_DATA_HOME=${JSON.stringify(folder)} ${prefix}${cli} --join 127.0.0.1:${port} --name ${name}`, 110, 30);
	await terminals.waitFor(name, `● connected · joined · 127.0.0.1:${port} · as ${name}`);
}

/** A person pauses between two things they do: lone Esc and paste timers run out meanwhile. */
async function pause(): Promise<void> {
	await new Promise(resolve => {
		setTimeout(resolve, 400);
	});
}

beforeAll(async () => {
	folder = mkdtempSync(path.join(tmpdir(), 'sct-tui-input-'));
	terminals = new Terminals();
	({hub, port} = await headlessHub());
	watcher = runCli(['--join', `127.0.0.1:${port}`, '--name', 'watcher', '--json']);
	await waitFor(() => watcher.json().some(event => event.type === 'welcome'), {what: 'the watcher to join'});
});

afterAll(() => {
	terminals?.close();
	watcher?.child.kill('SIGKILL');
	hub?.child.kill('SIGKILL');
	rmSync(folder, {recursive: true, force: true});
});

describe('pastes in a real terminal (tmux)', () => {
	test('a bracketed paste of a 4-line code block is one message, its newlines and indentation kept, sent on Enter', async () => {
		await tui('paster');
		terminals.paste('paster', 'def f(x):\n    if x:\n\treturn 1\n    return 0\n');
		await terminals.waitFor('paster', '4 lines · Enter: send');
		expect(said('paster')).toEqual([]);
		terminals.type('paster', 'Enter');
		await waitFor(() => said('paster').length === 1, {what: 'the code block at the watcher'});
		expect(said('paster')).toEqual(['def f(x):\n    if x:\n    return 1\n    return 0']);
		// On screen: the lines under the text column, the indentation kept (the room's copy, once
		// the line waiting at the foot of the pane is gone).
		await terminals.waitFor('paster', /paster: def f\(x\): +│/);
		await waitFor(() => !terminals.screen('paster').includes('· sending…'), {what: () => `the waiting line gone:\n${terminals.screen('paster')}`});
		const lines = terminals.screen('paster').split('\n');
		const first = lines.findIndex(line => line.includes('paster: def f(x):'));
		const column = lines[first]!.indexOf('def f(x):');
		expect(lines[first + 1]!.slice(column)).toMatch(/^ {4}if x:/);
		expect(lines[first + 2]!.slice(column)).toMatch(/^ {4}return 1/);
	});

	test('a pasted coloured line arrives with the colour codes stripped', async () => {
		terminals.paste('paster', `${ESC}[1;31mred${ESC}[0m alert ${ESC}[32m+ok${ESC}[0m`);
		await terminals.waitFor('paster', '› red alert +ok');
		terminals.type('paster', 'Enter');
		await waitFor(() => said('paster').length === 2, {what: 'the coloured line at the watcher'});
		expect(said('paster')[1]).toBe('red alert +ok');
	});

	test('a 5,000-character paste is refused in place with its size, and nothing is sent until it fits', async () => {
		terminals.paste('paster', 'z'.repeat(5000));
		await terminals.waitFor('paster', '5,000 of 4,000 bytes: shorten it or /send it as a file');
		terminals.type('paster', 'Enter');
		await terminals.waitFor('paster', /message not sent: it is 5,000 bytes/);
		await terminals.waitFor('paster', '5,000 of 4,000 bytes');
		terminals.type('paster', 'C-u');
		terminals.type('paster', 'after the long one', 'Enter');
		await waitFor(() => said('paster').length === 3, {what: 'the next line at the watcher'});
		expect(said('paster')[2]).toBe('after the long one');
	});

	test('a file dragged in (its quoted path pasted) is offered, and Enter sends it to the room', async () => {
		const file = path.join(folder, 'my photo.png');
		writeFileSync(file, Buffer.alloc(2048, 7));
		terminals.paste('paster', `'${file}' `);
		await terminals.waitFor('paster', 'send my photo.png (2.05 kB) to the room? Enter sends, Esc keeps the text');
		terminals.type('paster', 'Enter');
		await waitFor(() => watcher.json().find(event => event.type === 'offer' && event.name === 'my photo.png' && event.complete === true), {
			what: 'the offer at the watcher',
		});
		expect(said('paster')).toHaveLength(3);
	});
});

describe('Tab after /send and /get in a real terminal (tmux)', () => {
	/** Where the member was started: /send reads typed paths and /get saves below it. */
	let here: string;

	test('completes a file name with a space, then a path inside a folder, and each offer goes out', async () => {
		here = mkdtempSync(path.join(folder, 'tab-'));
		writeFileSync(path.join(here, 'holiday photo.png'), Buffer.alloc(1000, 1));
		writeFileSync(path.join(here, 'notes.txt'), 'notes');
		mkdirSync(path.join(here, 'pics'));
		writeFileSync(path.join(here, 'pics', 'cat.jpg'), Buffer.alloc(500, 2));
		terminals.start('tabber', `cd ${JSON.stringify(here)} && XDG_DATA_HOME=${JSON.stringify(folder)} exec ${cli} --join 127.0.0.1:${port} --name tabber`, 110, 30);
		await terminals.waitFor('tabber', `● connected · joined · 127.0.0.1:${port} · as tabber`);

		terminals.type('tabber', '/send hol', 'Tab');
		// (capture-pane drops the trailing space the completion leaves; the unit tests check it.)
		await terminals.waitFor('tabber', /› \/send "holiday photo\.png"$/m);
		terminals.type('tabber', 'Enter');
		await waitFor(() => watcher.json().find(event => event.type === 'offer' && event.name === 'holiday photo.png' && event.complete === true), {
			what: () => `the completed offer at the watcher\n${terminals.screen('tabber')}`,
		});

		terminals.type('tabber', '/send pi', 'Tab');
		await terminals.waitFor('tabber', /› \/send pics\/$/m);
		terminals.type('tabber', 'Tab');
		await terminals.waitFor('tabber', /› \/send pics\/cat\.jpg$/m);
		terminals.type('tabber', 'Enter');
		await waitFor(() => watcher.json().find(event => event.type === 'offer' && event.name === 'cat.jpg' && event.size === 500 && event.complete === true), {
			what: () => `the offer from inside the folder at the watcher\n${terminals.screen('tabber')}`,
		});
	});

	test('completes the id of an offer after /get from its first letters, and the download runs', async () => {
		const shared = path.join(folder, 'shared report.bin');
		writeFileSync(shared, Buffer.alloc(3000, 3));
		watcher.child.stdin.write(`/send ${JSON.stringify(shared)}\n`);
		const offer = await waitFor(() => watcher.json().find(event => event.type === 'offer' && event.name === 'shared report.bin' && event.complete === true), {
			what: "the watcher's own offer",
		});
		const id = offer.id as string;
		await terminals.waitFor('tabber', 'shared report.bin');
		terminals.type('tabber', `/get ${id.slice(0, 1)}`, 'Tab');
		await terminals.waitFor('tabber', new RegExp(`› /get ${id}$`, 'm'));
		terminals.type('tabber', 'Enter');
		const saved = path.join(here, 'socket-chat-downloads', 'shared report.bin');
		await waitFor(() => existsSync(saved) && readFileSync(saved).equals(readFileSync(shared)), {
			what: () => `the download at tabber\n${terminals.screen('tabber')}`,
		});
	});
});

describe('keys typed while the TUI starts (a real terminal, still cooked)', () => {
	test('a line typed and Entered before the TUI took the terminal is sent, not left as two lines', async () => {
		// The program waits for a file, so the keys surely reach the terminal in cooked mode (its
		// echo on screen shows it), where Enter becomes a line feed.
		const go = path.join(folder, 'early.go');
		terminals.start('early', `while [ ! -e ${JSON.stringify(go)} ]; do sleep 0.05; done; XDG_DATA_HOME=${JSON.stringify(folder)} exec ${cli} --join 127.0.0.1:${port} --name early`, 110, 30);
		terminals.type('early', 'early bird', 'Enter');
		await terminals.waitFor('early', /^early bird$/m);
		writeFileSync(go, '');
		await terminals.waitFor('early', `● connected · joined · 127.0.0.1:${port} · as early`);
		await waitFor(() => said('early').length === 1, {what: 'the early line at the watcher'});
		expect(said('early')).toEqual(['early bird']);
		expect(terminals.screen('early')).not.toMatch(/2 lines/);
	});
});

describe('a crash in the TUI', () => {
	test('restores the terminal, leaves the room, names the log file, and exits 1', async () => {
		const pidFile = path.join(folder, 'crasher.pid');
		const after = path.join(folder, 'crasher.after');
		const output = path.join(folder, 'crasher.out');
		// The shell stays to report the exit code and the terminal's modes once the program is gone.
		terminals.start(
			'crasher',
			`sh -c 'echo $$ > ${pidFile}; XDG_DATA_HOME=${folder} ${process.execPath} --import ${faultPreload} ${cliPath} --join 127.0.0.1:${port} --name crasher; echo "exit $?" > ${after}; stty -a >> ${after}; sleep 30'`,
			110,
			30,
		);
		terminals.recordOutput('crasher', output);
		await terminals.waitFor('crasher', '● connected · joined');
		const shell = Number(readFileSync(pidFile, 'utf8'));
		const node = await waitFor(() => childOf(shell), {what: 'the program under the shell'});
		process.kill(node, 'SIGUSR2');
		await waitFor(() => existsSync(after) && readFileSync(after, 'utf8').includes('speed'), {what: 'the program to exit'});
		const report = readFileSync(after, 'utf8');
		expect(report).toMatch(/^exit 1\n/);
		// Raw mode is off again: the terminal echoes and reads lines.
		expect(report).toMatch(/(^|\s)icanon(\s|$)/m);
		expect(report).toMatch(/(^|\s)echo(\s|$)/m);
		const line = /socket-chat-tui stopped on an internal error \(Error: injected fault for the crash test\); it left the room\. The details are in (\S+)/;
		const log = (await waitFor(() => line.exec(terminals.screen('crasher', true)), {what: () => `the crash line:\n${terminals.screen('crasher', true)}`}))[1]!;
		expect(log.startsWith(folder)).toBe(true);
		expect(readFileSync(log, 'utf8')).toContain('injected fault for the crash test');
		// The others saw it leave, not time out.
		await waitFor(() => watcher.json().find(event => event.type === 'leave' && event.name === 'crasher'), {what: 'crasher left at the watcher'});
		expect(watcher.json().find(event => event.type === 'leave' && event.name === 'crasher')?.reason).toBe('quit');
		// What the program wrote last put the terminal back: main screen, bracketed paste off, cursor shown.
		const raw = readFileSync(output, 'latin1');
		expect(raw.lastIndexOf(`${ESC}[?1049l`)).toBeGreaterThan(raw.lastIndexOf(`${ESC}[?1049h`));
		expect(raw.lastIndexOf(`${ESC}[?2004l`)).toBeGreaterThan(raw.lastIndexOf(`${ESC}[?2004h`));
		expect(raw.lastIndexOf(`${ESC}[?25h`)).toBeGreaterThan(raw.lastIndexOf(`${ESC}[?25l`));
		expect(terminals.format('crasher', '#{alternate_on}')).toBe('0');
	});
});

describe('quitting with messages the hub never acknowledged', () => {
	test('says how many were not delivered, after the chat is gone', async () => {
		const {hub: quiet, port: quietPort} = await headlessHub();
		const after = path.join(folder, 'quitter.after');
		try {
			terminals.start(
				'quitter',
				`sh -c '${process.execPath} ${cliPath} --join 127.0.0.1:${quietPort} --name quitter 2> ${after}; echo "exit $?" >> ${after}; sleep 30'`,
				110,
				30,
			);
			// Joined (welcomed), not only connecting: the hub stops answering only after that.
			await terminals.waitFor('quitter', '● connected · joined');
			// The hub stops answering: what is typed now is never acknowledged.
			quiet.child.kill('SIGSTOP');
			// Typed as a person types: two messages, a moment apart.
			for (const text of ['one', 'two']) {
				terminals.type('quitter', text);
				await pause();
				terminals.type('quitter', 'Enter');
				await pause();
			}

			await terminals.waitFor('quitter', /reconnecting|no answer/);
			// Ctrl+C leaves (it would wait for the hub); a second Ctrl+C quits at once.
			terminals.type('quitter', 'C-c');
			await terminals.waitFor('quitter', 'leaving');
			terminals.type('quitter', 'C-c');
			await waitFor(() => existsSync(after) && readFileSync(after, 'utf8').includes('exit '), {what: 'the program to exit'});
			expect(readFileSync(after, 'utf8')).toMatch(/socket-chat-tui: 2 messages were not delivered/);
		} finally {
			quiet.child.kill('SIGKILL');
		}
	}, 30_000);
});

/** The pid of a child process of `parent` (Linux /proc). */
function childOf(parent: number): number | undefined {
	try {
		const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim();
		return children === '' ? undefined : Number(children.split(/\s+/)[0]);
	} catch {
		return undefined;
	}
}

const FUZZ_SEED = Number(process.env.TUI_FUZZ_SEED ?? Date.now() % 2 ** 31);

const pieces = [
	'a', 'word ', 'é', '漢字', '😀', '\r', '\t', '\u007F', '\u0015', '\u0017', '\u0001', '\u0005', '\u0000',
	ESC, `${ESC}[A`, `${ESC}[B`, `${ESC}[D`, `${ESC}[5~`, `${ESC}[3~`, `${ESC}[Z`, `${ESC}[H`, `${ESC}[F`,
	`${ESC}[31m`, `${ESC}[0m`, `${ESC}[?1049h`, `${ESC}[6n`, `${ESC}[1;5A`, `${ESC}[13;2u`, `${ESC}]0;title\u0007`,
	`${ESC}]8;;http://x${ESC}\\`, `${ESC}P1$r${ESC}\\`, `${ESC}[`, `${ESC}]`, `${ESC}O`, `${ESC}[200~`, `${ESC}[201~`, `${ESC}\r`, '\u009B', '\u202E',
	'\u00FF', '\u00C3', // as bytes these are invalid UTF-8 on their own (see below)
];

describe('a terminal fuzz (tmux)', () => {
	test(`random keys, escape sequences, invalid UTF-8 and pastes up to 20 kB: the TUI never exits, and every marker it sends arrives byte for byte (seed ${FUZZ_SEED})`, async () => {
		await tui('fuzzer');
		const random = seededRandom(FUZZ_SEED);
		const markers: string[] = [];
		const started = Date.now();
		for (let round = 0; Date.now() - started < 10_000; round++) {
			for (let step = 0; step < 6; step++) {
				const roll = random();
				if (roll < 0.06) {
					const body = `${'x'.repeat(Math.floor(random() * 60))}\n`.repeat(1 + Math.floor(random() * 300)).slice(0, 20_000);
					terminals.paste('fuzzer', body);
				} else if (roll < 0.12) {
					// Raw bytes that are not UTF-8: a lone continuation byte, a truncated sequence.
					terminals.type('fuzzer', '-H', ...['80', 'c3', 'e2', '82', 'ff', 'fe'].filter(() => random() < 0.5), '41');
				} else {
					let chunk = '';
					for (let count = 1 + Math.floor(random() * 10); count > 0; count--) {
						chunk += pieces[Math.floor(random() * pieces.length)];
					}

					terminals.sendBytes('fuzzer', chunk);
				}
			}

			await pause();
			expect(terminals.running('fuzzer'), `TUI_FUZZ_SEED=${FUZZ_SEED}: the TUI exited in round ${round}:\n${terminals.screen('fuzzer')}`).toBe(true);
			// End whatever the fuzz left open (a string, a paste), bring the focus back, clear, type a marker.
			const marker = `marker ${round} ${FUZZ_SEED}`;
			markers.push(marker);
			terminals.sendBytes('fuzzer', `\u0007${ESC}[201~\u0007`);
			await pause();
			terminals.sendBytes('fuzzer', 'x');
			await pause();
			terminals.sendBytes('fuzzer', '\u0015');
			await pause();
			terminals.sendBytes('fuzzer', marker);
			await pause();
			terminals.sendBytes('fuzzer', '\r');
			await waitFor(() => said('fuzzer').includes(marker), {
				timeoutMs: 10_000,
				what: () => `TUI_FUZZ_SEED=${FUZZ_SEED}: "${marker}" at the watcher; the screen:\n${terminals.screen('fuzzer')}`,
			});
		}

		// Every marker, in order, byte for byte. The fuzz's own keys may recall an earlier line (↑ or
		// Ctrl+↑, then Enter: seed 889919780 sent "marker 1" again so), a line the person sent again,
		// and may type onto it first (seed 1003653221 sent "marker 3 …word 漢字word"): later copies of
		// a marker already sent are left out, and so is a line that begins with one already sent; a
		// garbled marker (one that never arrived whole before it) still fails.
		const sent = said('fuzzer').filter(text => text.startsWith('marker '));
		const kept = sent.filter((text, index) => sent.indexOf(text) === index && !sent.slice(0, index).some(before => markers.includes(before) && text.startsWith(before)));
		expect(kept).toEqual(markers);
		for (const text of said('fuzzer')) {
			// eslint-disable-next-line no-control-regex
			expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202E]/);
		}

		const screen = terminals.screen('fuzzer');
		expect(screen).toContain('Members (');
		expect(screen.split('\n').every(line => line.length <= 110)).toBe(true);
	}, 90_000);
});
