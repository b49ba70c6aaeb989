/**
 * The table of rooms heard, against a flood of fake announcements: a full table forgets the room
 * heard least recently (it never refuses the new one), each source address may add only so many
 * rooms, a hub's own schedule is never limited, and rooms with a pinned key come first. Pure.
 */
import {describe, expect, test} from 'vitest';
import {
	MAX_ROOMS_PER_SOURCE, MAX_TRACKED_ROOMS, MAX_TRACKED_SOURCES, RoomTable, SOURCE_BURST, SOURCE_ROOMS_PER_SECOND, type PinLookup,
} from '../../source/net/discovery-rooms.js';
import {POKE_GAP_MS} from '../../source/net/discovery.js';
import {ANNOUNCE_INTERVAL_MS, type Announcement} from '../../source/protocol/discovery-wire.js';

const room = (overrides: Partial<Announcement> = {}): Announcement =>
	({k: 'room', id: 'aaa', room: 'lunch', host: 'laptop', port: 9999, members: 1, secret: false, version: 1, ...overrides});

let lastPort = 1000;
/** `count` fake rooms from `sources` addresses (10.66.x.y), all heard at `now`, each on a port of its own. */
function flood(table: RoomTable, count: number, sources: number, now: number, prefix = 'fake'): void {
	for (let i = 0; i < count; i++) {
		const source = i % sources;
		lastPort = lastPort >= 65_000 ? 1001 : lastPort + 1;
		table.add(room({id: `${prefix}${i}`, room: `ghost ${i}`, port: lastPort}), `10.66.${source >> 8}.${source & 0xff}`, now);
	}
}

describe('a full table forgets the room heard least recently', () => {
	test('a new room is listed, not refused; the one heard least recently makes way', () => {
		const table = new RoomTable();
		for (let i = 0; i < MAX_TRACKED_ROOMS; i++) {
			table.add(room({id: `r${i}`, port: 1000 + i}), '10.0.0.1', i);
		}

		// r0 is heard again: r1 is now the one heard least recently.
		table.add(room({id: 'r0', port: 1000}), '10.0.0.1', 1000);
		expect(table.add(room({id: 'real', room: 'real', port: 9999}), '192.168.1.8', 1001)).toBe(true);
		const ids = table.rooms().map(found => found.id);
		expect(ids).toHaveLength(MAX_TRACKED_ROOMS);
		expect(ids).toContain('real');
		expect(ids).toContain('r0');
		expect(ids).not.toContain('r1');
	});

	test('with source limits: after 1,000 fake rooms from 125 addresses, a real room is still listed', () => {
		const table = new RoomTable({limitSources: true});
		flood(table, 1000, 125, 0);
		expect(table.rooms()).toHaveLength(MAX_TRACKED_ROOMS);
		table.add(room({id: 'real', room: 'real'}), '192.168.1.8', 10);
		expect(table.rooms()).toHaveLength(MAX_TRACKED_ROOMS);
		expect(table.rooms().map(found => found.id)).toContain('real');
	});

	test('a room keeps at most a few of the addresses it was heard from, the latest', () => {
		const table = new RoomTable();
		for (let i = 0; i < 100; i++) {
			table.add(room(), `10.0.0.${i}`, i);
		}

		expect(table.rooms()[0]!.addresses).toEqual(['10.0.0.92', '10.0.0.93', '10.0.0.94', '10.0.0.95', '10.0.0.96', '10.0.0.97', '10.0.0.98', '10.0.0.99']);
	});
});

describe('source limits', () => {
	test('one address adds a burst of rooms, then one a second; the rest is dropped and counted', () => {
		const table = new RoomTable({limitSources: true});
		flood(table, 100, 1, 0);
		expect(table.rooms()).toHaveLength(SOURCE_BURST);
		expect(table.limited).toBe(100 - SOURCE_BURST);
		flood(table, 10, 1, 1000 / SOURCE_ROOMS_PER_SECOND, 'later');
		expect(table.rooms()).toHaveLength(SOURCE_BURST + 1);
		// Another address is not held back by the first one's flood.
		expect(table.add(room({id: 'real', room: 'real'}), '192.168.1.8', 1000)).toBe(true);
	});

	test('a refresh of a room already heard from that address is free', () => {
		const table = new RoomTable({limitSources: true});
		flood(table, SOURCE_BURST, 1, 0);
		const first = table.rooms().find(found => found.id === 'fake0')!;
		for (let members = 0; members < 100; members++) {
			table.add(room({id: 'fake0', room: 'ghost 0', port: first.port, members}), '10.66.0.0', 0);
			expect(table.rooms().find(found => found.id === 'fake0')?.members).toBe(members);
		}

		expect(table.limited).toBe(0);
	});

	test('one address is in at most MAX_ROOMS_PER_SOURCE rooms: a further one pushes out its own oldest, no one else\'s', () => {
		const table = new RoomTable({limitSources: true});
		table.add(room({id: 'real', room: 'real'}), '192.168.1.8', 0);
		for (let second = 0; second < 60; second++) {
			flood(table, 1, 1, second * 1000, `s${second}-`);
		}

		const ghosts = table.rooms().filter(found => found.address === '10.66.0.0');
		expect(ghosts).toHaveLength(MAX_ROOMS_PER_SOURCE);
		expect(ghosts.map(found => found.id).sort()).toEqual(Array.from({length: MAX_ROOMS_PER_SOURCE}, (_, i) => `s${60 - MAX_ROOMS_PER_SOURCE + i}-0`).sort());
		expect(table.rooms().map(found => found.id)).toContain('real');
	});

	test('the allowances of at most MAX_TRACKED_SOURCES addresses are kept, the least recently used forgotten', () => {
		const table = new RoomTable({limitSources: true});
		flood(table, SOURCE_BURST, 1, 0, 'first');
		expect(table.add(room({id: 'over', port: 7}), '10.66.0.0', 0)).toBe(false);
		for (let i = 1; i < MAX_TRACKED_SOURCES; i++) {
			table.add(room({id: `other${i}`, port: 2000 + i}), `10.77.${i >> 8}.${i & 0xff}`, 0);
		}

		// 10.66.0.0 is still remembered (and still out of tokens)...
		const limited = table.limited;
		expect(table.add(room({id: 'over', port: 7}), '10.66.0.0', 0)).toBe(false);
		expect(table.limited).toBe(limited + 1);
		// ...until MAX_TRACKED_SOURCES other addresses were used since: then it starts afresh.
		for (let i = 0; i < MAX_TRACKED_SOURCES; i++) {
			table.add(room({id: `more${i}`, port: 2000 + i}), `10.88.${i >> 8}.${i & 0xff}`, 0);
		}

		table.add(room({id: 'over', port: 7}), '10.66.0.0', 0);
		expect(table.limited).toBe(limited + 1);
	});

	test('a well-behaved hub is never limited: eight rooms on one machine, each announcing every 2 s and at every poke, heard on the LAN and on loopback', () => {
		const table = new RoomTable({limitSources: true});
		const hubs = Array.from({length: SOURCE_BURST}, (_, i) => ({id: `hub${i}`, port: 9000 + i, members: 0}));
		let now = 1_000_000;
		const hear = (hub: (typeof hubs)[number]) => {
			for (const from of ['192.168.1.8', '127.0.0.1']) {
				table.add(room({id: hub.id, room: `room ${hub.id}`, port: hub.port, members: hub.members}), from, now);
				expect(table.rooms().find(found => found.id === hub.id)?.members).toBe(hub.members);
			}
		};

		// All start at once; then for a minute people join every room as fast as pokes go out
		// (one announcement each POKE_GAP_MS), besides the periodic one every 2 s; a flood meanwhile.
		for (const hub of hubs) {
			hear(hub);
		}

		for (let tick = 1; tick <= 60_000 / POKE_GAP_MS; tick++) {
			now += POKE_GAP_MS;
			flood(table, 50, 5, now, `t${tick}-`);
			for (const hub of hubs) {
				hub.members++;
				hear(hub);
				if ((tick * POKE_GAP_MS) % ANNOUNCE_INTERVAL_MS === 0) {
					hear(hub);
				}
			}
		}

		expect(table.rooms().filter(found => found.id.startsWith('hub')).map(found => found.addresses)).toEqual(hubs.map(() => ['192.168.1.8', '127.0.0.1']));
		expect(table.limited).toBeGreaterThan(0);
	});
});

describe('rooms with a pinned key', () => {
	const pins: PinLookup = (address, port) => (address === '192.168.1.9' && port === 9999 ? 'aaaa-bbbb-cccc-dddd' : undefined);

	test('are listed first and marked; another listed fingerprint is marked as a warning, not first', () => {
		const table = new RoomTable({pins});
		table.add(room({id: 'a', room: 'a-room'}), '192.168.1.8', 0);
		table.add(room({id: 'z', room: 'z-room'}), '192.168.1.9', 0);
		expect(table.rooms().map(found => [found.name, found.pin])).toEqual([['z-room', 'pinned'], ['a-room', undefined]]);
		expect(table.rooms()[1]).not.toHaveProperty('pin');

		table.add(room({id: 'z', room: 'z-room'}), '192.168.1.9', 1, 'mdns', 'aaaa-bbbb-cccc-dddd');
		expect(table.rooms()[0]).toMatchObject({name: 'z-room', pin: 'pinned'});
		table.add(room({id: 'z', room: 'z-room'}), '192.168.1.9', 2, 'mdns', 'eeee-ffff-gggg-hhhh');
		expect(table.rooms().map(found => [found.name, found.pin])).toEqual([['a-room', undefined], ['z-room', 'mismatch']]);
	});

	test('the mark goes with the address a member would join, not with every address heard', () => {
		const table = new RoomTable({pins: (address, port) => (address === '127.0.0.1' && port === 9999 ? 'aaaa-bbbb-cccc-dddd' : undefined)});
		table.add(room(), '127.0.0.1', 0);
		expect(table.rooms()[0]).toMatchObject({address: '127.0.0.1', pin: 'pinned'});
		// Heard on the LAN too, it is listed (and joined) at its LAN address, which has no pin.
		table.add(room(), '192.168.1.8', 1);
		expect(table.rooms()[0]!.address).toBe('192.168.1.8');
		expect(table.rooms()[0]).not.toHaveProperty('pin');
	});
});
