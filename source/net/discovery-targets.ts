import type {NetworkInterfaceInfo} from 'node:os';
import {isIPv4, isIPv6} from 'node:net';
import {normalizeAddress} from './address.js';

/** The shape of `os.networkInterfaces()`: interface name -> its addresses. */
export type InterfaceTable = Readonly<Record<string, readonly NetworkInterfaceInfo[] | undefined>>;

/** Where announcements go: a loopback address (this machine) or an IPv4 directed broadcast. */
export type DiscoveryTarget = {
	readonly address: string;
	readonly kind: 'loopback' | 'broadcast';
	/** For a broadcast: the interface it leaves by, and that interface's own address. */
	readonly interface?: string;
	readonly source?: string;
};

/** 127.0.0.0/8, ::1, their IPv4-mapped form, and "localhost". */
export function isLoopback(address: string): boolean {
	const plain = normalizeAddress(address);
	return plain === 'localhost' || plain === '::1' || (isIPv4(plain) && plain.startsWith('127.'));
}

/** True for the "all interfaces" bind addresses (or none at all). */
export function isWildcard(bind: string | undefined): boolean {
	return bind === undefined || bind === '' || bind === '0.0.0.0' || bind === '::';
}

function toInt(address: string): number | undefined {
	if (!isIPv4(address)) {
		return undefined;
	}

	return address.split('.').reduce((value, part) => (value * 256) + Number(part), 0);
}

function fromInt(value: number): string {
	return [24, 16, 8, 0].map(shift => Math.floor(value / (2 ** shift)) % 256).join('.');
}

/**
 * The directed broadcast address of an IPv4 subnet (address | ~netmask), or undefined where a
 * subnet has none: /31 and /32 (point-to-point links, VPN tunnels) and malformed input.
 */
export function broadcastAddress(address: string, netmask: string): string | undefined {
	const ip = toInt(address);
	const mask = toInt(netmask);
	if (ip === undefined || mask === undefined) {
		return undefined;
	}

	const host = 0xFF_FF_FF_FF - mask;
	// A netmask is ones then zeros, so host+1 is a power of two: 2^2 (/30) to 2^31 (/1).
	const bits = Math.log2(host + 1);
	if (!Number.isInteger(bits) || bits < 2 || bits > 31) {
		return undefined;
	}

	return fromInt(((ip - (ip % (host + 1))) + host));
}

function broadcastTargets(interfaces: InterfaceTable, only?: string): DiscoveryTarget[] {
	const targets: DiscoveryTarget[] = [];
	for (const [name, addresses] of Object.entries(interfaces)) {
		for (const info of addresses ?? []) {
			if (info.internal || info.family !== 'IPv4' || (only !== undefined && info.address !== only)) {
				continue;
			}

			const address = broadcastAddress(info.address, info.netmask);
			if (address !== undefined && !targets.some(target => target.address === address)) {
				targets.push({address, kind: 'broadcast', interface: name, source: info.address});
			}
		}
	}

	return targets;
}

/**
 * Where a hub bound to `bind` announces its room (pure: the interface table is passed in).
 * - A loopback address: that address only, so a room on 127.0.0.1 never leaves the machine.
 * - All interfaces (undefined, 0.0.0.0, ::): each up, non-internal IPv4 interface's directed
 *   broadcast address, then 127.0.0.1 so members on the same machine find it even offline.
 * - Another IPv4 address: the broadcast address of the interface holding it.
 * - Another IPv6 address: nothing (IPv6 has no broadcast); people join by address.
 */
export function discoveryTargets(bind: string | undefined, interfaces: InterfaceTable): DiscoveryTarget[] {
	if (isWildcard(bind)) {
		return [...broadcastTargets(interfaces), {address: '127.0.0.1', kind: 'loopback'}];
	}

	const address = normalizeAddress(bind!);
	if (isLoopback(address)) {
		return [{address: address === 'localhost' ? '127.0.0.1' : address, kind: 'loopback'}];
	}

	return isIPv6(address) ? [] : broadcastTargets(interfaces, address);
}

/** The address an announcing socket binds: the hub's own loopback or interface address, or all. */
export function announceSource(bind: string | undefined): {readonly type: 'udp4' | 'udp6'; readonly address: string} {
	if (isWildcard(bind)) {
		return {type: 'udp4', address: '0.0.0.0'};
	}

	const address = normalizeAddress(bind!);
	if (address === 'localhost') {
		return {type: 'udp4', address: '127.0.0.1'};
	}

	return {type: isIPv6(address) ? 'udp6' : 'udp4', address};
}
