/**
 * Our hub as a fan-out target: the hub in a child process of its own (hub-child.ts), and its
 * members as real MemberLinks (built inside a load shard, load-shard.ts), all on 127.0.0.1, or
 * the hub in a network namespace bound to its address there (fanout-netns.ts).
 * `--cpu-prof` on the child profiles the hub.
 */
import {fileURLToPath} from 'node:url';
import {MemberLink} from '../source/net/member-link.js';
import type {Members, Server} from './fanout-load.js';
import {forkIn, serverPin} from './netns.js';
import {nodeFlags} from './util.js';

export type HubServerOptions = {
	/** Drop this share of datagrams in each direction (the tests' seeded lossy relay); 0 for none. */
	readonly loss?: number;
	/** Write a CPU profile of the hub process into this folder. */
	readonly profileDir?: string;
	/** False: the room by unicast only (`--no-multicast`); else by its group where the probe finds it works. */
	readonly multicast?: boolean;
	/** Run the hub in this network namespace, bound to `bind` (its address there). */
	readonly netns?: string;
	/** The address the hub binds (127.0.0.1 when absent). */
	readonly bind?: string;
};

type ChildMessage =
	| {type: 'ready'; port: number}
	| {type: 'stopped'; stats: unknown; cast?: unknown; relay?: unknown; why?: Record<string, number>}
	| {type: 'served'; why: Record<string, number>};

export async function startHubServer(options: HubServerOptions = {}): Promise<Server> {
	const script = fileURLToPath(new URL('hub-child.js', import.meta.url));
	// BENCH_HUB_FLAGS passes Node flags to the hub alone (`--trace-gc-nvp` showed what it promotes).
	const extra = nodeFlags('BENCH_HUB_FLAGS');
	const execArgv = [...extra, ...(options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [])];
	const env = {...process.env, BENCH_MULTICAST: options.multicast === false ? 'off' : (process.env.BENCH_MULTICAST ?? 'on')};
	const host = options.bind ?? '127.0.0.1';
	const child = forkIn(options.netns, script, [String(options.loss ?? 0), '7', host], {execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], pin: serverPin()});
	let stats: unknown;
	child.on('message', (message: ChildMessage) => {
		if (message.type === 'stopped') stats = {hub: message.stats, cast: message.cast, relay: message.relay, why: message.why};
	});
	const port = await new Promise<number>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('the hub child did not start within 10 s')), 10_000);
		child.once('exit', code => reject(new Error(`the hub child exited (${code})`)));
		child.on('message', (message: ChildMessage) => {
			if (message.type === 'ready') {
				clearTimeout(timer);
				resolve(message.port);
			}
		});
	});
	return {
		kind: 'hub',
		label: options.loss ? `hub ${Math.round(options.loss * 100)}% loss` : options.multicast === false ? 'hub (unicast)' : 'hub',
		host,
		port,
		pid: child.pid!,
		netns: options.netns,
		stats: () => stats,
		async served() {
			return new Promise<Record<string, number>>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error('the hub child did not say how it serves its members within 5 s')), 5000);
				const onMessage = (message: ChildMessage) => {
					if (message.type !== 'served') return;
					clearTimeout(timer);
					child.off('message', onMessage);
					resolve(message.why);
				};

				child.on('message', onMessage);
				child.send({type: 'served'});
			});
		},
		async close() {
			const exited = new Promise<void>(resolve => {
				if (child.exitCode === null) child.once('exit', () => resolve());
				else resolve();
			});
			child.send({type: 'stop'});
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		},
	};
}

/** Members `from`..`to`-1 of the room as MemberLinks; `deliver` hears every other member's message. */
export async function hubMembers(host: string, port: number, from: number, to: number, deliver: (receiver: number, text: string) => void): Promise<Members> {
	const links: MemberLink[] = [];
	const trouble: Record<string, number> = {resyncs: 0, lost: 0};
	const join = async (index: number) => {
		// Behind the lossy relay a hello and its accept are each lost one time in five: more time to join.
		const link = new MemberLink({host, port, helloTimeoutMs: 20_000});
		links.push(link);
		const name = `m${String(index).padStart(2, '0')}`;
		link.onItem(item => {
			if (item.k === 'msg') {
				if (item.from !== name) deliver(index, item.text);
			} else if (item.k === 'welcome' && item.resync) {
				trouble.resyncs!++;
			}
		});
		link.onLost(() => trouble.lost!++);
		const joined = await link.join(name);
		if (!joined.ok) throw new Error(`${name} could not join: ${joined.reason}`);
		return link;
	};

	let joined: MemberLink[];
	try {
		// All at once: behind the lossy relay, joining one by one would take half a minute.
		joined = await Promise.all(Array.from({length: to - from}, async (_, offset) => join(from + offset)));
	} catch (error) {
		for (const link of links) link.close();
		throw error;
	}

	return {
		send(index, text) {
			joined[index - from]!.send({k: 'say', text});
		},
		// Resends: requests the hub did not acknowledge in time (by an ack, or by their echo in the room stream).
		trouble: () => ({...trouble, resends: links.reduce((sum, link) => sum + link.resends, 0)}),
		async close() {
			for (const link of links) link.close();
		},
	};
}
