import {describe, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import {allReceived, roomPerTest, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';

const room = roomPerTest();
const member = room.member;

const via = (m: TestMember) => m.link.served?.served?.via;

/** Members join, the probe settles, then `from` says `count` lines; returns the hub's datagrams sent meanwhile. */
async function talk(hub: Hub, members: TestMember[], from: TestMember, count: number, settled: (m: TestMember) => boolean): Promise<number> {
	await waitFor(() => members.every(settled), {what: () => `the probe's verdicts (${members.map(m => `${m.link.served?.served?.via}`).join(', ')})`});
	const before = hub.stats.sent;
	for (let i = 0; i < count; i++) {
		from.link.send({k: 'say', text: `line ${i}`});
	}

	await allReceived(members, count);
	return hub.stats.sent - before;
}

describe('the room stream on 127.0.0.1 (multicast over loopback)', () => {
	test('members the group reaches are served by it: every line once, in one order, for fewer sends than unicast', async () => {
		let hub = await room.start();
		const everyone = [await member('alice'), await member('bob'), await member('carol'), await member('dave')];
		const sentByGroup = await talk(hub, everyone, everyone[0]!, 40, m => via(m) === 'group');
		const order = everyone[0]!.events().map(event => event.seq);
		for (const m of everyone) {
			expect(m.events().map(event => event.seq)).toEqual(order);
			expect(m.messages()).toEqual(Array.from({length: 40}, (_, i) => `alice: line ${i}`));
			expect(m.link.served!.stats.group).toBeGreaterThan(0);
		}

		expect(hub.castStats!.served).toBe(4);
		expect(hub.castStats!.cast).toBeGreaterThan(0);
		await room.closeAll();

		// The same room by unicast: each batch goes once per member.
		hub = await room.start({multicast: false});
		const again = [await member('alice'), await member('bob'), await member('carol'), await member('dave')];
		const sentByUnicast = await talk(hub, again, again[0]!, 40, () => true);
		for (const m of again) {
			expect(m.link.served?.served).toBeUndefined();
		}

		expect(sentByGroup).toBeLessThan(sentByUnicast * 0.6);
	});

	test('a room whose group serves 100 members asks each for gap-free acks 200 ms apart (the 100th in its marker, the others by an item); every line still reaches all', async () => {
		// 100 members from one address: the per-address join limit (5, one more every 2 s) is for
		// a room of many hosts; here it would only make the test take minutes.
		const hub = await room.start({joinLimit: false});
		const everyone: TestMember[] = [];
		for (let index = 0; index < 100; index++) everyone.push(await member(`m${index}`));
		await talk(hub, everyone, everyone[0]!, 10, m => via(m) === 'group');
		expect(hub.castStats!.served).toBe(100);
		await waitFor(() => everyone.every(m => m.link.served!.ackDelay === 200), {
			what: () => `every member asked for 200 ms (${everyone.filter(m => m.link.served!.ackDelay !== 200).length} not yet)`,
		});
		for (const m of everyone) expect(m.messages()).toEqual(Array.from({length: 10}, (_, i) => `m0: line ${i}`));
	});

	test('a member the group does not reach is served by unicast, and says why; the room is one history still', async () => {
		const hub = await room.start();
		const alice = await member('alice');
		const bob = await member('bob', {multicast: false});
		const carol = await member('carol');
		await talk(hub, [alice, bob, carol], carol, 30, m => via(m) !== undefined);
		expect(via(alice)).toBe('group');
		expect(via(bob)).toBe('unicast');
		expect(bob.link.served!.served!.why).toBe('multicast is off at the member (--no-multicast)');
		expect(bob.events().map(event => event.seq)).toEqual(alice.events().map(event => event.seq));
	});

	test('a member who leaves takes no key to what follows: a new epoch key, and those who stay read on by the group', async () => {
		const hub = await room.start();
		const alice = await member('alice');
		const bob = await member('bob');
		const carol = await member('carol');
		await talk(hub, [alice, bob, carol], alice, 3, m => via(m) === 'group');
		const epoch = hub.castStats!.epoch;
		await bob.link.leave();
		await waitFor(() => hub.castStats!.epoch === epoch + 1, {what: 'a new epoch after the leave'});
		const group = alice.link.served!.stats.group;
		for (let i = 0; i < 5; i++) carol.link.send({k: 'say', text: `after ${i}`});
		await waitFor(() => [alice, carol].every(m => m.messages().filter(line => line.startsWith('carol: after')).length === 5), {what: 'the lines after the leave'});
		expect(via(alice)).toBe('group');
		expect(alice.link.served!.stats.group).toBeGreaterThan(group);
		expect(bob.messages().some(line => line.includes('after'))).toBe(false);
	});

	test('members that joined over IPv6 loopback (::1) are served by unicast, and the hub says why: Linux carries no IPv6 multicast over lo', async () => {
		const hub = await room.start({bind: '::1'});
		const alice = await member('alice', {host: '::1'});
		const bob = await member('bob', {host: '::1'});
		for (let i = 0; i < 5; i++) alice.link.send({k: 'say', text: `line ${i}`});
		await allReceived([alice, bob], 5);
		// No group in their welcomes, no probe: the room's events came in each member's own stream.
		for (const m of [alice, bob]) {
			expect(m.link.served?.info).toBeUndefined();
			expect(m.link.served?.stats.group ?? 0).toBe(0);
		}

		expect(hub.servedBy()).toEqual([
			{name: 'alice', via: 'unicast', why: 'not probed: IPv6 loopback (::1) carries no multicast'},
			{name: 'bob', via: 'unicast', why: 'not probed: IPv6 loopback (::1) carries no multicast'},
		]);
		expect(hub.castStats!.beats).toBe(0);
		expect(bob.messages()).toEqual(Array.from({length: 5}, (_, i) => `alice: line ${i}`));
	});
});
