/**
 * Path MTU discovery for the hub's datagrams to a member (connection/path-mtu.ts, RFC 8899): the
 * search alone, then through the pure endpoint and a member connection whose path drops datagrams
 * above a size, as a link of a smaller MTU does with don't-fragment set.
 */
import {describe, expect, test} from 'vitest';
import {HubEndpoint} from '../../source/protocol/connection/hub-endpoint.js';
import {MemberConnection} from '../../source/protocol/connection/member-connection.js';
import {BASE_DATAGRAM, BLACK_HOLE_BACKOFF, FIRST_PROBE_MS, MAX_PROBES, PathMtu, PROBE_SIZES, PROBE_WAIT_MS, RAISE_MS} from '../../source/protocol/connection/path-mtu.js';
import {generateIdentity} from '../../source/protocol/secure/identity.js';
import {seededRandom} from '../helpers/seeded-random.js';

/** Runs the search against a path that takes datagrams up to `mtu`, answering each probe that fits; the probes sent. */
function search(path: PathMtu, mtu: number, start: number, until: number): Array<{at: number; size: number}> {
	const sent: Array<{at: number; size: number}> = [];
	for (let now = start; now <= until; now += 50) {
		const probe = path.poll(now, 0);
		if (probe) {
			sent.push({at: now, size: probe.size});
			if (probe.size <= mtu) path.answer(probe.id, now + 1);
		}
	}

	return sent;
}

describe('the search', () => {
	test('a black hole the room stream saw (its repairs above 1,200 bytes timing out): back to 1,200, searched again after the raise timer', () => {
		const path = new PathMtu(1472, 0);
		search(path, 1500, 0, 1000);
		expect(path.size).toBe(1472);
		path.blackHole(5000);
		expect(path.size).toBe(BASE_DATAGRAM);
		expect(path.nextDeadline()).toBe(5000 + RAISE_MS);
		// Once at BASE, another sighting changes nothing.
		path.blackHole(6000);
		expect(path.nextDeadline()).toBe(5000 + RAISE_MS);
		const again = 5000 + RAISE_MS;
		expect(search(path, 1500, again - 100, again + 500)).toEqual([{at: again, size: 1472}]);
		expect(path.size).toBe(1472);
	});

	test('a path that takes 1,472 bytes: one probe, answered, and the size stays', () => {
		const path = new PathMtu(1472, 0);
		expect(path.size).toBe(BASE_DATAGRAM);
		expect(path.nextDeadline()).toBe(FIRST_PROBE_MS);
		const sent = search(path, 1500, 0, 5000);
		expect(sent).toEqual([{at: FIRST_PROBE_MS, size: 1472}]);
		expect(path.size).toBe(1472);
		// Nothing larger to look for: no more deadlines.
		expect(path.nextDeadline()).toBeUndefined();
	});

	test('a path of 1,420 bytes: 1,472 and 1,452 probed three times each, then 1,400 answered; searched again after the raise timer', () => {
		const path = new PathMtu(1472, 0);
		const sent = search(path, 1420, 0, 10_000);
		expect(sent.map(probe => probe.size)).toEqual([...Array(MAX_PROBES).fill(1472), ...Array(MAX_PROBES).fill(1452), 1400]);
		// Each unanswered probe waited its time before the next.
		expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(PROBE_WAIT_MS);
		expect(path.size).toBe(1400);
		const rested = path.nextDeadline()!;
		expect(rested - sent.at(-1)!.at).toBeGreaterThanOrEqual(RAISE_MS - 1);
		// The raise timer: only the sizes above the one in use are tried again.
		const again = search(path, 1420, rested, rested + 5000);
		expect(again.map(probe => probe.size)).toEqual([...Array(MAX_PROBES).fill(1472), ...Array(MAX_PROBES).fill(1452)]);
		expect(path.size).toBe(1400);
	});

	test('a path that takes nothing above 1,200: every size given up, the size stays 1,200', () => {
		const path = new PathMtu(1472, 0);
		const sent = search(path, 1200, 0, 20_000);
		expect(sent).toHaveLength(PROBE_SIZES.length * MAX_PROBES);
		expect(path.size).toBe(BASE_DATAGRAM);
	});

	test('never a probe above what the shell can send unfragmented; none at all at 1,200', () => {
		expect(search(new PathMtu(1300, 0), 9000, 0, 20_000).every(probe => probe.size <= 1300)).toBe(true);
		const none = new PathMtu(BASE_DATAGRAM, 0);
		expect(none.nextDeadline()).toBeUndefined();
		expect(search(none, 9000, 0, 20_000)).toEqual([]);
	});

	test('a black hole (the stream backing off with a size above 1,200) falls back to 1,200, and searches again later', () => {
		const path = new PathMtu(1472, 0);
		search(path, 1500, 0, 1000);
		expect(path.size).toBe(1472);
		expect(path.poll(2000, BLACK_HOLE_BACKOFF - 1)).toBeUndefined();
		expect(path.size).toBe(1472);
		expect(path.poll(2100, BLACK_HOLE_BACKOFF)).toBeUndefined();
		expect(path.size).toBe(BASE_DATAGRAM);
		expect(path.nextDeadline()).toBe(2100 + RAISE_MS);
	});

	test('answers to probes never sent, or answered already, change nothing', () => {
		const path = new PathMtu(1472, 0);
		path.answer(1, 0);
		expect(path.size).toBe(BASE_DATAGRAM);
		const probe = path.poll(FIRST_PROBE_MS, 0)!;
		path.answer(probe.id + 1, FIRST_PROBE_MS);
		expect(path.size).toBe(BASE_DATAGRAM);
		path.answer(probe.id, FIRST_PROBE_MS + 1);
		path.answer(probe.id, FIRST_PROBE_MS + 2);
		expect(path.size).toBe(1472);
		expect(path.answered).toBe(1);
	});
});

describe('through the endpoint, on a path that drops what is too large', () => {
	/** A hub and members whose path to the hub takes datagrams up to `mtu` bytes; carried by hand. */
	function room(mtu: number, largest: number, members: number) {
		let now = 1_000_000;
		const random = seededRandom(7);
		const bytes = (count: number) => Uint8Array.from({length: count}, () => Math.floor(random() * 256));
		const hub = new HubEndpoint<'udp'>({identity: generateIdentity(bytes), rateLimit: false, largestDatagram: () => largest}, {random: bytes}, now);
		const seats = Array.from({length: members}, (_, i) => ({address: `10.0.1.${i + 1}`, connection: new MemberConnection({address: '10.0.0.1', port: 9999}, {random: bytes}, now), texts: [] as string[]}));
		const byAddress = new Map(seats.map(seat => [seat.address, seat]));
		let largestSent = 0;
		let tooLarge = 0;
		/** Datagrams above 1,200 bytes that reached a member (the answered probes, one per member, among them). */
		let large = 0;
		const carry = () => {
			for (let moved = true; moved; ) {
				moved = false;
				for (const {address, connection} of seats) {
					for (let datagram = connection.pollTransmit(now); datagram; datagram = connection.pollTransmit(now)) {
						moved = true;
						hub.handle(datagram, address, 5000, 'udp', now);
					}
				}

				for (let transmit = hub.pollTransmit(now); transmit; transmit = hub.pollTransmit(now)) {
					moved = true;
					largestSent = Math.max(largestSent, transmit.datagram.length);
					if (transmit.datagram.length > mtu) {
						tooLarge++;
						continue;
					}

					if (transmit.datagram.length > BASE_DATAGRAM) large++;
					byAddress.get(transmit.address)?.connection.handle(transmit.datagram, now);
				}
			}
		};

		const run = (ms: number) => {
			for (const end = now + ms; now < end; now += 10) {
				hub.handleTimeout(now);
				for (const seat of seats) {
					seat.connection.handleTimeout(now);
					for (let event = seat.connection.pollEvent(); event; event = seat.connection.pollEvent()) {
						if (event.type === 'item' && event.item.k === 'msg') seat.texts.push(event.item.text);
					}
				}

				carry();
			}
		};

		for (const [i, seat] of seats.entries()) seat.connection.join(`m${i}`, now);
		let said = 0;
		return {hub, seats, run, stats: () => ({largestSent, tooLarge, large}), send: (seat: number, text: string) => seats[seat]!.connection.send({k: 'say', text, id: `s${++said}`}, now)};
	}

	const texts = (count: number) => Array.from({length: count}, (_, i) => `line ${i} ${'x'.repeat(900 + (i % 7) * 100)}`);

	test('on a 1,500-byte link the members get 1,472-byte datagrams, and every line arrives once, in order', () => {
		const {hub, seats, run, stats, send} = room(1472, 1472, 3);
		run(2000);
		for (const member of hub.room.live()) expect(member.path?.size).toBe(1472);
		const lines = texts(40);
		for (const line of lines) send(0, line);
		// Members pace their own lines (about 9 a second): all are in well within 15 s.
		run(15_000);
		for (const seat of seats) expect(seat.texts).toEqual(lines);
		expect(stats().largestSent).toBe(1472);
		expect(stats().tooLarge).toBe(0);
		// The lines went in datagrams of the size found, not only the probes.
		expect(stats().large).toBeGreaterThan(3 + 20);
	});

	test('on a path of 1,300 bytes: the probes above it are lost, nothing else is, and every line still arrives once, in order', () => {
		const {hub, seats, run, stats, send} = room(1300, 1472, 3);
		run(6000);
		for (const member of hub.room.live()) expect(member.path?.size).toBe(1280);
		const lines = texts(40);
		for (const line of lines) send(1, line);
		run(15_000);
		for (const seat of seats) expect(seat.texts).toEqual(lines);
		// Only probes were ever too large: 3 of each size above the path's, per member.
		expect(stats().tooLarge).toBe(3 * 3 * 3);
		expect(stats().large).toBeGreaterThan(3 + 10);
	});

	test('without largestDatagram (or a link of 1,200), nothing above 1,200 is ever sent', () => {
		const {seats, run, stats, send} = room(1200, 1200, 2);
		run(3000);
		const lines = texts(20);
		for (const line of lines) send(0, line);
		// Members pace their own lines (about 9 a second): all are in well within 15 s.
		run(15_000);
		for (const seat of seats) expect(seat.texts).toEqual(lines);
		expect(stats().largestSent).toBeLessThanOrEqual(1200);
	});
});
