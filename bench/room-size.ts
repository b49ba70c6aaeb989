/**
 * The hub's cost per message sent into the room, by room size (issue 16): rooms of 50, 200 and
 * 500 members (the quick run: 50 and 200) on 127.0.0.1, the same total of messages a second sent
 * into each, members split over load processes as in the fan-out benchmark; each size by unicast
 * only (`--no-multicast`: the hub sends every message once per member, so its CPU per message
 * grows with the room) and by the room's multicast group (one send per round for the room).
 */
import {startHubServer} from './fanout-hub.js';
import {Load} from './fanout-load.js';
import {buildBenchNet, describeSteering, netnsUnavailable, sweepStale, type BenchNet} from './netns.js';

export type RoomSizePoint = {
	readonly members: number;
	/**
	 * Where: on 127.0.0.1, where the kernel delivers a group datagram to every member's socket inside
	 * the hub's send (its system time grows with the room), or between network namespaces (netns.ts):
	 * the hub's send is one packet on its link, copied by the bridge and the members' kernel.
	 */
	readonly where: 'loopback' | 'namespaces';
	/** How the room went: by its multicast group (each member the probe found it reaches), or by unicast only. */
	readonly mode: 'multicast' | 'unicast';
	/** Members the group served at the end (multicast mode). */
	readonly servedByGroup?: number;
	/** By the group: how long the warm-up waited for the probes to place the members, ms. */
	readonly settleMs?: number;
	/** Why members were served as they were at the end: the reason's words (numbers as N), with how many. */
	readonly servedWhy?: Readonly<Record<string, number>>;
	/** Messages a second sent into the room, all members together. */
	readonly sendRate: number;
	/** The hub's CPU per message sent into the room, µs, and per delivery. */
	readonly usPerMessage: number;
	readonly usPerDelivery: number;
	/** The hub's user time alone per message (its own code, not the kernel's work in its sends and receives), µs. */
	readonly userUsPerMessage: number;
	/** Deliveries that arrived, of those expected (every message to every other member). */
	readonly delivered: number;
	readonly expected: number;
};

export type RoomSizeResult = {
	readonly totalRate: number;
	readonly windowMs: number;
	readonly points: readonly RoomSizePoint[];
	/** Why the rooms were not measured between namespaces too (quick runs, no root). */
	readonly namespacesSkipped?: string;
	/** How each host's kernel work was kept on its own CPUs between namespaces, in words (netns.ts). */
	readonly steering?: string;
};

/** Messages a second into the room, whatever its size: 50 members deliver about 4,900 a second, 500 about 49,900. */
const TOTAL_RATE = 100;

export async function runRoomSize(quick: boolean, log: (line: string) => void): Promise<RoomSizeResult> {
	const windowMs = quick ? 2000 : 8000;
	const points: RoomSizePoint[] = [];
	const sizes = quick ? [50, 200] : [50, 200, 500];
	await measureRooms(sizes, 'loopback', undefined, windowMs, points, log);
	const namespacesSkipped = quick ? 'a quick run measures on loopback only' : netnsUnavailable();
	let steering: string | undefined;
	if (namespacesSkipped === undefined) {
		const swept = sweepStale();
		if (swept.length > 0) log(`removed namespaces left by earlier runs: ${swept.join(', ')}`);
		const net = buildBenchNet();
		steering = describeSteering(net.steering);
		try {
			await measureRooms(sizes, 'namespaces', net, windowMs, points, log);
		} finally {
			net.remove();
		}
	}

	return {totalRate: TOTAL_RATE, windowMs, points, ...(namespacesSkipped === undefined ? {} : {namespacesSkipped}), ...(steering === undefined ? {} : {steering})};
}

async function measureRooms(sizes: readonly number[], where: RoomSizePoint['where'], net: BenchNet | undefined, windowMs: number, points: RoomSizePoint[], log: (line: string) => void): Promise<void> {
	for (const [members, mode] of sizes.flatMap(size => [[size, 'unicast'], [size, 'multicast']] as const)) {
		const server = await startHubServer({multicast: mode === 'multicast', ...(net ? {netns: net.server.ns, bind: net.server.address} : {})});
		let load: Load | undefined;
		try {
			load = await Load.start(server, members, members > 100 ? 2 : 1, net?.load.ns);
			const rate = TOTAL_RATE / members;
			// A warm-up, so JIT compilation and socket buffers are not part of the figure; by the group,
			// until the probes have placed the members (the group serves no more of them for 6 s, 40 s
			// at most): members still on unicast while their probe runs are the join's cost, not the room's.
			await load.step(rate, 1000, 1000);
			const settle = mode === 'multicast' ? await settled(server, log) : undefined;
			const step = await load.step(rate, windowMs, 2000);
			const point: RoomSizePoint = {
				members,
				where,
				mode,
				sendRate: step.sendRate,
				usPerMessage: (step.serverCpu * 1e6) / step.sendRate,
				usPerDelivery: (step.serverCpu * 1e6) / (step.sendRate * (members - 1)),
				userUsPerMessage: (step.serverUserCpu * 1e6) / step.sendRate,
				delivered: step.delivered,
				expected: step.expected,
				...(settle === undefined ? {} : {settleMs: settle}),
			};
			points.push(point);
			log(`room of ${members} by ${mode} (${where}): ${point.sendRate.toFixed(0)} msgs/s in, hub ${point.usPerMessage.toFixed(0)} µs per message (${point.userUsPerMessage.toFixed(0)} of it user time; ${point.usPerDelivery.toFixed(2)} µs per delivery), ${step.delivered} of ${step.expected} delivered`);
		} finally {
			await load?.close();
			await server.close();
		}

		const last = points.at(-1);
		const stats = server.stats() as {cast?: {served: number}; why?: Record<string, number>} | undefined;
		if (last && last.members === members && last.mode === mode && last.where === where && stats?.cast) {
			points[points.length - 1] = {...last, servedByGroup: stats.cast.served, ...(stats.why ? {servedWhy: stats.why} : {})};
			if (stats.why) log(`  served: ${Object.entries(stats.why).map(([why, count]) => `${count} ${why}`).join('; ')}`);
		}
	}
}

/** Waits until the group has served no more members for 6 s (past the first re-probe, 5 s), 40 s at most; how long that took, ms. */
async function settled(server: Awaited<ReturnType<typeof startHubServer>>, log: (line: string) => void): Promise<number> {
	const started = Date.now();
	const byGroup = async () => Object.entries((await server.served?.()) ?? {}).reduce((sum, [why, count]) => sum + (why.startsWith('group') ? count : 0), 0);
	let best = await byGroup();
	let since = Date.now();
	while (Date.now() - since < 6000 && Date.now() - started < 40_000) {
		await new Promise(resolve => setTimeout(resolve, 500));
		const now = await byGroup();
		if (now > best) {
			best = now;
			since = Date.now();
		}
	}

	log(`  the group served ${best} after ${((Date.now() - started) / 1000).toFixed(1)} s of probing`);
	return Date.now() - started;
}
