import dgram from 'node:dgram';
import dns from 'node:dns';
import {isIP, isIPv4} from 'node:net';
import {SOCKET_BUFFER_BYTES} from '../protocol/limits.js';

/** A bound UDP socket with large buffers, on the address family the bind address calls for. */
export async function bindUdp(bindAddress: string | undefined, port: number): Promise<dgram.Socket> {
	const wantsV4 = bindAddress !== undefined && isIPv4(bindAddress);
	const tryBind = async (type: 'udp4' | 'udp6', address: string): Promise<dgram.Socket> =>
		new Promise((resolve, reject) => {
			const socket = dgram.createSocket({type, ipv6Only: false, reuseAddr: false, lookup: literalLookup});
			const onError = (error: Error) => {
				socket.close();
				reject(error);
			};

			socket.once('error', onError);
			socket.bind(port, address, () => {
				socket.off('error', onError);
				raiseBuffers(socket);
				resolve(socket);
			});
		});

	if (wantsV4) {
		return tryBind('udp4', bindAddress);
	}

	if (bindAddress !== undefined) {
		return tryBind('udp6', bindAddress);
	}

	try {
		return await tryBind('udp6', '::');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
			throw error;
		}

		return tryBind('udp4', '0.0.0.0');
	}
}

/**
 * The hub sends to the addresses datagrams came from: always IP literals. Node passes every
 * unconnected send through `lookup`, and `dns.lookup` answers a literal on the next tick; this
 * answers it at once, so a send costs no deferred callback (a sixth of the hub's fan-out time went
 * to deferring sends). Names still go to `dns.lookup`.
 */
const literalLookup = ((hostname: string, options: unknown, callback: (error: Error | null, address: string, family: number) => void) => {
	const family = isIP(hostname);
	if (family === 0) {
		dns.lookup(hostname, options as dns.LookupOneOptions, callback as never);
		return;
	}

	callback(null, hostname, family);
}) as unknown as dgram.SocketOptions['lookup'];

function raiseBuffers(socket: dgram.Socket): void {
	try {
		socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
		socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
	} catch {
		// The kernel caps these at rmem_max/wmem_max; the defaults still work, with more loss under floods.
	}
}

/** Explains a bind failure in words a person can act on. */
export function describeBindError(error: unknown, what: string, address: string): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'EADDRINUSE') {
		return `${what}: ${address} is already in use (another socket-chat-tui host?). Stop it, or pick another port with --port.`;
	}

	if (code === 'EADDRNOTAVAIL') {
		return `${what}: ${address} is not an address of this machine; check --bind.`;
	}

	if (code === 'EACCES') {
		return `${what}: not allowed to bind ${address}; ports below 1024 need privileges.`;
	}

	return `${what}: cannot bind ${address}: ${(error as Error).message}`;
}
