/**
 * The room stream under simulation: the hub casts each round once to the group, members the probe
 * finds reachable are served by it, others by their own stream; losses are repaired by unicast; a
 * member whose group link turns bad goes back to unicast without a gap or a line twice.
 */
import {describe, expect, test} from 'vitest';
import {runScenario} from './kit/run.js';
import {calmScenario, type Scenario} from './kit/scenario.js';

const NAMES = ['alice', 'bob', 'carol'];

/** Three members; alice says `lines` lines 150 ms apart (a pipe at the room's pace), the others ten each. */
function room(multicast: Scenario['multicast'], changes: Partial<Scenario> = {}, lines = 40): Scenario {
	const ten = Array.from({length: 10}, (_, index) => 4000 + index * 1500);
	const members = NAMES.map((name, index) => ({name, joinAt: index * 100, says: index === 0 ? Array.from({length: lines}, (_, line) => 4000 + line * 150) : ten.map(at => at + index * 37)}));
	return calmScenario(members, {seed: 11, quietAt: 30_000 + lines * 150, endAt: 80_000 + lines * 150, multicast, ...changes});
}

const none = {deaf: [], closed: [], lossy: [], lossyFrom: 0, lossyRate: 0};

function clean(scenario: Scenario) {
	const outcome = runScenario(scenario);
	expect(outcome.failures).toEqual([]);
	const served = outcome.world.members.map(member => member.connection?.cast.served);
	return {outcome, served, cast: outcome.world.hub.endpoint!.cast!};
}

describe('the room stream under simulation', () => {
	test('a clean network: every member is served by the group, each round cast once, nothing repaired', () => {
		const {served, cast, outcome} = clean(room(none));
		expect(served.map(s => s?.via)).toEqual(['group', 'group', 'group']);
		expect(cast.groupSize).toBe(3);
		expect(cast.stats.cast).toBeGreaterThan(30);
		expect(cast.stats.repaired).toBe(0);
		// One datagram per round for the room: fewer casts than lines said.
		expect(cast.stats.cast).toBeLessThanOrEqual(outcome.world.members.reduce((sum, member) => sum + member.said.length, 0) + 10);
	});

	test('a member the group never reaches (its copies dropped, as some Wi-Fi access points do) is served by unicast', () => {
		const {served} = clean(room({...none, deaf: [1]}));
		expect(served[1]).toEqual({via: 'unicast', why: expect.stringMatching(/^multicast: 0 of \d+ probes came by the group$/)});
		expect(served[0]?.via).toBe('group');
	});

	test("a member's messages, come back by the group stamped with their ids, are its acks: the hub sends it none for them, and it sends none twice", () => {
		const {outcome, served} = clean(room(none, {logUnicast: true}));
		expect(served[0]?.via).toBe('group');
		const log = outcome.world.unicastLog!;
		// Alice's 40 lines go from 4 s to 10 s, 150 ms apart: an ack each, before.
		const during = log.filter(entry => entry.at >= 4000 && entry.at < 10_000);
		expect(during.filter(entry => entry.to === 0).length).toBeLessThan(3);
		// Hers: the lines, and her acks of the room stream (one per 100 ms at most); nothing twice.
		expect(during.filter(entry => entry.from === 0).length).toBeLessThanOrEqual(40 + 60);
		expect(outcome.world.members[0]!.connection!.resends).toBe(0);
		expect(outcome.world.members[0]!.connection!.unacknowledged).toBe(0);
	});

	test("the room stream's pace: a line 1 ms after another waits at most 2 ms for its datagram, by the hub's own timer (nothing else comes for seconds)", () => {
		const says = [6000, 6001, 9000];
		const members = NAMES.map((name, index) => ({name, joinAt: index * 100, says: index === 0 ? says : []}));
		const scenario = calmScenario(members, {seed: 11, quietAt: 20_000, endAt: 40_000, multicast: none, logUnicast: true, durable: false});
		const outcome = runScenario(scenario);
		expect(outcome.failures).toEqual([]);
		expect(outcome.world.members.map(member => member.connection?.cast.served?.via)).toEqual(['group', 'group', 'group']);
		const alice = outcome.world.members[0]!.said;
		const atBob = (text: string) => outcome.world.shownLog!.find(entry => entry.member === 1 && entry.text === text)!.at;
		// The link's 5 ms each way and the pace (a room without a store: no commit to wait for, and
		// none to send the second line when it is done); not until bob's ack of the first datagram
		// (100 ms), nor a heartbeat (2 s), would anything else make the hub send.
		const first = atBob(alice[0]!.text) - alice[0]!.at;
		expect(first).toBeLessThan(50);
		expect(atBob(alice[1]!.text) - alice[1]!.at).toBeLessThanOrEqual(first + 2);
	});

	test('a member served by unicast still gets an ack for each of its messages', () => {
		const {outcome, served} = clean(room({...none, deaf: [0]}, {logUnicast: true}));
		expect(served[0]?.via).toBe('unicast');
		const during = outcome.world.unicastLog!.filter(entry => entry.at >= 4000 && entry.at < 10_000);
		expect(during.filter(entry => entry.to === 0).length).toBeGreaterThanOrEqual(35);
	});

	test('a member whose group socket would not open is served by unicast', () => {
		const {served} = clean(room({...none, closed: [2]}));
		expect(served[2]).toEqual({via: 'unicast', why: expect.stringMatching(/0 of \d+ probes/)});
	});

	test.each([0.3, 1])("a member whose group link turns bad after the probe (%s of the group's datagrams lost) goes back to unicast: no gap, no line twice", rate => {
		const {served, cast, outcome} = clean(room({...none, lossy: [2], lossyFrom: 3500, lossyRate: rate}, {}, 300));
		const history = outcome.world.members[2]!.connection!.cast.history;
		expect(history[0]?.via).toBe('group');
		expect(history[1]).toEqual({via: 'unicast', why: expect.stringMatching(/came too late or not at all|held the room back/)});
		// Probed again a minute later, on the same bad link: still unicast.
		expect(served[2]?.via).toBe('unicast');
		expect(served[0]?.via).toBe('group');
		expect(cast.stats.repaired).toBeGreaterThanOrEqual(8);
	});

	test('20% loss both ways, duplication and reordering: repairs by unicast, every line once, in one order', () => {
		const {cast, outcome} = clean(room(none, {link: {loss: 0.2, duplicate: 0.05, delayMs: 5, jitterMs: 20, mtu: 1500}}, 120));
		expect(outcome.world.network.counts.lost).toBeGreaterThan(50);
		expect(cast.stats.cast).toBeGreaterThan(0);
	});

	test('a hub crash and a clock jump back with the group serving: nothing lost, no number reused', () => {
		clean(room(none, {faults: [{kind: 'crash', at: 9210, downMs: 1500}, {kind: 'jump', at: 14_000, target: 'hub', byMs: -60_000}]}, 120));
	});
});
