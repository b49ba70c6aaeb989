/**
 * A hub with several addresses, on loopback only: 127.0.0.2 is an address of lo like 127.0.0.1,
 * so a fake interface table listing both makes a two-address host without root or a network.
 */
import type {NetworkInterfaceInfo} from 'node:os';
import {afterEach, describe, expect, test} from 'vitest';
import {shareAddresses} from '../../source/net/interfaces.js';
import {localAddresses} from '../../source/net/local-addresses.js';
import type {Hub} from '../../source/net/hub.js';
import {joinMember, startHub, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';

const info = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
	({address, family, internal, netmask: family === 'IPv4' ? '255.0.0.0' : 'ffff:ffff:ffff:ffff::', mac: '00:00:00:00:00:00', cidr: null, ...(family === 'IPv6' ? {scopeid: 0} : {})}) as NetworkInterfaceInfo;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

describe('a hub on every local address', () => {
	test('answers a member at its second address from that address (the member refuses any other)', async () => {
		const table = {lo: [info('127.0.0.1', 'IPv4', true), info('127.0.0.2', 'IPv4', true)]};
		const hub: Hub = await startHub({bind: undefined, interfaces: () => table});
		cleanups.push(async () => hub.close());
		expect(hub.addresses().map(local => local.address)).toEqual(['127.0.0.1', '127.0.0.2']);
		const members: TestMember[] = [];
		for (const host of ['127.0.0.2', '127.0.0.1']) {
			const member = await joinMember(hub.port, `at-${host.replaceAll('.', '-')}`, {host});
			cleanups.push(async () => member.link.close());
			members.push(member);
		}

		expect(members).toHaveLength(2);
	});

	test('follows an address that comes later', async () => {
		const table: Record<string, NetworkInterfaceInfo[]> = {lo: [info('127.0.0.1', 'IPv4', true)]};
		const hub: Hub = await startHub({bind: undefined, interfaces: () => table});
		cleanups.push(async () => hub.close());
		table.lo!.push(info('127.0.0.3', 'IPv4', true));
		// The interface list is read every 3 s.
		await waitFor(() => hub.addresses().some(local => local.address === '127.0.0.3'), {timeoutMs: 5000, what: 'the new address bound'});
		const member = await joinMember(hub.port, 'latecomer', {host: '127.0.0.3'});
		cleanups.push(async () => member.link.close());
		table.lo!.pop();
		await waitFor(() => !hub.addresses().some(local => local.address === '127.0.0.3'), {timeoutMs: 5000, what: 'the gone address closed'});
	});
});

describe('the addresses a host shows', () => {
	const table = {
		lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
		eth0: [info('10.0.0.5', 'IPv4'), info('10.0.0.15', 'IPv4'), info('fd00::5', 'IPv6'), info('fe80::5', 'IPv6')],
	};

	test('loopback first when binding (the port is chosen there), link-local IPv6 with its zone', () => {
		expect(localAddresses(table, ['IPv4', 'IPv6']).map(local => local.address)).toEqual(['127.0.0.1', '::1', '10.0.0.5', '10.0.0.15', 'fd00::5', 'fe80::5%eth0']);
		expect(localAddresses(table, ['IPv4']).map(local => local.address)).toEqual(['127.0.0.1', '10.0.0.5', '10.0.0.15']);
	});

	test('others are told every non-loopback address with its interface, IPv4 first', () => {
		expect(shareAddresses(localAddresses(table, ['IPv4', 'IPv6']), 9999)).toEqual([
			{address: '10.0.0.5:9999', interface: 'eth0'},
			{address: '10.0.0.15:9999', interface: 'eth0'},
			{address: '[fd00::5]:9999', interface: 'eth0'},
			{address: '[fe80::5%eth0]:9999', interface: 'eth0'},
		]);
		expect(shareAddresses(localAddresses({lo: table.lo}, ['IPv4']), 9999)).toEqual([{address: '127.0.0.1:9999', interface: 'lo'}]);
	});
});
