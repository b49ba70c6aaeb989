import {describe, expect, test} from 'vitest';
import {OFFER_GRACE_MS, OFFER_MAX_AGE_MS} from '../../../source/protocol/limits.js';
import {OfferTerms, transferSenderPresent} from '../../../source/protocol/room/hub-room-transfers.js';
import {roomFixture} from './hub-room-fixture.js';

const minute = 60_000;

/** Terms with one sender, alice, whose presence the test sets. */
function terms(lifetime?: {graceMs: number; maxAgeMs: number}) {
	const table = new OfferTerms<{name: string}>(lifetime);
	const alice = {name: 'alice'};
	let here = true;
	return {
		table,
		alice,
		leave: () => (here = false),
		back: () => (here = true),
		expire: (now: number) => table.expire(now, () => here),
	};
}

describe('OfferTerms: an offer ends when its sender has been gone the grace period, or at its maximum age', () => {
	test('the defaults: 10 minutes after the sender left, a day at most', () => {
		expect(OFFER_GRACE_MS).toBe(10 * minute);
		expect(OFFER_MAX_AGE_MS).toBe(24 * 60 * minute);
		expect(new OfferTerms().lifetime).toEqual({graceMs: OFFER_GRACE_MS, maxAgeMs: OFFER_MAX_AGE_MS});
	});

	test('nothing expires while the sender is there; once it left, after exactly the grace period', () => {
		const {table, alice, leave, expire} = terms();
		table.add('k3xq7a2m', alice, 0);
		expect(expire(5 * 60 * minute)).toEqual([]);
		leave();
		const left = 5 * 60 * minute + 1000;
		expect(expire(left)).toEqual([]);
		expect(table.endsAt('k3xq7a2m')).toBe(left + OFFER_GRACE_MS);
		expect(expire(left + OFFER_GRACE_MS - 1)).toEqual([]);
		expect(expire(left + OFFER_GRACE_MS)).toEqual([{id: 'k3xq7a2m', reason: 'expired 10 minutes after alice left the room'}]);
		expect(table.size).toBe(0);
		expect(expire(left + 2 * OFFER_GRACE_MS)).toEqual([]);
	});

	test('a sender back within the grace period keeps its offer; leaving again starts the grace again', () => {
		const {table, alice, leave, back, expire} = terms();
		table.add('a', alice, 0);
		leave();
		expect(expire(minute)).toEqual([]);
		back();
		expect(expire(minute + OFFER_GRACE_MS)).toEqual([]);
		expect(table.endsAt('a')).toBe(OFFER_MAX_AGE_MS);
		leave();
		expect(expire(20 * minute)).toEqual([]);
		expect(expire(20 * minute + OFFER_GRACE_MS - 1)).toEqual([]);
		expect(expire(20 * minute + OFFER_GRACE_MS).map(ended => ended.id)).toEqual(['a']);
	});

	test('a day after it was offered, sender there or not; whichever end comes first is the one told', () => {
		const {table, alice, leave, expire} = terms();
		table.add('old', alice, 0);
		table.add('new', alice, OFFER_MAX_AGE_MS - minute);
		expect(expire(OFFER_MAX_AGE_MS - 1)).toEqual([]);
		expect(expire(OFFER_MAX_AGE_MS)).toEqual([{id: 'old', reason: 'expired 1 day after it was offered'}]);
		leave();
		expect(expire(OFFER_MAX_AGE_MS)).toEqual([]);
		expect(expire(OFFER_MAX_AGE_MS + OFFER_GRACE_MS)).toEqual([{id: 'new', reason: 'expired 10 minutes after alice left the room'}]);
	});

	test('an offer deleted (its upload failed) never expires; other lifetimes are spelled as given', () => {
		const {table, alice, leave, expire} = terms({graceMs: 90_000, maxAgeMs: 2 * 3_600_000});
		table.add('failed', alice, 0);
		table.add('kept', alice, 0);
		table.delete('failed');
		leave();
		expect(expire(0)).toEqual([]);
		expect(expire(90_000)).toEqual([{id: 'kept', reason: 'expired 90 seconds after alice left the room'}]);
		table.add('long', {name: 'bob'}, 0);
		expect(table.expire(2 * 3_600_000, () => true)).toEqual([{id: 'long', reason: 'expired 2 hours after it was offered'}]);
	});
});

describe('transferSenderPresent: whether the room still has an offer’s sender', () => {
	test('its live session (renamed or not), or a live member under its name after it rejoined; not once it left', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.join('bob');
		const sender = {token: alice.token, name: 'alice'};
		expect(transferSenderPresent(room.hub, sender)).toBe(true);

		// A rename keeps the session: still there.
		room.hub.request(alice, {k: 'nick', name: 'alicia'});
		expect(alice.name).toBe('alicia');
		expect(transferSenderPresent(room.hub, sender)).toBe(true);

		room.hub.remove(alice, 'quit');
		expect(transferSenderPresent(room.hub, sender)).toBe(false);
		room.clock.advance(5000);
		room.hub.forget(alice);
		expect(transferSenderPresent(room.hub, sender)).toBe(false);

		const again = room.join('Alice');
		expect(again.token).not.toBe(alice.token);
		expect(transferSenderPresent(room.hub, sender)).toBe(true);
		expect(transferSenderPresent(room.hub, {token: alice.token, name: 'carol'})).toBe(false);
	});
});
