/**
 * The whole room on simulated time: the real HubEndpoint and real MemberConnections, a seeded
 * network, a store that can crash between a write and its sync, clocks that jump. Invariants are
 * checked after every step (test/sim/kit/invariants.ts). A failure names its seed:
 * `npm run sim -- --seed <seed> --runs 1` replays it exactly.
 */
import {describe, expect, test} from 'vitest';
import {runBatch} from './kit/batch.js';
import {runScenario} from './kit/run.js';
import {calmScenario, type Scenario, scenarioFrom} from './kit/scenario.js';

/** Seeds npm test runs every time (`npm run sim` runs any others). */
const FIXED_RUNS = 300;

/** A plain scenario to vary: three members, ten lines each, a clean link, a durable room. */
function plain(changes: Partial<Scenario> = {}): Scenario {
	const says = Array.from({length: 10}, (_, index) => 4000 + index * 1500);
	return calmScenario(
		['alice', 'bob', 'carol'].map((name, index) => ({name, joinAt: index * 100, says: says.map(at => at + index * 37)})),
		changes,
	);
}

function expectClean(scenario: Scenario): ReturnType<typeof runScenario> {
	const outcome = runScenario(scenario);
	expect(outcome.failures).toEqual([]);
	for (const member of outcome.world.members) {
		expect(member.said.length, `${member.name} said its lines`).toBe(10);
	}

	return outcome;
}

describe('the room under simulation', () => {
	test(`${FIXED_RUNS} seeded scenarios (loss, duplication, reordering, cuts, crashes, clock jumps, address changes) keep every invariant`, () => {
		const batch = runBatch(1, FIXED_RUNS);
		expect(batch.failures).toEqual([]);
		expect(batch.runs).toBe(FIXED_RUNS);
		// About 30 s of one core alone; a fresh-clone run with other suites on both cores took 123 s.
	}, 300_000);

	test('a seed replays exactly: the same trace digest twice, and another seed gives another', () => {
		const first = runScenario(scenarioFrom(42));
		const again = runScenario(scenarioFrom(42));
		expect(again.digest).toBe(first.digest);
		expect(again.steps).toBe(first.steps);
		expect(runScenario(scenarioFrom(43)).digest).not.toBe(first.digest);
		expect(runBatch(10, 5).digest).toBe(runBatch(10, 5).digest);
	});

	test('seed 298: a hub crash while a member switching back to unicast held its stream behind the room stream: the rejoin catches up what was held', () => {
		// The member's rejoin asked for history after what its stream had received, not after what
		// its session had been shown: the held items, dropped by the fresh welcome, were lost (six
		// lines, seen when the probe's timing changed). Asserted here that the seed still takes that
		// path; if a change moves it off, find another seed that does.
		const outcome = runScenario(scenarioFrom(298));
		expect(outcome.failures).toEqual([]);
		const dropped = outcome.world.members.reduce((sum, member) => sum + (member.connection?.heldDropped ?? 0), 0);
		expect(dropped, 'items held behind the room stream when a fresh welcome came').toBeGreaterThan(0);
	});

	test('a 20 s blackout between one member and the hub: it rejoins and catches up, every line once, in one order', () => {
		const outcome = expectClean(plain({cuts: [{hosts: ['10.0.1.2'], from: 8000, until: 28_000, direction: 'both'}]}));
		const leaves = [...outcome.world.stamped.values()].flatMap(keys => [...keys]).filter(key => key.includes('"timed out"'));
		expect(leaves.length, 'the hub timed bob out during the blackout').toBeGreaterThan(0);
		const bob = outcome.world.members[1]!;
		expect(bob.states).toContain('reconnecting');
		expect(bob.states.at(-1)).toBe('connected');
		expect(bob.lost).toBeUndefined();
	});

	test.each([1, 2, 3])('seed %i: at 20%% loss, 5%% duplication and reordering both ways, every line arrives once, in one order', seed => {
		const outcome = expectClean(plain({seed, link: {loss: 0.2, duplicate: 0.05, delayMs: 5, jitterMs: 20, mtu: 1500}}));
		expect(outcome.world.network.counts.lost).toBeGreaterThan(50);
		expect(outcome.world.network.counts.duplicated).toBeGreaterThan(0);
	});

	test('an attacker replaying captured datagrams and forging junk, queries and hellos every 10 ms, through a hub crash: no ghost, nothing amplified, nothing lost or shown twice', () => {
		const outcome = expectClean(plain({forger: {from: 0, until: 40_000, everyMs: 10}, faults: [{kind: 'crash', at: 15_210, downMs: 1500}]}));
		const {forgedIn, forgedOut} = outcome.world;
		const sum = (map: Map<string, number>) => [...map.values()].reduce((total, bytes) => total + bytes, 0);
		// It did send (4,000 datagrams, most in forged names), and the hub answered some of it, never more than it got.
		expect(sum(forgedIn)).toBeGreaterThan(1_000_000);
		expect(sum(forgedOut)).toBeGreaterThan(0);
		expect(sum(forgedOut)).toBeLessThan(sum(forgedIn) / 5);
		expect(outcome.world.hub.endpoint!.room.live().map(member => member.name)).toEqual(['alice', 'bob', 'carol']);
	});

	test('a one-way link (the member hears the hub, the hub does not hear it) for 15 s loses nothing', () => {
		expectClean(plain({cuts: [{hosts: ['10.0.1.1'], from: 6000, until: 21_000, direction: 'outbound'}]}));
	});

	test('the whole network partitioned for 12 s: everyone rejoins, nothing lost', () => {
		expectClean(plain({cuts: [{hosts: 'all', from: 9000, until: 21_000, direction: 'both'}]}));
	});

	test('a hub crash between a write and its sync, then a restart on the store: nothing acknowledged is lost, no number reused', () => {
		// Slow syncs make crashes land while a commit is written but not synced.
		const outcome = expectClean(plain({syncMs: 400, faults: [{kind: 'crash', at: 9210, downMs: 2000}, {kind: 'crash', at: 17_333, downMs: 300}]}));
		expect(outcome.world.hub.incarnation).toBe(3);
	});

	test('clock jumps on the hub and on a member, back and forward, lose nothing', () => {
		expectClean(
			plain({
				faults: [
					{kind: 'jump', at: 7000, target: 'hub', byMs: -90_000},
					{kind: 'jump', at: 9000, target: 1, byMs: -110_000},
					{kind: 'jump', at: 14_000, target: 'hub', byMs: 45_000},
					{kind: 'jump', at: 16_000, target: 2, byMs: 60_000},
				],
			}),
		);
	});

	test("a member's address changes (a NAT rebinding): it rejoins from the new one, nothing lost", () => {
		expectClean(plain({faults: [{kind: 'rebind', at: 10_000, member: 0}]}));
	});

	test('the rate limit is on (the default): a member that says twelve lines in a second loses none', () => {
		const burst = Array.from({length: 10}, (_, index) => 5000 + index * 60);
		expectClean(plain({members: ['alice', 'bob', 'carol'].map((name, index) => ({name, joinAt: index * 100, says: burst}))}));
	});

	test('the invariants fail when the room breaks its promise: a hub that forgets its store on restart', () => {
		const scenario = plain({durable: false, faults: [{kind: 'crash', at: 12_000, downMs: 500}]});
		const outcome = runScenario(scenario);
		expect(outcome.failures.join('\n')).toMatch(/was reused|shows|unacknowledged/);
	});
});
