/** `/netinfo`: the self-test runs on loopback only here (`loopbackOnly`), and the formatting is pure. */
import dgram from 'node:dgram';
import {describe, expect, test} from 'vitest';
import {RoomAnnouncer} from '../../source/net/discovery.js';
import {formatNetInfo, gatherNetInfo, listAddresses, type NetInfo} from '../../source/net/netinfo.js';
import {freeUdpPort} from '../helpers/free-port.js';

describe('gatherNetInfo with loopbackOnly', () => {
	test('the probe to 127.0.0.1 is heard', async () => {
		const discoveryPort = await freeUdpPort();
		const info = await gatherNetInfo({discoveryPort, hubPort: 9999, transferPort: 22_222, loopbackOnly: true, timeoutMs: 300});
		expect(info.ports).toEqual({hub: 9999, transfer: 22_222, discovery: discoveryPort});
		expect(info.discovery).toMatchObject({verdict: 'this-machine', listening: true, checks: [{address: '127.0.0.1', kind: 'loopback', heard: true}]});
		expect(info.addresses.every(address => address.interface.length > 0)).toBe(true);
	});

	test('loopbackOnly ignores any other bind: still 127.0.0.1 only', async () => {
		const info = await gatherNetInfo({discoveryPort: await freeUdpPort(), bind: '192.0.2.77', loopbackOnly: true, timeoutMs: 200});
		expect(info.discovery.checks.map(check => check.address)).toEqual(['127.0.0.1']);
	});

	test('a room announced on loopback while the test listens is reported', async () => {
		const discoveryPort = await freeUdpPort();
		const announcer = new RoomAnnouncer({
			bind: '127.0.0.1',
			discoveryPort,
			intervalMs: 20,
			info: () => ({room: 'lunch', host: 'laptop', port: 9999, members: 1, secret: false, version: 1}),
		});
		await announcer.start();
		try {
			const info = await gatherNetInfo({discoveryPort, loopbackOnly: true, announcer, timeoutMs: 300});
			expect(info.discovery.rooms.map(room => room.name)).toEqual(['lunch']);
			expect(formatNetInfo(info)).toContain('announcing this room to: 127.0.0.1');
		} finally {
			await announcer.stop();
		}
	});

	test('a port held by a program that does not share it: failed, with a hint', async () => {
		const holder = dgram.createSocket({type: 'udp4', reuseAddr: false});
		await new Promise<void>(resolve => {
			holder.bind(0, '127.0.0.1', resolve);
		});
		try {
			const discoveryPort = holder.address().port;
			const info = await gatherNetInfo({discoveryPort, loopbackOnly: true});
			expect(info.discovery).toMatchObject({verdict: 'failed', listening: false, listenError: 'EADDRINUSE'});
			expect(info.discovery.checks[0]!.hint).toContain(`UDP port ${discoveryPort} is held by another program`);
		} finally {
			holder.close();
		}
	});
});

describe('formatNetInfo', () => {
	const info: NetInfo = {
		host: 'laptop',
		addresses: [
			{interface: 'eth0', family: 'IPv4', address: '192.168.1.8', cidr: '192.168.1.8/24'},
			{interface: 'eth0', family: 'IPv6', address: 'fd00::8', cidr: 'fd00::8/64'},
		],
		ports: {hub: 9999, transfer: 22_222, discovery: 9997},
		announcing: {targets: [{address: '192.168.1.255', kind: 'broadcast'}, {address: '127.0.0.1', kind: 'loopback'}], failures: new Map([['192.168.1.255', 'EACCES']])},
		discovery: {
			verdict: 'partial',
			listening: true,
			checks: [
				{address: '192.168.1.255', kind: 'broadcast', interface: 'eth0', source: '192.168.1.8', heard: false, hint: 'broadcast to 192.168.1.255 (eth0) was not heard back: ...'},
				{address: '127.0.0.1', kind: 'loopback', heard: true},
			],
			rooms: [{address: '192.168.1.9', addresses: ['192.168.1.9'], port: 9999, name: 'ops', host: 'box', members: 1, secret: true, version: 1, id: 'x', via: ['broadcast']}],
		},
	};

	test('shows addresses, ports, each check and the rooms heard', () => {
		expect(formatNetInfo(info)).toEqual([
			'host name: laptop',
			'addresses:',
			'  eth0       192.168.1.8/24',
			'  eth0       fd00::8/64',
			'ports: chat UDP 9999, files TCP 22222, discovery UDP 9997',
			'announcing this room to: 192.168.1.255, 127.0.0.1',
			'  last announcement to 192.168.1.255 failed: EACCES',
			'discovery: partly: some announcements did not come back (below)',
			'  FAIL  broadcast 192.168.1.255 (eth0): broadcast to 192.168.1.255 (eth0) was not heard back: ...',
			'  ok    loopback 127.0.0.1',
			'DNS-SD (mDNS, UDP 5353): off here (--no-mdns or SOCKET_CHAT_MDNS=off); rooms are found by broadcast only',
			'rooms heard:',
			'  ops on box at 192.168.1.9:9999 (1 member, secret; by broadcast)',
		]);
	});

	test('DNS-SD: where this room is announced, and whether its own answer came back', () => {
		const mdns = {interfaces: ['192.168.1.8 (eth0)'], failures: new Map<string, string>()};
		const hosting = {...info, announcing: {...info.announcing!, mdns}, ownRoom: 'mine'};
		const blocked = formatNetInfo({...hosting, discovery: {...info.discovery, mdns}});
		expect(blocked).toContain('announcing this room by DNS-SD (_socket-chat._udp) on: 192.168.1.8 (eth0)');
		expect(blocked).toContain('DNS-SD: asked on 192.168.1.8 (eth0); this room\'s own answer did not come back: a firewall may block UDP 5353 (mDNS)');
		const own = {...info.discovery.rooms[0]!, id: 'mine', via: ['broadcast', 'mdns'] as const};
		const works = formatNetInfo({...hosting, discovery: {...info.discovery, mdns, rooms: [own]}});
		expect(works.some(line => line.startsWith('DNS-SD: works: asked on 192.168.1.8 (eth0), 1 room answered'))).toBe(true);
		expect(works).toContain('  ops on box at 192.168.1.9:9999 (1 member, secret; by broadcast and mdns)');
		const taken = formatNetInfo({...info, discovery: {...info.discovery, mdns: {...mdns, failures: new Map([['192.168.1.8', 'EADDRINUSE (eth0)']])}}});
		expect(taken.some(line => line.startsWith('DNS-SD: does not work here: EADDRINUSE (eth0)'))).toBe(true);
	});

	test('no network: says so', () => {
		const lines = formatNetInfo({...info, addresses: [], announcing: undefined, ports: {discovery: 9997}, discovery: {verdict: 'this-machine', listening: true, checks: [{address: '127.0.0.1', kind: 'loopback', heard: true}], rooms: []}});
		expect(lines).toContain('addresses: none but loopback (no network): others cannot reach this machine');
		expect(lines).toContain('ports: discovery UDP 9997');
		expect(lines.some(line => line.startsWith('discovery: this machine only'))).toBe(true);
	});

	test('listAddresses skips internal ones and puts IPv4 first', () => {
		expect(listAddresses({
			lo: [{address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '', internal: true, cidr: '127.0.0.1/8'}],
			eth0: [
				{address: 'fd00::8', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '', internal: false, cidr: 'fd00::8/64', scopeid: 0},
				{address: '192.168.1.8', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: '192.168.1.8/24'},
			],
		}).map(address => address.address)).toEqual(['192.168.1.8', 'fd00::8']);
	});
});
