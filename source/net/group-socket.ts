import dgram from 'node:dgram';
import {isIPv6} from 'node:net';
import {SOCKET_BUFFER_BYTES} from '../protocol/limits.js';
import {normalizeAddress} from './address.js';
import {interfaceOf, readInterfaces} from './local-addresses.js';
import type {InterfaceTable} from './discovery-targets.js';

/**
 * A socket on the room's multicast group (an IPv4 239.255.x.y or an IPv6 ff15::/16 group, and the
 * hub's port), joined on the interface of `localAddress` (the one our own socket reaches the hub
 * by). Bound to the group's address, with SO_REUSEADDR, so several members on one machine each get
 * every datagram and nothing sent to other groups or to the port's unicast addresses. Only
 * datagrams from `source` (the hub's address) are handed on; each is checked again by the room
 * stream.
 */
export async function openGroupSocket(options: {
	readonly group: string;
	readonly port: number;
	readonly localAddress: string | undefined;
	readonly source: string;
	readonly onMessage: (datagram: Buffer) => void;
	/** The interface table, to name the interface of an IPv6 `localAddress` (default `os.networkInterfaces()`). */
	readonly interfaces?: () => InterfaceTable;
}): Promise<dgram.Socket | {readonly error: string}> {
	const v6 = isIPv6(options.group);
	const socket = dgram.createSocket({type: v6 ? 'udp6' : 'udp4', reuseAddr: true, recvBufferSize: SOCKET_BUFFER_BYTES});
	const source = plain(options.source);
	// Every datagram of the room is checked: the last address seen that was the hub's is kept, so
	// the hub's own datagrams are matched by one string comparison.
	let known: string | undefined;
	socket.on('message', (datagram, from) => {
		if (from.address === known || plain(from.address) === source) {
			known = from.address;
			options.onMessage(datagram);
		}
	});
	try {
		await bind(socket, options.port, options.group).catch(async () => bind(socket, options.port, undefined));
		socket.addMembership(options.group, v6 ? membershipInterface6(options.localAddress, options.interfaces ?? readInterfaces) : options.localAddress);
		return socket;
	} catch (error) {
		try {
			socket.close();
		} catch {}

		return {error: (error as Error).message};
	}
}

/**
 * Where an IPv6 membership is taken: the interface holding our address, named as Node wants it
 * (`::%eth0`); its zone for a link-local one. Unknown (or no address): the kernel's choice, by
 * the route to the group.
 */
export function membershipInterface6(localAddress: string | undefined, interfaces: () => InterfaceTable): string | undefined {
	if (localAddress === undefined || !isIPv6(localAddress.split('%')[0]!)) return undefined;
	const name = interfaceOf(localAddress, interfaces());
	return name === undefined ? undefined : `::%${name}`;
}

/** An address as sources are compared: IPv4-mapped ones plain, a zone dropped. */
function plain(address: string): string {
	return normalizeAddress(address).split('%')[0]!.toLowerCase();
}

async function bind(socket: dgram.Socket, port: number, address: string | undefined): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		socket.once('error', reject);
		socket.bind({port, address, exclusive: false}, () => {
			socket.off('error', reject);
			resolve();
		});
	});
}
