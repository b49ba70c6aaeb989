import dgram from 'node:dgram';
import {lookup} from 'node:dns/promises';
import {isIPv6} from 'node:net';
import {SOCKET_BUFFER_BYTES} from '../protocol/limits.js';

export type ConnectedUdp = {readonly socket: dgram.Socket; readonly address: string};

/**
 * A UDP socket connected to `host`:`port` (resolved first), with large buffers, so only that
 * peer's datagrams reach it. `onRefused`: the kernel reported "port unreachable" for a send.
 */
export async function connectUdp(
	host: string,
	port: number,
	onMessage: (datagram: Buffer) => void,
	onRefused: () => void,
): Promise<ConnectedUdp | {readonly error: string}> {
	let address: string;
	try {
		address = (await lookup(host)).address;
	} catch {
		return {error: `cannot resolve "${host}": check the host name or use its IP address`};
	}

	const socket = dgram.createSocket({type: isIPv6(address) ? 'udp6' : 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES});
	socket.on('message', onMessage);
	socket.on('error', error => {
		if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
			onRefused();
		}
	});
	await new Promise<void>((resolve, reject) => {
		socket.once('error', reject);
		socket.connect(port, address, () => {
			socket.off('error', reject);
			resolve();
		});
	});
	return {socket, address};
}
