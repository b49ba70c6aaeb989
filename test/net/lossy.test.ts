import {afterEach, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import type {RoomEvent} from '../../source/protocol/items.js';
import {LossyRelay} from '../helpers/lossy-relay.js';
import {joinMember, startHub, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';

let hub: Hub | undefined;
let relay: LossyRelay | undefined;
const members: TestMember[] = [];

afterEach(async () => {
	for (const member of members.splice(0)) {
		member.link.close();
	}

	await relay?.close();
	await hub?.close();
});

/** Every message event a member received, counting duplicates (history and live alike). */
function rawMessages(member: TestMember): RoomEvent[] {
	return member.items.flatMap(item => (item.k === 'welcome' ? item.history : item.k === 'msg' ? [item] : [])).filter(event => event.k === 'msg');
}

// One seed over real sockets, as a smoke test; the simulator runs the same link (seeds 1 to 3,
// and hundreds of others) exactly repeatably in test/sim/room.test.ts.
test.each([1])('seed %i: at 20 percent loss, 5 percent duplication and reordering, every message arrives once, in one order', async seed => {
	hub = await startHub();
	relay = new LossyRelay({hubPort: hub.port, seed, drop: 0.2, duplicate: 0.05, reorder: 0.1, maxDelayMs: 25});
	const relayPort = await relay.start();
	const names = ['alice', 'bob', 'carol', 'dave'];
	for (const name of names) {
		members.push(await joinMember(relayPort, name, {helloTimeoutMs: 10_000}));
	}

	const senders = members.slice(0, 3);
	const perSender = 40;
	for (let i = 0; i < perSender; i++) {
		for (const [index, sender] of senders.entries()) {
			// Every tenth message is long enough to travel as several fragments.
			sender.link.send({k: 'say', text: `${names[index]} ${i}${i % 10 === 0 ? ` ${'long '.repeat(300)}` : ''}`});
		}
	}

	const total = perSender * senders.length;
	await waitFor(() => members.every(member => rawMessages(member).length >= total), {
		timeoutMs: 30_000,
		what: () => `${total} messages everywhere (have ${members.map(m => rawMessages(m).length).join(', ')})`,
	});
	await waitFor(async () => (await Promise.all(senders.map(async s => s.link.flushed(10)))).every(Boolean), {timeoutMs: 10_000, what: 'all acknowledged'});

	const reference = rawMessages(members[0]!).map(event => event.seq);
	expect(new Set(reference).size).toBe(total);
	for (const member of members) {
		const events = rawMessages(member);
		expect(events.map(event => event.seq)).toEqual(reference);
		for (const name of ['alice', 'bob', 'carol']) {
			const mine = events.flatMap(event => (event.k === 'msg' && event.from === name ? [event.text.split(' ')[1]] : []));
			expect(mine).toEqual(Array.from({length: perSender}, (_, i) => String(i)));
		}
	}

	expect(relay.stats.dropped).toBeGreaterThan(0);
	expect(relay.stats.duplicated).toBeGreaterThan(0);
	expect(relay.stats.reordered).toBeGreaterThan(0);
});
