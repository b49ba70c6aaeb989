/**
 * The table of rooms heard, against a flood of fake announcements: a full table forgets the room
 * heard least recently (it never refuses the new one), and what it keeps stays bounded. Pure.
 */
import {describe, expect, test} from 'vitest';
import {MAX_TRACKED_ROOMS, RoomTable} from '../../source/net/discovery-rooms.js';
import type {Announcement} from '../../source/protocol/discovery-wire.js';

const room = (overrides: Partial<Announcement> = {}): Announcement =>
	({k: 'room', id: 'aaa', room: 'lunch', host: 'laptop', port: 9999, members: 1, secret: false, version: 1, ...overrides});

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

	test('a room keeps at most a few of the addresses it was heard from, the latest', () => {
		const table = new RoomTable();
		for (let i = 0; i < 100; i++) {
			table.add(room(), `10.0.0.${i}`, i);
		}

		expect(table.rooms()[0]!.addresses).toEqual(['10.0.0.92', '10.0.0.93', '10.0.0.94', '10.0.0.95', '10.0.0.96', '10.0.0.97', '10.0.0.98', '10.0.0.99']);
	});
});
