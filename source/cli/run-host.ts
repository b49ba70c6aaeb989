import type {Hub} from '../net/hub.js';
import {RoomHost} from '../net/room-host.js';
import {shareAddresses} from '../net/interfaces.js';
import {describeBindError} from '../net/udp.js';
import {formatHostPort} from '../net/address.js';
import type {CliOptions} from './options.js';

/** A failure at run time: the message is printed and the process exits 1. */
export class RuntimeError extends Error {}

export type RunningHub = {
	readonly hub: Hub;
	readonly port: number;
	readonly transferPort: number;
	readonly shareAddresses: readonly string[];
	close(): Promise<void>;
};

/** Opens the room: binds the TCP transfer server and the UDP hub. */
export async function openRoom(options: CliOptions): Promise<RunningHub> {
	const room = new RoomHost({
		bind: options.bind,
		port: options.port,
		transferPort: options.transferPort,
		maxFileSize: options.maxFileSize,
		secret: options.secret,
	});
	let ports: {port: number; transferPort: number};
	try {
		ports = await room.start();
	} catch (error) {
		const tcp = (error as {what?: string}).what === 'tcp';
		const address = `${tcp ? 'TCP' : 'UDP'} ${formatHostPort(options.bind ?? '0.0.0.0', tcp ? options.transferPort : options.port)}`;
		const message = describeBindError(error, 'cannot open the room', address);
		throw new RuntimeError(tcp ? message.replace('--port', '--transfer-port') : message);
	}

	return {
		hub: room.hub,
		...ports,
		shareAddresses: shareAddresses(options.bind, ports.port),
		close: async () => room.close(),
	};
}

/** How to tell people where the room is. */
export function joinHints(room: RunningHub): string[] {
	const addresses = room.shareAddresses.length > 0 ? room.shareAddresses : [`127.0.0.1:${room.port}`];
	return addresses.map(address => `npx socket-chat-tui --join ${address}`);
}
