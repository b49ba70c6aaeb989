import type {HubEndpointConfig} from '../../../source/protocol/connection/hub-endpoint.js';
import {CLEAN, type Cut, type LinkProfile} from './network.js';
import {Random} from './random.js';

/** One member's part: when it joins, and when it says each of its lines. */
export type MemberPlan = {readonly name: string; readonly joinAt: number; readonly says: readonly number[]};

/** Something done to the room at a time: the faults loopback cannot make. */
export type Fault =
	| {readonly kind: 'crash'; readonly at: number; readonly downMs: number}
	| {readonly kind: 'jump'; readonly at: number; readonly target: 'hub' | number; readonly byMs: number}
	| {readonly kind: 'rebind'; readonly at: number; readonly member: number};

/**
 * A whole scenario, drawn from its seed: the members and their lines, the link's faults until
 * `quietAt` (loss, duplication, delay, reordering, MTU), cuts (partitions, one-way links), hub
 * crashes with the store, clock jumps, address changes; then a clean network until `endAt`, by
 * which everything said must have arrived.
 */
export type Scenario = {
	readonly seed: number;
	readonly members: readonly MemberPlan[];
	readonly link: LinkProfile;
	readonly cleanLink: LinkProfile;
	readonly cuts: readonly Cut[];
	readonly faults: readonly Fault[];
	readonly durable: boolean;
	/** Longest a store's sync takes, ms. */
	readonly syncMs: number;
	readonly hubConfig: Omit<HubEndpointConfig, 'identity'>;
	readonly quietAt: number;
	readonly endAt: number;
	/** All members on one host (one address, ports of their own), as behind a NAT or on one machine: they share the hub's limits per address. */
	readonly sharedHost?: boolean;
	/**
	 * An attacker on the network from `from` to `until`, every `everyMs`: replays of captured
	 * datagrams (from their sources, and from forged ones), junk, and blind queries and hellos in
	 * forged addresses' names (see World.forge).
	 */
	readonly forger?: {readonly from: number; readonly until: number; readonly everyMs: number};
	/**
	 * The room stream by multicast: the hub casts to a group the members join. Some members never
	 * get the group's copies, silently (`deaf`: a Wi-Fi AP that drops multicast) or because their
	 * group socket would not open (`closed`); some lose `lossyRate` of them from `lossyFrom` on
	 * (a link that turns bad after the probe said the group was fine).
	 */
	/** Log every unicast datagram between the hub and members (World.unicastLog), and when members show events (World.shownLog). */
	readonly logUnicast?: boolean;
	readonly multicast?: {readonly deaf: readonly number[]; readonly closed: readonly number[]; readonly lossy: readonly number[]; readonly lossyFrom: number; readonly lossyRate: number};
};

/** The simulated room's group. */
export const SIM_GROUP = '239.255.1.1';

/** A calm scenario for a test to vary: a clean 5 ms link, no cuts or faults, a durable room. */
export function calmScenario(members: readonly MemberPlan[], changes: Partial<Scenario> = {}): Scenario {
	return {
		seed: 7,
		members,
		link: {...CLEAN, delayMs: 5},
		cleanLink: {...CLEAN, delayMs: 5},
		cuts: [],
		faults: [],
		durable: true,
		syncMs: 5,
		hubConfig: {},
		quietAt: 30_000,
		endAt: 80_000,
		...changes,
	};
}

const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
/** When faults may start: after everyone's first join. */
const FAULTS_FROM = 3000;

/** The scenario a seed stands for: the same seed gives the same scenario, on any machine. */
export function scenarioFrom(seed: number): Scenario {
	const random = new Random(seed);
	const count = random.int(2, 5);
	const quietAt = FAULTS_FROM + random.int(15_000, 40_000);
	const members = NAMES.slice(0, count).map(name => {
		const says = Array.from({length: random.int(2, 12)}, () => random.int(2500, quietAt));
		if (random.chance(0.3)) {
			// Piped input: a run of lines at about the room's limit, so a queue builds behind the pace.
			const from = random.int(2500, quietAt - 5000);
			says.push(...Array.from({length: random.int(15, 40)}, (_, index) => from + index * 100));
		}

		return {name, joinAt: random.int(0, 1500), says: says.sort((a, b) => a - b)};
	});
	const calm = random.chance(0.1);
	const link: LinkProfile = calm
		? CLEAN
		: {
				loss: random.pick([0, 0.05, 0.1, 0.2, 0.3]),
				duplicate: random.pick([0, 0.02, 0.05, 0.1]),
				delayMs: random.int(1, 40),
				jitterMs: random.pick([0, 2, 10, 30]),
				mtu: random.pick([65_507, 1500, 1252]),
			};
	const durable = random.chance(0.75);
	return {
		seed,
		members,
		link,
		cleanLink: {...CLEAN, delayMs: link.delayMs},
		cuts: calm ? [] : cuts(random, count, quietAt),
		faults: calm ? [] : faults(random, count, quietAt, durable),
		durable,
		syncMs: random.int(1, 20),
		hubConfig: {},
		quietAt,
		endAt: quietAt + 45_000,
		sharedHost: random.chance(0.3),
		...(random.chance(0.3) ? {forger: {from: random.int(0, FAULTS_FROM), until: quietAt + random.int(0, 20_000), everyMs: random.int(5, 200)}} : {}),
		// Drawn from a generator of its own: the draws above stay what they were for every seed.
		...multicastPlan(new Random(seed ^ 0x6d_63_61_73), count, quietAt),
	};
}

function multicastPlan(random: Random, count: number, quietAt: number): Pick<Scenario, 'multicast'> {
	if (random.chance(0.25)) {
		return {};
	}

	const pickSome = (chance: number) => Array.from({length: count}, (_, index) => index).filter(() => random.chance(chance));
	return {multicast: {deaf: pickSome(0.15), closed: pickSome(0.1), lossy: pickSome(0.25), lossyFrom: random.int(FAULTS_FROM, quietAt), lossyRate: random.pick([0.05, 0.2, 0.5, 1])}};
}

function cuts(random: Random, count: number, quietAt: number): Cut[] {
	return Array.from({length: random.int(0, 3)}, () => {
		const from = random.int(FAULTS_FROM, quietAt - 1000);
		const until = Math.min(quietAt, from + random.int(500, 25_000));
		const hosts = random.chance(0.25) ? 'all' : [`10.0.1.${random.int(1, count)}`];
		return {hosts, from, until, direction: random.pick(['both', 'both', 'outbound', 'inbound'] as const)};
	});
}

function faults(random: Random, count: number, quietAt: number, durable: boolean): Fault[] {
	const out: Fault[] = [];
	// A hub without a store forgets the room when it dies: only durable rooms promise to survive it.
	for (let crashes = durable ? random.int(0, 2) : 0; crashes > 0; crashes--) {
		out.push({kind: 'crash', at: random.int(FAULTS_FROM, quietAt - 1000), downMs: random.int(100, 6000)});
	}

	for (let jumps = random.int(0, 2); jumps > 0; jumps--) {
		const byMs = random.int(1000, 120_000) * (random.chance(0.5) ? -1 : 1);
		out.push({kind: 'jump', at: random.int(FAULTS_FROM, quietAt), target: random.chance(0.5) ? 'hub' : random.int(0, count - 1), byMs});
	}

	if (random.chance(0.3)) {
		out.push({kind: 'rebind', at: random.int(FAULTS_FROM, quietAt), member: random.int(0, count - 1)});
	}

	return out.sort((a, b) => a.at - b.at);
}
