/**
 * File transfer against a raw TCP copy on 127.0.0.1: one random file, `/send` by a member until
 * saved whole (sha256 checked) at a member that took the offer at once (three processes: sender,
 * host, receiver), against `socat` copying the same bytes sender-to-receiver into a file on the
 * same disk, then `sha256sum` of that copy. Peak RSS of every process. Cleans up after itself.
 */
import {spawn, spawnSync, fork, type ChildProcess} from 'node:child_process';
import {createHash, randomFillSync} from 'node:crypto';
import {mkdir, mkdtemp, open, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {TransferChildMessage} from './transfer-child.js';
import {freePort, nodeFlags, nowMs, sleep, watchMemory, type MemoryWatch} from './util.js';

export type TransferResult = {
	readonly size: number;
	readonly ours: {ms: number; memory: MemoryWatch};
	readonly socat: {copyMs: number; hashMs: number; memory: MemoryWatch; version: string};
};

async function makeRandomFile(file: string, size: number): Promise<string> {
	const handle = await open(file, 'w');
	const hash = createHash('sha256');
	const piece = Buffer.alloc(4 * 1024 * 1024);
	try {
		for (let done = 0; done < size; done += piece.length) {
			const part = piece.subarray(0, Math.min(piece.length, size - done));
			randomFillSync(part);
			hash.update(part);
			await handle.write(part, 0, part.length, done);
		}
	} finally {
		await handle.close();
	}

	return hash.digest('hex');
}

/** True once something listens on 127.0.0.1:port (read from /proc, so no connection is spent). */
async function listening(port: number): Promise<boolean> {
	const table = await readFile('/proc/net/tcp', 'utf8');
	const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
	return table.split('\n').some(line => line.includes(local) && line.trim().split(/\s+/)[3] === '0A');
}

async function exited(child: ChildProcess, limitMs: number): Promise<number | null> {
	return new Promise((resolve, reject) => {
		if (child.exitCode !== null) return resolve(child.exitCode);
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${child.spawnfile} took over ${limitMs / 1000} s`));
		}, limitMs);
		child.once('exit', code => {
			clearTimeout(timer);
			resolve(code);
		});
	});
}

async function socatCopy(source: string, target: string, limitMs: number): Promise<TransferResult['socat']> {
	const port = await freePort();
	const version = spawnSync('socat', ['-V'], {encoding: 'utf8'}).stdout.split('\n').find(line => line.includes('socat version'))?.trim() ?? 'socat';
	const receiver = spawn('socat', ['-u', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`, `OPEN:${target},creat,trunc`], {stdio: 'ignore'});
	for (let tries = 0; tries < 200 && !(await listening(port)); tries++) await sleep(10);
	const started = nowMs();
	const sender = spawn('socat', ['-u', `OPEN:${source}`, `TCP:127.0.0.1:${port}`], {stdio: 'ignore'});
	const memory = watchMemory({sender: sender.pid!, receiver: receiver.pid!});
	const [sent, received] = await Promise.all([exited(sender, limitMs), exited(receiver, limitMs)]);
	const copyMs = nowMs() - started;
	const watched = memory.stop();
	if (sent !== 0 || received !== 0) throw new Error(`socat failed (${sent}, ${received})`);
	const hashStarted = nowMs();
	spawnSync('sha256sum', [target], {stdio: 'ignore'});
	return {copyMs, hashMs: nowMs() - hashStarted, memory: watched, version};
}

type Party = {child: ChildProcess; next: () => Promise<TransferChildMessage>};

function party(args: string[]): Party {
	const script = fileURLToPath(new URL('transfer-child.js', import.meta.url));
	// BENCH_TRANSFER_FLAGS passes Node flags to the three parties (`--cpu-prof` to see where their time goes).
	const execArgv = nodeFlags('BENCH_TRANSFER_FLAGS');
	const child = fork(script, args, {stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv});
	const queue: TransferChildMessage[] = [];
	const waiting: Array<(message: TransferChildMessage) => void> = [];
	child.on('message', (message: TransferChildMessage) => (waiting.length > 0 ? waiting.shift()!(message) : queue.push(message)));
	child.on('exit', code => {
		for (const resolve of waiting.splice(0)) resolve({type: 'failed', error: `${args[0]} exited (${code})`});
	});
	const next = async () => new Promise<TransferChildMessage>(resolve => (queue.length > 0 ? resolve(queue.shift()!) : waiting.push(resolve)));
	return {child, next};
}

async function expect<T extends TransferChildMessage['type']>(from: Party, type: T): Promise<Extract<TransferChildMessage, {type: T}>> {
	const message = await from.next();
	if (message.type !== type) throw new Error(message.type === 'failed' ? message.error : `expected ${type}, got ${message.type}`);
	return message as Extract<TransferChildMessage, {type: T}>;
}

async function ourTransfer(source: string, sha256: string, size: number, dir: string, limitMs: number): Promise<TransferResult['ours']> {
	const parties: Party[] = [];
	const timer = setTimeout(() => {
		for (const p of parties) p.child.kill('SIGKILL');
	}, limitMs);
	try {
		const host = party(['host', '', '', String(size)]);
		parties.push(host);
		const {port} = await expect(host, 'ready');
		const sender = party(['sender', String(port), source]);
		const receiver = party(['receiver', String(port), dir]);
		parties.push(sender, receiver);
		await Promise.all([expect(sender, 'ready'), expect(receiver, 'ready')]);
		const memory = watchMemory({sender: sender.child.pid!, host: host.child.pid!, receiver: receiver.child.pid!});
		sender.child.send({type: 'send'});
		const started = await expect(sender, 'started');
		const [uploaded, saved] = await Promise.all([expect(sender, 'uploaded'), expect(receiver, 'saved')]);
		const watched = memory.stop();
		if (uploaded.sha256 !== sha256 || saved.sha256 !== sha256) throw new Error('sha256 mismatch');
		return {ms: saved.at - started.at, memory: watched};
	} finally {
		clearTimeout(timer);
		for (const {child} of parties.reverse()) {
			child.send?.({type: 'stop'});
			await exited(child, 10_000).catch(() => undefined);
		}
	}
}

export async function runTransfer(size: number, log: (line: string) => void): Promise<TransferResult> {
	const scratch = await mkdtemp(path.join(os.tmpdir(), 'bench-transfer-'));
	const limitMs = 5 * 60_000;
	try {
		const source = path.join(scratch, 'source.bin');
		const sha256 = await makeRandomFile(source, size);
		await mkdir(path.join(scratch, 'in'));
		const socat = await socatCopy(source, path.join(scratch, 'socat-copy.bin'), limitMs);
		log(`socat: ${Math.round(socat.copyMs)} ms copy + ${Math.round(socat.hashMs)} ms sha256sum`);
		await rm(path.join(scratch, 'socat-copy.bin'));
		const ours = await ourTransfer(source, sha256, size, path.join(scratch, 'in'), limitMs);
		log(`ours: ${Math.round(ours.ms)} ms from /send to saved (sha256 checked)`);
		return {size, ours, socat};
	} finally {
		await rm(scratch, {recursive: true, force: true});
	}
}
