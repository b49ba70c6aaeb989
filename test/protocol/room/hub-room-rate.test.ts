import {describe, expect, test} from 'vitest';
import type {HubMember} from '../../../source/protocol/room/hub-room.js';
import {roomFixture} from './hub-room-fixture.js';

type Room = ReturnType<typeof roomFixture>;

/** One message arriving now, charged on arrival as the hub does, then handled. */
function arrive(room: Room, member: HubMember, text: string): void {
	room.hub.request(member, {k: 'say', text}, !room.hub.charge(member));
}

describe('HubRoom rate limit (a token bucket per member, on the room clock)', () => {
	test("a flood is limited and told so, while the others' messages still flow", () => {
		const room = roomFixture({rate: {perSecond: 10, burst: 20}});
		const flooder = room.join('flooder');
		const calm = room.join('calm');
		for (let i = 0; i < 200; i++) {
			arrive(room, flooder, `flood ${i}`);
		}

		arrive(room, calm, 'still here');
		expect(room.said().filter(text => text.startsWith('flood'))).toEqual(Array.from({length: 20}, (_, i) => `flood ${i}`));
		expect(room.said().at(-1)).toBe('still here');
		// Told at once, then at most once a second, with the count dropped since.
		expect(room.notices(flooder)).toEqual([{k: 'notice', level: 'error', code: 'rate-limited', text: 'slow down: the room takes 10 messages a second (bursts of 20); 1 dropped'}]);
		room.clock.advance(999);
		room.hub.request(flooder, {k: 'say', text: 'late'}, true);
		expect(room.notices(flooder)).toHaveLength(1);
		room.clock.advance(1);
		room.hub.request(flooder, {k: 'say', text: 'later'}, true);
		expect(room.notices(flooder).at(-1)?.text).toBe('slow down: the room takes 10 messages a second (bursts of 20); 181 dropped');
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

	test('the rate limit follows arrivals: lines charged as they arrived, paced, are all stamped when released together', () => {
		const room = roomFixture({rate: {perSecond: 10, burst: 20}});
		const raw = room.join('raw');
		// 21 lines arrive 140 ms apart (about 7 a second), but the first is lost and resent last,
		// so in-order delivery hands all 21 over at once.
		const over = Array.from({length: 21}, () => {
			room.clock.advance(140);
			return !room.hub.charge(raw);
		});
		for (const [i, late] of over.entries()) {
			room.hub.request(raw, {k: 'say', text: `line ${i + 1}`, id: `raw-${i + 1}`}, late);
		}

		expect(room.said()).toEqual(Array.from({length: 21}, (_, i) => `line ${i + 1}`));
		// Charged at the moment of release instead, the 21st would have been over.
		const eager = room.join('eager');
		expect(Array.from({length: 21}, () => room.hub.charge(eager)).filter(Boolean)).toHaveLength(20);
	});

	test('only messages are limited: a rename or a leave arriving over the limit still counts', () => {
		const room = roomFixture({rate: {perSecond: 10, burst: 20}});
		const bob = room.join('bob');
		room.hub.request(bob, {k: 'nick', name: 'robert'}, true);
		room.hub.request(bob, {k: 'leave'}, true);
		expect(room.events.slice(-2)).toMatchObject([
			{k: 'nick', from: 'bob', to: 'robert'},
			{k: 'leave', name: 'robert', reason: 'quit'},
		]);
		expect(bob.overLimit).toBe(0);
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
