/**
 * The room fan-out load, the same for every server: N members in one room (split over one or
 * more load processes, load-shard.ts), each sending at a fixed rate for a short window; every
 * message carries its send time and is timed at each other member (fanout-ladder.ts raises the
 * rate step by step). Everything is bounded in count and time. The server and the load processes
 * run on this host (127.0.0.1), or each in a network namespace of their own (netns.ts).
 */
import type {ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {forkIn} from './netns.js';
import {nodeFlags, nowMs, processCpuMs, processCpuSplitMs, quantile, udpDrops} from './util.js';

/** A server under test, running in a process of its own. */
export type Server = {
	readonly kind: 'hub' | 'irc';
	readonly label: string;
	/** The address it listens on: 127.0.0.1, or its namespace's. */
	readonly host: string;
	readonly port: number;
	readonly pid: number;
	/** The network namespace it runs in, if not this host's. */
	readonly netns?: string;
	stats(): unknown;
	/** Our hub: how it serves its members now, by reason (as `stats().why` at the end). */
	served?(): Promise<Record<string, number>>;
	close(): Promise<void>;
};

/** Some members of the room, inside one load process. */
export type Members = {
	send(index: number, text: string): void;
	trouble(): Record<string, number>;
	close(): Promise<void>;
};

export type ShardCommand =
	| {type: 'step'; step: number; rate: number; startAt: number; windowMs: number}
	| {type: 'drain'; expected: number; deadline: number; settleUntil: number}
	| {type: 'close'};
export type ShardReport = {
	type: 'report';
	onTime: number;
	delivered: number;
	inWindow: number;
	steady: number;
	latencies: Float64Array;
	trouble: Record<string, number>;
};
export type ShardReply = {type: 'ready'} | {type: 'failed'; error: string} | {type: 'sent'; sent: number} | ShardReport;

export type StepResult = {
	/** Messages per second per member asked for. */
	readonly rate: number;
	readonly windowMs: number;
	readonly sent: number;
	/** Messages per second sent, all members together. */
	readonly sendRate: number;
	/** Deliveries expected: every message to every other member. */
	readonly expected: number;
	/** Deliveries within the drain bound, and in all (stragglers included). */
	readonly onTime: number;
	readonly delivered: number;
	/** Deliveries per second arriving during the window (after its first quarter). */
	readonly deliveredPerSecond: number;
	/** Share of the expected deliveries that arrived within the window. */
	readonly inWindow: number;
	readonly p50: number;
	readonly p99: number;
	readonly max: number;
	/** CPU during the window, in cores (1 = one core busy): the server, and the load processes together. */
	readonly serverCpu: number;
	/** The server's user time alone, in cores: its own code, without the kernel's work in its system calls. */
	readonly serverUserCpu: number;
	readonly loadCpu: number;
	readonly keptUp: boolean;
	readonly trouble: Record<string, number>;
};

type Shard = {child: ChildProcess; count: number; next: <T extends ShardReply>() => Promise<T>};

/** The room's members over `processes` load processes, joined and ready. */
export class Load {
	private stepCounter = 0;
	private constructor(
		readonly server: Server,
		readonly members: number,
		private readonly shards: Shard[],
	) {}

	/** `netns`: the network namespace the load processes run in (this host's when absent). */
	static async start(server: Server, members: number, processes: number, netns?: string): Promise<Load> {
		const script = fileURLToPath(new URL('load-shard.js', import.meta.url));
		const shards: Shard[] = [];
		const per = Math.ceil(members / processes);
		for (let from = 0; from < members; from += per) {
			const to = Math.min(members, from + per);
			// BENCH_LOAD_FLAGS passes Node flags to the load processes (`--cpu-prof` to see the members' side).
			const execArgv = nodeFlags('BENCH_LOAD_FLAGS');
			const args = [server.kind, String(server.port), String(from), String(to), String(members), server.host];
			const child = forkIn(netns, script, args, {serialization: 'advanced', execArgv});
			const queue: ShardReply[] = [];
			const waiting: Array<(reply: ShardReply) => void> = [];
			child.on('message', (reply: ShardReply) => (waiting.length > 0 ? waiting.shift()!(reply) : queue.push(reply)));
			child.on('exit', () => {
				for (const resolve of waiting.splice(0)) resolve({type: 'failed', error: 'load process exited'});
			});
			const next = async <T extends ShardReply>() =>
				new Promise<T>(resolve => (queue.length > 0 ? resolve(queue.shift() as T) : waiting.push(resolve as (reply: ShardReply) => void)));
			shards.push({child, count: to - from, next});
			const ready = await next();
			if (ready.type !== 'ready') {
				await new Load(server, members, shards).close();
				throw new Error(`load process: ${ready.type === 'failed' ? ready.error : ready.type}`);
			}
		}

		return new Load(server, members, shards);
	}

	get processes(): number {
		return this.shards.length;
	}

	/**
	 * One step: every member sends `rate` messages a second for `windowMs`; then up to `drainMs` for
	 * the rest. It keeps up when every delivery arrived within the drain bound, 90% within the window.
	 */
	async step(rate: number, windowMs: number, drainMs: number): Promise<StepResult> {
		const step = ++this.stepCounter;
		const startAt = nowMs() + 30;
		const end = startAt + windowMs;
		let cpu = {server: 0, serverUser: 0, load: 0};
		const sample = () => ({server: processCpuMs(this.server.pid), serverUser: processCpuSplitMs(this.server.pid).user, load: this.shards.reduce((sum, shard) => sum + processCpuMs(shard.child.pid!), 0)});
		const atStart = setTimeout(() => (cpu = sample()), startAt - nowMs());
		const window = new Promise<{server: number; serverUser: number; load: number}>(resolve => {
			setTimeout(() => {
				const now = sample();
				resolve({server: (now.server - cpu.server) / windowMs, serverUser: (now.serverUser - cpu.serverUser) / windowMs, load: (now.load - cpu.load) / windowMs});
			}, end - nowMs());
		});
		// In namespaces, each side's sockets are in its namespace's table.
		const where = this.server.netns ? {address: this.server.host, serverPid: this.server.pid, peersPid: this.shards[0]?.child.pid} : {address: this.server.host};
		const dropsBefore = udpDrops(this.server.port, where);
		for (const shard of this.shards) shard.child.send({type: 'step', step, rate, startAt, windowMs} satisfies ShardCommand);
		const sentBy = await Promise.all(this.shards.map(async shard => (await shard.next<{type: 'sent'; sent: number}>()).sent));
		clearTimeout(atStart);
		const sent = sentBy.reduce((a, b) => a + b, 0);
		const expectedBy = this.shards.map((shard, index) => sent * shard.count - sentBy[index]!);
		this.shards.forEach((shard, index) => {
			shard.child.send({type: 'drain', expected: expectedBy[index]!, deadline: end + drainMs, settleUntil: end + 5 * drainMs} satisfies ShardCommand);
		});
		const reports = await Promise.all(this.shards.map(async shard => shard.next<ShardReport>()));
		const usage = await window;
		const sum = (key: 'onTime' | 'delivered' | 'inWindow' | 'steady') => reports.reduce((total, report) => total + (report[key] ?? 0), 0);
		const all = new Float64Array(reports.reduce((total, report) => total + (report.latencies?.length ?? 0), 0));
		let offset = 0;
		for (const report of reports) {
			all.set(report.latencies ?? [], offset);
			offset += report.latencies?.length ?? 0;
		}

		all.sort();
		const expected = sent * (this.members - 1);
		const trouble: Record<string, number> = {};
		if (this.server.kind === 'hub') {
			// Datagrams the kernel dropped on a full receive buffer (the reliable streams resend them).
			const drops = udpDrops(this.server.port, where);
			trouble['udp drops at hub'] = drops.server - dropsBefore.server;
			trouble['udp drops at members'] = drops.peers - dropsBefore.peers;
			trouble['udp drops at members (group)'] = drops.group - dropsBefore.group;
		}

		for (const report of reports) {
			for (const [kind, count] of Object.entries(report.trouble ?? {})) if (count > 0) trouble[kind] = (trouble[kind] ?? 0) + count;
		}

		return {
			rate,
			windowMs,
			sent,
			sendRate: (sent / windowMs) * 1000,
			expected,
			onTime: sum('onTime'),
			delivered: sum('delivered'),
			deliveredPerSecond: sum('steady') / ((windowMs * 0.75) / 1000),
			inWindow: expected === 0 ? 1 : sum('inWindow') / expected,
			p50: quantile(all, 0.5),
			p99: quantile(all, 0.99),
			max: quantile(all, 1),
			serverCpu: usage.server,
			serverUserCpu: usage.serverUser,
			loadCpu: usage.load,
			keptUp: sum('onTime') >= expected && sum('inWindow') >= 0.9 * expected,
			trouble,
		};
	}

	async close(): Promise<void> {
		await Promise.all(
			this.shards.map(
				async shard =>
					new Promise<void>(resolve => {
						if (shard.child.exitCode !== null) return resolve();
						const timer = setTimeout(() => shard.child.kill('SIGKILL'), 5000);
						shard.child.once('exit', () => {
							clearTimeout(timer);
							resolve();
						});
						shard.child.send({type: 'close'} satisfies ShardCommand);
					}),
			),
		);
	}
}
