/**
 * ngircd as a fan-out target: a config written to a temporary folder (listening on 127.0.0.1
 * only, or on its namespace's address when run in one; penalties off as our hub's rate limit is
 * off), run in the foreground, and N IRC clients in this process: NICK/USER, JOIN #room,
 * PRIVMSG #room, PONG to PING.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {connect, type Socket} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type {Members, Server} from './fanout-load.js';
import {serverPin} from './netns.js';
import {freePort, sleep} from './util.js';

/** Installs ngircd and socat with apt-get when missing (the benchmark machine is Debian-like). */
export function ensureTools(): string | undefined {
	const missing = ['ngircd', 'socat'].filter(tool => spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).status !== 0);
	if (missing.length === 0) return undefined;
	console.log(`installing ${missing.join(', ')} (apt-get)...`);
	const run = (args: string) => spawnSync('sh', ['-c', `${process.getuid?.() === 0 ? '' : 'sudo '}${args}`], {stdio: 'ignore', timeout: 240_000});
	run('apt-get update');
	run(`apt-get install -y ${missing.join(' ')}`);
	const still = ['ngircd', 'socat'].filter(tool => spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).status !== 0);
	return still.length === 0 ? undefined : `could not install ${still.join(', ')}`;
}

/** Whether ngircd is installed. */
export function hasNgircd(): boolean {
	return spawnSync('sh', ['-c', 'command -v ngircd || test -x /usr/sbin/ngircd']).status === 0;
}

function ngircdBinary(): string {
	const found = spawnSync('sh', ['-c', 'command -v ngircd || echo /usr/sbin/ngircd'], {encoding: 'utf8'}).stdout.trim();
	return found || '/usr/sbin/ngircd';
}

function config(dir: string, port: number, listen: string): string {
	return `[Global]
	Name = bench.localhost
	Info = socket-chat-tui benchmark
	AdminInfo1 = benchmark
	AdminInfo2 = ${listen} only
	AdminEMail = nobody@localhost
	Listen = ${listen}
	Ports = ${port}
	MotdPhrase = "benchmark"
	PidFile = ${path.join(dir, 'ngircd.pid')}
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxPenaltyTime = 0
	PingTimeout = 120
	PongTimeout = 20
[Options]
	DNS = no
	Ident = no
	PAM = no
`;
}

async function startNgircd(listen: string, netns: string | undefined): Promise<{child: ChildProcess; port: number; dir: string; version: string}> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-ngircd-'));
	await chmod(dir, 0o777); // ngircd drops root for "nobody" and still writes its pid file here
	const port = await freePort();
	const file = path.join(dir, 'ngircd.conf');
	await writeFile(file, config(dir, port, listen));
	const binary = ngircdBinary();
	const version = spawnSync(binary, ['--version'], {encoding: 'utf8'}).stdout.split('\n')[0]?.trim() ?? 'ngircd';
	// In a namespace, `ip netns exec` (and taskset, pinning it as the hub is: netns.ts) execs ngircd
	// in place: the child's pid is ngircd's, for its CPU readings.
	const command = netns ? ['ip', 'netns', 'exec', netns, ...serverPin(), binary] : [binary];
	const child = spawn(command[0]!, [...command.slice(1), '-n', '-f', file], {stdio: ['ignore', 'pipe', 'pipe']});
	let log = '';
	child.stdout!.on('data', (chunk: Buffer) => {
		log = (log + chunk.toString()).slice(-4000);
	});
	child.stderr!.on('data', (chunk: Buffer) => {
		log = (log + chunk.toString()).slice(-4000);
	});
	for (let tries = 0; tries < 100; tries++) {
		if (child.exitCode !== null) break;
		if (log.includes('Now listening on')) return {child, port, dir, version};
		await sleep(50);
	}

	child.kill('SIGKILL');
	throw new Error(`ngircd did not start:\n${log}`);
}

type Client = {socket: Socket; nick: string};

async function ircClient(host: string, port: number, nick: string, onLine: (line: string) => void): Promise<Client> {
	const socket = connect({host, port, noDelay: true});
	socket.setEncoding('utf8');
	let buffer = '';
	let registered: () => void = () => undefined;
	const ready = new Promise<void>((resolve, reject) => {
		registered = resolve;
		socket.once('error', reject);
		setTimeout(() => reject(new Error(`${nick}: no JOIN within 10 s`)), 10_000).unref();
	});
	socket.on('data', (chunk: string) => {
		buffer += chunk;
		let from = 0;
		for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n', from)) {
			const line = buffer.slice(from, end);
			from = end + 2;
			if (line.startsWith('PING')) socket.write(`PONG${line.slice(4)}\r\n`);
			else if (line.includes(' 001 ')) socket.write('JOIN #room\r\n');
			else if (line.includes(' 366 ')) registered();
			else onLine(line);
		}

		buffer = buffer.slice(from);
	});
	socket.write(`NICK ${nick}\r\nUSER ${nick} 0 * :bench\r\n`);
	await ready;
	return {socket, nick};
}

/** ngircd listening on 127.0.0.1, or in network namespace `netns` on `listen` (its address there). */
export async function startIrcServer(where: {netns?: string; listen?: string} = {}): Promise<Server & {version: string}> {
	const host = where.listen ?? '127.0.0.1';
	const {child, port, dir, version} = await startNgircd(host, where.netns);
	return {
		kind: 'irc',
		label: 'ngircd',
		version,
		host,
		port,
		pid: child.pid!,
		netns: where.netns,
		stats: () => undefined,
		async close() {
			const exited = new Promise<void>(resolve => {
				if (child.exitCode === null) child.once('exit', () => resolve());
				else resolve();
			});
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
			await rm(dir, {recursive: true, force: true});
		},
	};
}

/** Members `from`..`to`-1 as IRC clients in #room; `deliver` hears every other member's message. */
export async function ircMembers(host: string, port: number, from: number, to: number, deliver: (receiver: number, text: string) => void): Promise<Members> {
	const clients: Client[] = [];
	const trouble: Record<string, number> = {disconnects: 0};
	let closing = false;
	try {
		for (let index = from; index < to; index++) {
			const client = await ircClient(host, port, `m${String(index).padStart(2, '0')}`, line => {
				const at = line.indexOf(' PRIVMSG #room :');
				if (at !== -1) deliver(index, line.slice(at + 16));
			});
			client.socket.on('close', () => {
				if (!closing) trouble.disconnects!++;
			});
			clients.push(client);
		}
	} catch (error) {
		for (const client of clients) client.socket.destroy();
		throw error;
	}

	return {
		send(index, text) {
			clients[index - from]!.socket.write(`PRIVMSG #room :${text}\r\n`);
		},
		trouble: () => ({...trouble}),
		async close() {
			closing = true;
			for (const client of clients) client.socket.destroy();
		},
	};
}
