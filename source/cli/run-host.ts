import {hostname} from 'node:os';
import {RoomAnnouncer} from '../net/discovery.js';
import type {Hub} from '../net/hub.js';
import {PROTOCOL_VERSION} from '../protocol/limits.js';
import path from 'node:path';
import {RoomHost} from '../net/room-host.js';
import type {RoomStore} from '../net/room-store.js';
import {openRoomFolder, OtherSecretError, ROOMS_DIR} from '../net/room-folder.js';
import {shareAddresses, shareLabel, type ShareAddress} from '../net/interfaces.js';
import {describeBindError} from '../net/udp.js';
import {formatHostPort} from '../net/address.js';
import {CliError} from './cli-error.js';
import type {CliOptions} from './options.js';

export type RunningHub = {
	readonly hub: Hub;
	readonly port: number;
	readonly transferPort: number;
	/** Where others reach the room, as the host's screen shows it: `10.0.0.5:9999 (eth0)`. */
	readonly shareAddresses: readonly string[];
	/** The same addresses with their interfaces, from the hub's working sockets. */
	readonly shares: readonly ShareAddress[];
	readonly announcer: RoomAnnouncer;
	close(): Promise<void>;
};

/** Opens the room: binds the TCP transfer server and the UDP hub. */
export async function openRoom(options: CliOptions): Promise<RunningHub> {
	let store: RoomStore | undefined;
	let folder: string | undefined;
	// Each room has a folder of its own, named by its key (net/room-folder.ts): a private room's
	// history (sealed under its secret) is never served by an open room started later on its port.
	if (options.dataDir !== false) {
		try {
			store = (await openRoomFolder(options.dataDir, {port: options.port, secret: options.secret, fresh: options.newRoom})).store;
		} catch (error) {
			if (error instanceof OtherSecretError) throw new CliError(`cannot open the room: ${error.message}`, 1);
			throw new CliError(`cannot keep the room's history in ${path.join(options.dataDir, ROOMS_DIR)}: ${(error as Error).message}. Pick another folder with --data-dir.`, 1);
		}

		folder = store.dir;
	}

	const room = new RoomHost({
		store,
		onStoreError: error => {
			process.stderr.write(`socket-chat-tui: cannot write the room's history to ${folder}: ${error.message}; the room goes on, unsaved\n`);
		},
		bind: options.bind,
		port: options.port,
		transferPort: options.transferPort,
		maxFileSize: options.maxFileSize,
		secret: options.secret,
		multicast: options.multicast,
	});
	let ports: {port: number; transferPort: number};
	try {
		ports = await room.start();
	} catch (error) {
		const tcp = (error as {what?: string}).what === 'tcp';
		const address = `${tcp ? 'TCP' : 'UDP'} ${formatHostPort(options.bind ?? '0.0.0.0', tcp ? options.transferPort : options.port)}`;
		const message = describeBindError(error, 'cannot open the room', address);
		throw new CliError(tcp ? message.replace('--port', '--transfer-port') : message, 1);
	}

	const {hub} = room;
	const announcer = new RoomAnnouncer({
		bind: options.bind,
		discoveryPort: options.discoveryPort,
		mdns: options.mdns ? {} : false,
		fingerprint: hub.fingerprint,
		info: () => ({
			room: options.room ?? (options.name ? `${options.name}'s room` : `room on ${hostname()}`),
			host: hostname(),
			port: ports.port,
			transferPort: ports.transferPort,
			members: hub.memberNames().length,
			secret: hub.private,
			version: PROTOCOL_VERSION,
		}),
	});
	// Discovery is a convenience: a room whose announcements cannot go out still works by address.
	await announcer.start().catch(() => undefined);
	hub.onRoomEvent(event => {
		if (event.k === 'join' || event.k === 'leave') {
			announcer.poke();
		}
	});
	const shares = shareAddresses(hub.addresses(), ports.port);
	return {
		hub,
		...ports,
		announcer,
		shares,
		shareAddresses: shares.map(share => shareLabel(share)),
		close: async () => {
			await announcer.stop();
			await room.close();
		},
	};
}

/** The line-mode event that says the room is open and where (--json, for --host and --headless alike). */
export function hostingEvent(room: RunningHub): Record<string, unknown> {
	const {fingerprint} = room.hub;
	return {type: 'hosting', port: room.port, transferPort: room.transferPort, addresses: room.shares, secret: room.hub.private, ...(fingerprint ? {fingerprint} : {})};
}

/** How to tell people where the room is. */
export function joinHints(room: RunningHub): string[] {
	if (room.shares.length === 0) {
		return [`npx socket-chat-tui --join 127.0.0.1:${room.port}`];
	}

	return room.shares.map(share => `${share.interface}: npx socket-chat-tui --join ${share.address}`);
}
