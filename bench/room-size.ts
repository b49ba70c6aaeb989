/**
 * The hub's cost per message sent into the room, by room size (issue 16): rooms of 50, 200 and
 * 500 members (the quick run: 50 and 200) on 127.0.0.1, the same total of messages a second sent
 * into each, members split over load processes as in the fan-out benchmark; each size by unicast
 * only (`--no-multicast`: the hub sends every message once per member, so its CPU per message
 * grows with the room) and by the room's multicast group (one send per round for the room).
 */
import {startHubServer} from './fanout-hub.js';
import {Load} from './fanout-load.js';

export type RoomSizePoint = {
	readonly members: number;
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
	/** Deliveries that arrived, of those expected (every message to every other member). */
	readonly delivered: number;
	readonly expected: number;
};

export type RoomSizeResult = {readonly totalRate: number; readonly windowMs: number; readonly points: readonly RoomSizePoint[]};

/** Messages a second into the room, whatever its size: 50 members deliver about 4,900 a second, 500 about 49,900. */
const TOTAL_RATE = 100;

export async function runRoomSize(quick: boolean, log: (line: string) => void): Promise<RoomSizeResult> {
	const windowMs = quick ? 2000 : 4000;
	const points: RoomSizePoint[] = [];
	for (const [members, mode] of (quick ? [50, 200] : [50, 200, 500]).flatMap(size => [[size, 'unicast'], [size, 'multicast']] as const)) {
		const server = await startHubServer({multicast: mode === 'multicast'});
		let load: Load | undefined;
		try {
			load = await Load.start(server, members, members > 100 ? 2 : 1);
			const rate = TOTAL_RATE / members;
			// A warm-up, so JIT compilation and socket buffers are not part of the figure; by the group,
			// until the probes have placed the members (the group serves no more of them for 6 s, 40 s
			// at most): members still on unicast while their probe runs are the join's cost, not the room's.
			await load.step(rate, 1000, 1000);
			const settle = mode === 'multicast' ? await settled(server, log) : undefined;
			const step = await load.step(rate, windowMs, 2000);
			const point: RoomSizePoint = {
				members,
				mode,
				sendRate: step.sendRate,
				usPerMessage: (step.serverCpu * 1e6) / step.sendRate,
				usPerDelivery: (step.serverCpu * 1e6) / (step.sendRate * (members - 1)),
				delivered: step.delivered,
				expected: step.expected,
				...(settle === undefined ? {} : {settleMs: settle}),
			};
			points.push(point);
			log(`room of ${members} by ${mode}: ${point.sendRate.toFixed(0)} msgs/s in, hub ${point.usPerMessage.toFixed(0)} µs per message (${point.usPerDelivery.toFixed(2)} µs per delivery), ${step.delivered} of ${step.expected} delivered`);
		} finally {
			await load?.close();
			await server.close();
		}

		const last = points.at(-1);
		const stats = server.stats() as {cast?: {served: number}; why?: Record<string, number>} | undefined;
		if (last && last.members === members && last.mode === mode && stats?.cast) {
			points[points.length - 1] = {...last, servedByGroup: stats.cast.served, ...(stats.why ? {servedWhy: stats.why} : {})};
			if (stats.why) log(`  served: ${Object.entries(stats.why).map(([why, count]) => `${count} ${why}`).join('; ')}`);
		}
	}

	return {totalRate: TOTAL_RATE, windowMs, points};
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
