/** Where announcements go, computed from an interface table: pure, no socket is opened. */
import type {NetworkInterfaceInfo} from 'node:os';
import {describe, expect, test} from 'vitest';
import {announceSource, broadcastAddress, discoveryTargets, isLoopback, type InterfaceTable} from '../../source/net/discovery-targets.js';
import {MAX_TRACKED_ROOMS, RoomTable} from '../../source/net/discovery-rooms.js';
import type {Announcement} from '../../source/protocol/discovery-wire.js';

function v4(address: string, netmask: string, internal = false): NetworkInterfaceInfo {
	return {address, netmask, family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null};
}

function v6(address: string): NetworkInterfaceInfo {
	return {address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal: false, cidr: null, scopeid: 0};
}

const table: InterfaceTable = {
	lo: [v4('127.0.0.1', '255.0.0.0', true), {...v6('::1'), internal: true}],
	eth0: [v4('192.168.1.8', '255.255.255.0'), v6('fd00::8'), v6('fe80::1')],
	wlan0: [v4('10.0.0.5', '255.255.252.0')],
	tun0: [v4('10.8.0.2', '255.255.255.255')],
	ptp0: [v4('172.16.0.1', '255.255.255.254')],
	vmnet1: [v4('172.16.5.1', '255.255.255.0')],
	down: undefined,
};

describe('broadcastAddress', () => {
	test.each([
		['192.168.1.8', '255.255.255.0', '192.168.1.255'],
		['10.0.0.5', '255.255.252.0', '10.0.3.255'],
		['10.1.2.3', '255.0.0.0', '10.255.255.255'],
		['172.16.5.1', '255.255.255.252', '172.16.5.3'],
		['169.254.7.9', '255.255.0.0', '169.254.255.255'],
		['10.8.0.2', '255.255.255.255', undefined],
		['172.16.0.1', '255.255.255.254', undefined],
		['1.2.3.4', '0.0.0.0', undefined],
		['1.2.3.4', '255.0.255.0', undefined],
		['fd00::1', 'ffff::', undefined],
		['not an address', '255.255.255.0', undefined],
	])('%s/%s -> %s', (address, netmask, expected) => {
		expect(broadcastAddress(address, netmask)).toBe(expected);
	});
});

describe('discoveryTargets', () => {
	const all = [
		{address: '192.168.1.255', kind: 'broadcast', interface: 'eth0', source: '192.168.1.8'},
		{address: '10.0.3.255', kind: 'broadcast', interface: 'wlan0', source: '10.0.0.5'},
		{address: '172.16.5.255', kind: 'broadcast', interface: 'vmnet1', source: '172.16.5.1'},
		{address: '127.0.0.1', kind: 'loopback'},
	];

	test.each([
		['all interfaces (no bind)', undefined, all],
		['0.0.0.0', '0.0.0.0', all],
		[':: (dual stack)', '::', all],
		['127.0.0.1', '127.0.0.1', [{address: '127.0.0.1', kind: 'loopback'}]],
		['another loopback address', '127.0.0.2', [{address: '127.0.0.2', kind: 'loopback'}]],
		['localhost', 'localhost', [{address: '127.0.0.1', kind: 'loopback'}]],
		['::1', '::1', [{address: '::1', kind: 'loopback'}]],
		['IPv4-mapped loopback', '::ffff:127.0.0.1', [{address: '127.0.0.1', kind: 'loopback'}]],
		['one interface', '192.168.1.8', [all[0]]],
		['a /32 tunnel', '10.8.0.2', []],
		['an address this machine does not have', '192.168.9.9', []],
		['an IPv6 address (no broadcast)', 'fd00::8', []],
	])('%s', (_, bind, expected) => {
		expect(discoveryTargets(bind, table)).toEqual(expected);
	});

	test('a machine without network announces on loopback only', () => {
		expect(discoveryTargets(undefined, {lo: table.lo})).toEqual([{address: '127.0.0.1', kind: 'loopback'}]);
		expect(discoveryTargets(undefined, {})).toEqual([{address: '127.0.0.1', kind: 'loopback'}]);
	});

	test('two addresses on one subnet announce once', () => {
		expect(discoveryTargets(undefined, {eth0: [v4('192.168.1.8', '255.255.255.0'), v4('192.168.1.9', '255.255.255.0')]})).toHaveLength(2);
	});

	test('the announcing socket binds where the hub does', () => {
		expect(announceSource(undefined)).toEqual({type: 'udp4', address: '0.0.0.0'});
		expect(announceSource('::')).toEqual({type: 'udp4', address: '0.0.0.0'});
		expect(announceSource('127.0.0.1')).toEqual({type: 'udp4', address: '127.0.0.1'});
		expect(announceSource('::1')).toEqual({type: 'udp6', address: '::1'});
		expect(announceSource('192.168.1.8')).toEqual({type: 'udp4', address: '192.168.1.8'});
	});

	test.each([
		['127.0.0.1', true], ['127.1.2.3', true], ['::1', true], ['::ffff:127.0.0.1', true], ['localhost', true],
		['192.168.1.8', false], ['::', false], ['0.0.0.0', false], ['fe80::1', false],
	])('isLoopback(%s) is %s', (address, expected) => {
		expect(isLoopback(address)).toBe(expected);
	});
});

describe('RoomTable', () => {
	const room = (overrides: Partial<Announcement> = {}): Announcement =>
		({k: 'room', id: 'aaa', room: 'lunch', host: 'laptop', port: 9999, members: 1, secret: false, version: 1, ...overrides});

	test('a hub heard on loopback and on the LAN is listed once, at its LAN address', () => {
		const rooms = new RoomTable();
		rooms.add(room(), '127.0.0.1', 0);
		rooms.add(room(), '192.168.1.8', 1);
		rooms.add(room({members: 2}), '127.0.0.1', 2);
		expect(rooms.rooms()).toEqual([
			expect.objectContaining({address: '192.168.1.8', members: 2, addresses: ['192.168.1.8', '127.0.0.1']}),
		]);
	});

	test('a hub that restarts on the same address and port replaces its old entry', () => {
		const rooms = new RoomTable();
		rooms.add(room({id: 'old'}), '192.168.1.8', 0);
		rooms.add(room({id: 'other', port: 10_000}), '192.168.1.8', 0);
		rooms.add(room({id: 'new', room: 'renamed'}), '192.168.1.8', 1);
		expect(rooms.rooms().map(found => [found.id, found.name])).toEqual([['other', 'lunch'], ['new', 'renamed']]);
	});

	test('rooms not heard for a while expire; the snapshot changes only when the list does', () => {
		const rooms = new RoomTable();
		expect(rooms.add(room(), '10.0.0.1', 0)).toBe(true);
		const snapshot = rooms.rooms();
		expect(rooms.add(room(), '10.0.0.1', 500)).toBe(false);
		expect(rooms.rooms()).toBe(snapshot);
		expect(rooms.expire(1000, 1000)).toBe(false);
		expect(rooms.expire(1501, 1000)).toBe(true);
		expect(rooms.rooms()).toEqual([]);
	});

	test('a flood of fake rooms is capped', () => {
		const rooms = new RoomTable();
		for (let i = 0; i < MAX_TRACKED_ROOMS + 50; i++) {
			rooms.add(room({id: `r${i}`, port: 1000 + i}), '10.0.0.1', 0);
		}

		expect(rooms.rooms()).toHaveLength(MAX_TRACKED_ROOMS);
	});
});
