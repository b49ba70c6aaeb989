import {describe, expect, test} from 'vitest';
import type {HubMember} from '../../../source/protocol/room/hub-room.js';
import {memberFrame} from '../../../source/protocol/connection/hub-member-frames.js';
import {roomFixture} from './hub-room-fixture.js';

type Room = ReturnType<typeof roomFixture>;

/** One message arriving now, charged on arrival as the hub does: taken, or held back (the member sends it again later). True: taken. */
function arrive(room: Room, member: HubMember, text: string): boolean {
	if (!room.hub.charge(member)) {
		room.hub.heldBack(member);
		return false;
	}

	room.hub.request(member, {k: 'say', text});
	return true;
}

describe('HubRoom rate limit (a token bucket per member, on the room clock)', () => {
	test("a flood is held to the limit and told so, while the others' messages still flow", () => {
		const room = roomFixture({rate: {perSecond: 10, burst: 20}});
		const flooder = room.join('flooder');
		const calm = room.join('calm');
		let waiting = Array.from({length: 200}, (_, i) => `flood ${i}`);
		waiting = waiting.filter(text => !arrive(room, flooder, text));
		arrive(room, calm, 'still here');
		expect(room.said().filter(text => text.startsWith('flood'))).toEqual(Array.from({length: 20}, (_, i) => `flood ${i}`));
		expect(room.said().at(-1)).toBe('still here');
		// Told at once, then at most once a second.
		expect(room.notices(flooder)).toEqual([{k: 'notice', level: 'error', code: 'rate-limited', text: 'slow down: the room takes 10 messages a second (bursts of 20); the rest wait their turn'}]);
		room.clock.advance(999);
		room.hub.heldBack(flooder);
		expect(room.notices(flooder)).toHaveLength(1);
		// What was held back is sent again, and taken at the rate: ten a second.
		room.clock.advance(1);
		waiting = waiting.filter(text => !arrive(room, flooder, text));
		expect(room.said().filter(text => text.startsWith('flood'))).toHaveLength(30);
		expect(waiting).toHaveLength(170);
		expect(room.notices(flooder)).toHaveLength(2);
		expect(room.notices(calm)).toEqual([]);
	});

	test('the bucket refills at the rate: a second later, ten more', () => {
		const room = roomFixture({rate: {perSecond: 10, burst: 20}});
		const member = room.join('member');
		const taken = () => Array.from({length: 30}, () => room.hub.charge(member)).filter(Boolean).length;
		expect(taken()).toBe(20);
		room.clock.advance(1000);
		expect(taken()).toBe(10);
		room.clock.advance(60_000);
		expect(taken()).toBe(20);
	});

	test('a paced member loses nothing under the limit: piped input is delayed, not dropped', () => {
		const room = roomFixture({rate: {perSecond: 50, burst: 10}});
		const writer = room.join('writer');
		const reader = room.join('reader');
		for (let i = 0; i < 60; i++) {
			// Members pace themselves at 90% of the room's rate.
			room.clock.advance(1000 / 45);
			arrive(room, writer, `line ${i}`);
		}

		expect(room.seen(reader).flatMap(event => (event.k === 'msg' ? [`${event.from}: ${event.text}`] : []))).toEqual(Array.from({length: 60}, (_, i) => `writer: line ${i}`));
		expect(room.notices(writer)).toEqual([]);
	});

	test('the rate limit follows arrivals: lines charged as they arrived, paced, are all taken', () => {
		const room = roomFixture({rate: {perSecond: 10, burst: 20}});
		const raw = room.join('raw');
		// 21 lines arrive 140 ms apart (about 7 a second): each is charged as it arrives, none is over.
		const taken = Array.from({length: 21}, () => {
			room.clock.advance(140);
			return room.hub.charge(raw);
		});
		expect(taken.every(Boolean)).toBe(true);
		// Charged all at the same moment instead, the 21st would have been over.
		const eager = room.join('eager');
		expect(Array.from({length: 21}, () => room.hub.charge(eager)).filter(Boolean)).toHaveLength(20);
	});

	test('only messages are held back: with the bucket empty, a rename and a leave are taken, a line waits', () => {
		const room = roomFixture({rate: {perSecond: 10, burst: 20}});
		const bob = room.join('bob');
		while (room.hub.charge(bob)) {
			// Empty the bucket.
		}

		const drops: string[] = [];
		const frame = (n: number, e: unknown) => ({t: 'd' as const, g: 0, n, e});
		memberFrame(room.hub, bob, frame(1, {k: 'nick', name: 'robert'}), room.clock.now(), reason => drops.push(reason));
		memberFrame(room.hub, bob, frame(2, {k: 'say', text: 'waits', id: 'w1'}), room.clock.now(), reason => drops.push(reason));
		memberFrame(room.hub, bob, frame(3, {k: 'leave'}), room.clock.now(), reason => drops.push(reason));
		expect(drops).toEqual(['held-back']);
		// The rename is taken; the leave is held by the stream behind the line that waits (in order).
		expect(room.events.at(-1)).toMatchObject({k: 'nick', from: 'bob', to: 'robert'});
		expect(bob.receiver.isNew({t: 'd', g: 0, n: 2, e: {}})).toBe(true);
		room.clock.advance(1000);
		memberFrame(room.hub, bob, frame(2, {k: 'say', text: 'waits', id: 'w1'}), room.clock.now(), reason => drops.push(reason));
		expect(room.said()).toEqual(['waits']);
		expect(room.events.at(-1)).toMatchObject({k: 'leave', name: 'robert', reason: 'quit'});
	});

	test('without a rate limit nothing is charged, and the welcome says the room has one only when it does', () => {
		const open = roomFixture();
		const free = open.join('free');
		expect(Array.from({length: 1000}, () => open.hub.charge(free)).every(Boolean)).toBe(true);
		expect(open.welcomes(free)[0]).not.toHaveProperty('rate');
		const limited = roomFixture({rate: {perSecond: 10, burst: 20}});
		expect(limited.welcomes(limited.join('paced'))[0]?.rate).toEqual({perSecond: 10, burst: 20});
	});
});
