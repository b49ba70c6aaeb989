/**
 * How the TUI copes with a long scrollback: key press to re-render and the cost of appending
 * messages at 1,000 per second, with 50 and with 50,000 entries; heap after 100,000 entries.
 * Renders the real App against the fake session used by the UI tests, either in Ink's debug
 * mode (every render written at once: render cost per event) or as in a terminal (frames
 * throttled to 30 fps). Run: node --expose-gc dist/bench/tui-flood.js
 */
import {EventEmitter} from 'node:events';
import {performance} from 'node:perf_hooks';
import {render} from 'ink';
import {App} from '../source/ui/app.js';
import {connectedSession, type FakeSession} from '../test/ui/fake-session.js';

class Screen extends EventEmitter {
	readonly columns = 120;
	readonly rows = 40;
	constructor(readonly isTTY = false) {
		super();
	}

	frames = 0;
	lastFrame = '';
	#waiters: Array<() => void> = [];

	write = (frame: string): boolean => {
		this.frames++;
		this.lastFrame = frame;
		const waiters = this.#waiters;
		this.#waiters = [];
		for (const resolve of waiters) {
			resolve();
		}

		return true;
	};

	async nextFrame(): Promise<void> {
		return new Promise(resolve => {
			this.#waiters.push(resolve);
		});
	}
}

class Keyboard extends EventEmitter {
	readonly isTTY = true;
	#data: string | null = null;
	press(data: string): void {
		this.#data = data;
		this.emit('readable');
	}

	read = (): string | null => {
		const data = this.#data;
		this.#data = null;
		return data;
	};

	setEncoding(): void {}
	setRawMode(): void {}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
}

type Stats = {readonly median: number; readonly p95: number; readonly mean: number};

function stats(samples: number[]): Stats {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
	return {median: at(0.5), p95: at(0.95), mean: samples.reduce((sum, value) => sum + value, 0) / samples.length};
}

function fill(session: FakeSession, count: number): void {
	const batch = 10_000;
	for (let done = 0; done < count; done += batch) {
		session.pushEntries(
			Array.from({length: Math.min(batch, count - done)}, (_, index) => ({
				text: `message ${done + index}: the quick brown fox jumps over the lazy dog, 日本語 too 🎉`,
				from: `member${(done + index) % 7}`,
			})),
		);
	}
}

async function mount(entries: number, debug = true) {
	const session = connectedSession();
	fill(session, entries);
	const screen = new Screen(!debug);
	const keyboard = new Keyboard();
	const instance = render(<App session={session} onExit={() => undefined} />, {
		stdout: screen as unknown as NodeJS.WriteStream,
		stderr: new Screen() as unknown as NodeJS.WriteStream,
		stdin: keyboard as unknown as NodeJS.ReadStream,
		debug,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	await new Promise(resolve => {
		setTimeout(resolve, 50);
	});
	return {session, screen, keyboard, instance};
}

async function keyToFrame(entries: number, presses: number): Promise<Stats> {
	const {screen, keyboard, instance} = await mount(entries);
	const samples: number[] = [];
	for (let index = 0; index < presses; index++) {
		const frame = screen.nextFrame();
		const started = performance.now();
		keyboard.press(index % 2 === 0 ? 'x' : '\u007F');
		await frame;
		samples.push(performance.now() - started);
		await new Promise(resolve => {
			setTimeout(resolve, 1);
		});
	}

	instance.unmount();
	return stats(samples);
}

/**
 * Appends `count` messages paced at `perSecond` (or as fast as frames allow), for at most `budgetMs`,
 * each waiting for its frame. The TUI draws the entries of a flood together (at most every 100 ms,
 * source/ui/snapshot-batch.ts), so at 1,000/s this is how long a message waits to be seen in a
 * flood, not what one render costs (key press -> frame is that).
 */
async function appendAtRate(entries: number, count: number, perSecond: number, budgetMs: number): Promise<Stats & {rate: number; sent: number}> {
	const {session, screen, instance} = await mount(entries);
	const samples: number[] = [];
	const interval = 1000 / perSecond;
	const begun = performance.now();
	for (let index = 0; index < count && performance.now() - begun < budgetMs; index++) {
		while (performance.now() < begun + index * interval) {
			await new Promise(resolve => {
				setImmediate(resolve);
			});
		}

		const frame = screen.nextFrame();
		const started = performance.now();
		session.pushEntry({text: `live message ${index} with enough words to wrap once in a while`, from: 'flood'});
		await frame;
		samples.push(performance.now() - started);
	}

	const rate = samples.length / ((performance.now() - begun) / 1000);
	instance.unmount();
	return {...stats(samples), rate, sent: samples.length};
}

/**
 * Appends at `perSecond` for `durationMs` with frames throttled as in a terminal. Per message:
 * the time the append holds the main thread (React render and layout run synchronously in it)
 * and the process CPU time overall (including the throttled frames).
 */
async function appendLive(entries: number, perSecond: number, durationMs: number, withTui = true): Promise<Stats & {rate: number; cpu: number; frames: number}> {
	// Without the TUI: the same pacing and pushes into the fake session (its copy of the entries
	// on every push is O(entries)), the floor the TUI's figure stands on.
	const {session, screen, instance} = withTui
		? await mount(entries, false)
		: (() => {
				const session = connectedSession();
				fill(session, entries);
				return {session, screen: new Screen(true), instance: {unmount: () => undefined}};
			})();
	const samples: number[] = [];
	const interval = 1000 / perSecond;
	const cpuBefore = process.cpuUsage();
	const framesBefore = screen.frames;
	const begun = performance.now();
	for (let index = 0; performance.now() - begun < durationMs; index++) {
		// Sleep until the message is due (a timer, not a setImmediate spin: a spin would keep a core
		// busy and be counted as the app's CPU), then push it in a task of its own as a datagram
		// would arrive (no two pushes share a render).
		for (let now = performance.now(); now < begun + index * interval; now = performance.now()) {
			await new Promise(resolve => {
				setTimeout(resolve, Math.max(1, Math.floor(begun + index * interval - now)));
			});
		}

		await new Promise(resolve => {
			setImmediate(resolve);
		});
		const started = performance.now();
		session.pushEntry({text: `live message ${index} with enough words to wrap once in a while`, from: 'flood'});
		samples.push(performance.now() - started);
	}

	const elapsed = performance.now() - begun;
	const cpu = process.cpuUsage(cpuBefore);
	const frames = screen.frames - framesBefore;
	instance.unmount();
	return {...stats(samples), rate: samples.length / (elapsed / 1000), cpu: (cpu.user + cpu.system) / 1000 / samples.length, frames};
}

function heapMb(): number {
	(globalThis as {gc?: () => void}).gc?.();
	return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function heapAfter(entries: number): Promise<{before: number; after: number; held: number}> {
	const before = heapMb();
	const {instance, session} = await mount(entries);
	const after = heapMb();
	const held = session.snapshot.entries.length;
	instance.unmount();
	return {before, after, held};
}

const ms = (value: number) => value.toFixed(2).padStart(8);
const mode = process.env.NODE_ENV === 'production' ? 'production' : 'development';
console.log(`TUI flood benchmark (React ${mode} build, Ink debug rendering, 120x40)\n`);
console.log('                               median ms   p95 ms   mean ms');
for (const entries of [50, 50_000]) {
	const key = await keyToFrame(entries, 300);
	console.log(`key press -> frame, ${String(entries).padStart(6)} entries ${ms(key.median)} ${ms(key.p95)} ${ms(key.mean)}`);
}

for (const entries of [50, 50_000]) {
	const append = await appendAtRate(entries, 2000, 1000, 3000);
	console.log(
		`append -> frame (debug), ${String(entries).padStart(6)} ${ms(append.median)} ${ms(append.p95)} ${ms(append.mean)}   (${append.sent} sent, ${append.rate.toFixed(0)} msgs/s: each waits for its frame, so for the TUI's batch of a flood, up to 100 ms)`,
	);
}

console.log('\nappending at 1,000 msgs/s for 2 s, frames throttled to 30 fps as in a terminal (no TUI: the same pushes, nothing mounted):');
console.log('                        append median ms   p95 ms   mean ms   CPU ms/msg  msgs/s  frames   no TUI   the TUI');
for (const entries of [50, 50_000]) {
	const live = await appendLive(entries, 1000, 2000);
	const floor = await appendLive(entries, 1000, 2000, false);
	console.log(
		`  ${String(entries).padStart(6)} entries        ${ms(live.median)} ${ms(live.p95)} ${ms(live.mean)}     ${live.cpu.toFixed(2).padStart(7)} ${live.rate.toFixed(0).padStart(7)} ${String(live.frames).padStart(7)}  ${floor.cpu.toFixed(2).padStart(7)}   ${(live.cpu - floor.cpu).toFixed(2).padStart(7)}`,
	);
}

const heap = await heapAfter(100_000);
const gc = (globalThis as {gc?: unknown}).gc === undefined ? ' (run with --expose-gc for settled numbers)' : '';
console.log(`\nheapUsed: ${heap.before.toFixed(1)} MB before, ${heap.after.toFixed(1)} MB with ${heap.held.toLocaleString('en')} entries rendered${gc}`);
