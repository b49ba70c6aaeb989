/**
 * Small helpers shared by the benchmarks: a clock every process on this machine agrees on,
 * percentiles, /proc readings of another process's CPU time and memory, and the machine's identity.
 */
import {readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import os from 'node:os';

/** Node flags for a process under test, from an environment variable (BENCH_HUB_FLAGS ...; see run.ts). */
export function nodeFlags(variable: string): string[] {
	return process.env[variable]?.split(' ').filter(Boolean) ?? [];
}

/** Milliseconds on CLOCK_MONOTONIC: one clock for every process on the machine (Linux). */
export function nowMs(): number {
	const [seconds, nanos] = process.hrtime();
	return seconds * 1000 + nanos / 1e6;
}

export async function sleep(ms: number): Promise<void> {
	return new Promise(resolve => {
		setTimeout(resolve, ms);
	});
}

/** The q-quantile (0..1) of ascending samples; NaN when there are none. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
	if (sorted.length === 0) return Number.NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function median(samples: readonly number[]): number {
	return quantile([...samples].sort((a, b) => a - b), 0.5);
}

const ticksPerSecond = 100; // USER_HZ on Linux

/** CPU time (user + system) a process has used, in ms; NaN once it is gone. */
export function processCpuMs(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
	} catch {
		return Number.NaN;
	}
}

/** The same, split: user time (the process's own code) and system time (the kernel's work in its system calls and, on loopback, its peers' receive path), ms; NaN once it is gone. */
export function processCpuSplitMs(pid: number): {user: number; system: number} {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return {user: (Number(fields[11]) * 1000) / ticksPerSecond, system: (Number(fields[12]) * 1000) / ticksPerSecond};
	} catch {
		return {user: Number.NaN, system: Number.NaN};
	}
}

/** Resident memory of a process now and at its peak (VmHWM), in bytes; undefined once it is gone. */
export function processMemory(pid: number): {rss: number; peak: number} | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
		return {rss: kb('VmRSS'), peak: kb('VmHWM')};
	} catch {
		return undefined;
	}
}

export type MemoryWatch = {peaks: Record<string, number>; baselines: Record<string, number>};

/** Follows the peak RSS of some processes (and notes their RSS at the start), every `everyMs`, until stopped. */
export function watchMemory(pids: Record<string, number>, everyMs = 100): {stop: () => MemoryWatch} {
	const peaks: Record<string, number> = {};
	const baselines: Record<string, number> = {};
	const sample = () => {
		for (const [role, pid] of Object.entries(pids)) {
			const memory = processMemory(pid);
			if (!memory) continue;
			baselines[role] ??= memory.rss;
			peaks[role] = Math.max(peaks[role] ?? 0, memory.peak, memory.rss);
		}
	};

	sample();
	const timer = setInterval(sample, everyMs);
	return {
		stop() {
			sample();
			clearInterval(timer);
			return {peaks, baselines};
		},
	};
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers that need one named up front). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export type Machine = {cpus: number; model: string; memory: string; node: string; os: string; loadAverage: string};

export function machine(): Machine {
	const cpus = os.cpus();
	return {
		cpus: os.availableParallelism(),
		model: cpus[0]?.model.trim() ?? 'unknown',
		memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
		node: process.version,
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		loadAverage: os.loadavg().map(value => value.toFixed(2)).join(', '),
	};
}

export const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
export const thousands = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en') : 'n/a');
export const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');

/** An IPv4 address and port as /proc/net/udp writes them: `0100007F:1F90` for 127.0.0.1:8080. */
function procAddress(address: string, port: number): string {
	const bytes = address.split('.').map(part => Number(part).toString(16).toUpperCase().padStart(2, '0'));
	return `${bytes.reverse().join('')}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

function udpTable(pid: number | undefined): string[][] {
	try {
		// /proc/PID/net is the table of that process's network namespace (the benchmark's own without a pid).
		const lines = readFileSync(pid ? `/proc/${pid}/net/udp` : '/proc/net/udp', 'utf8').split('\n').slice(1);
		return lines.map(line => line.trim().split(/\s+/));
	} catch {
		return [];
	}
}

/**
 * Datagrams the kernel dropped (receive buffer full) so far, from /proc/net/udp: at the socket
 * bound to address:port (in the namespace of `serverPid`), at the sockets connected to it, and at
 * the members' sockets on the room's multicast group (bound to the group's address and the same
 * port), both in the namespace of `peersPid`.
 */
export function udpDrops(port: number, where: {address?: string; serverPid?: number; peersPid?: number} = {}): {server: number; peers: number; group: number} {
	const hex = procAddress(where.address ?? '127.0.0.1', port);
	const portHex = hex.slice(hex.indexOf(':'));
	let server = 0;
	let peers = 0;
	let group = 0;
	const serverTable = udpTable(where.serverPid);
	const peersTable = where.peersPid === where.serverPid ? serverTable : udpTable(where.peersPid);
	for (const fields of serverTable) if (fields[1] === hex) server += Number(fields.at(-1));
	for (const fields of peersTable) {
		if (fields[2] === hex) peers += Number(fields.at(-1));
		// 239.x.y.z is EF in the last byte of the address's hex (written low byte first).
		else if (fields[1]?.endsWith(portHex) && fields[1].slice(6, 8) === 'EF') group += Number(fields.at(-1));
	}

	return {server, peers, group};
}
