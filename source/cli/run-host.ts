import {Hub} from '../net/hub.js';
import {shareAddresses} from '../net/interfaces.js';
import {describeBindError} from '../net/udp.js';
import {formatHostPort} from '../net/address.js';
import type {CliOptions} from './options.js';

/** A failure at run time: the message is printed and the process exits 1. */
export class RuntimeError extends Error {}

export type RunningHub = {
	readonly hub: Hub;
	readonly port: number;
	readonly shareAddresses: readonly string[];
	close(): Promise<void>;
};

/** Opens the room: binds the hub (and, with file transfer, its TCP server). */
export async function openRoom(options: CliOptions): Promise<RunningHub> {
	const hub = new Hub({bind: options.bind, port: options.port});
	try {
		await hub.start();
	} catch (error) {
		throw new RuntimeError(describeBindError(error, 'cannot open the room', `UDP ${formatHostPort(options.bind ?? '0.0.0.0', options.port)}`));
	}

	return {
		hub,
		port: hub.port,
		shareAddresses: shareAddresses(options.bind, hub.port),
		close: async () => hub.close(),
	};
}

/** How to tell people where the room is. */
export function joinHints(room: RunningHub): string[] {
	const addresses = room.shareAddresses.length > 0 ? room.shareAddresses : [`127.0.0.1:${room.port}`];
	return addresses.map(address => `npx socket-chat-tui --join ${address}`);
}
