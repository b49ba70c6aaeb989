import dgram from 'node:dgram';
import {SOCKET_BUFFER_BYTES} from '../protocol/limits.js';

/**
 * A socket on the room's multicast group (an IPv4 239.255.x.y and the hub's port), joined on the
 * interface of `localAddress` (the one our own socket reaches the hub by). Bound to the group's
 * address, with SO_REUSEADDR, so several members on one machine each get every datagram and
 * nothing sent to other groups or to the port's unicast addresses. Only datagrams from `source`
 * (the hub's address) are handed on; each is checked again by the room stream.
 */
export async function openGroupSocket(options: {
	readonly group: string;
	readonly port: number;
	readonly localAddress: string | undefined;
	readonly source: string;
	readonly onMessage: (datagram: Buffer) => void;
}): Promise<dgram.Socket | {readonly error: string}> {
	const socket = dgram.createSocket({type: 'udp4', reuseAddr: true, recvBufferSize: SOCKET_BUFFER_BYTES});
	socket.on('message', (datagram, from) => {
		if (from.address === options.source) {
			options.onMessage(datagram);
		}
	});
	try {
		await bind(socket, options.port, options.group).catch(async () => bind(socket, options.port, undefined));
		socket.addMembership(options.group, options.localAddress);
		return socket;
	} catch (error) {
		try {
			socket.close();
		} catch {}

		return {error: (error as Error).message};
	}
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
