import {describe, expect, test} from 'vitest';
import {formatServed, OFF} from '../../source/net/netinfo-served.js';

const info = {g: '239.255.4.24', p: 9999, e: 1, key: 'k'.repeat(43)};
const stats = {group: 20, unicast: 3};

describe("/netinfo's lines on how the room's events arrive", () => {
	test('by the group, with why; by unicast, with why; and the host sees each member', () => {
		expect(formatServed({served: {via: 'group', why: 'multicast: 5 of 5 probes came by the group, 0 ms later'}, info, stats, open: true, error: undefined})).toEqual([
			'room events: by multicast (group 239.255.4.24:9999); multicast: 5 of 5 probes came by the group, 0 ms later',
			'  datagrams of the room stream: 20 by the group, 3 by unicast',
		]);
		const lines = formatServed({served: {via: 'unicast', why: 'multicast: 0 of 5 probes came by the group'}, info, stats, open: true, error: undefined}, [
			{name: 'alice', via: 'group', why: 'ok'},
			{name: 'bob', via: 'unicast', why: 'multicast: 0 of 5 probes came by the group'},
		]);
		expect(lines[0]).toBe('room events: by unicast; multicast: 0 of 5 probes came by the group');
		expect(lines.slice(2)).toEqual(['members (how the room reaches them):', '  alice            multicast ok', '  bob              unicast   multicast: 0 of 5 probes came by the group']);
	});

	test('a room without a group, a member with multicast off, a group socket that failed', () => {
		expect(formatServed({served: undefined, info: undefined, stats, open: undefined, error: undefined})[0]).toMatch(/^room events: by unicast \(the room has multicast off/);
		expect(formatServed({served: undefined, info, stats, open: false, error: OFF})[0]).toBe('room events: by unicast: multicast is off here (--no-multicast or SOCKET_CHAT_MULTICAST=off)');
		expect(formatServed({served: undefined, info, stats, open: false, error: 'EADDRNOTAVAIL'})[0]).toBe('room events: by unicast: the group 239.255.4.24:9999 could not be opened here (EADDRNOTAVAIL)');
	});

	test("a member that came over IPv6 is told of the room's IPv6 group, the one it opens", () => {
		const info6 = {...info, g6: 'ff15::8abc:de'};
		expect(formatServed({served: {via: 'group', why: 'multicast: 5 of 5 probes came by the group, 0 ms later'}, info: info6, stats, open: true, error: undefined})[0]).toBe(
			'room events: by multicast (group [ff15::8abc:de]:9999); multicast: 5 of 5 probes came by the group, 0 ms later',
		);
		expect(formatServed({served: undefined, info: info6, stats, open: undefined, error: undefined})[0]).toBe('room events: by unicast for now (the host is testing multicast to group [ff15::8abc:de]:9999)');
	});
});
