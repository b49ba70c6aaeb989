import {findRooms, watchRooms} from '../net/discovery.js';
import {pinnedFingerprints} from '../net/known-rooms.js';
import type {RoomList} from '../session/types.js';
import {CliError} from './cli-error.js';
import {pickRoom} from './list.js';
import type {CliOptions} from './options.js';

/** For `--join` without an address in line mode: the only room found, or an error listing them. */
export async function onlyRoom(options: CliOptions): Promise<{host: string; port: number}> {
	const picked = pickRoom(await findRooms({discoveryPort: options.discoveryPort, mdns: options.mdns ? {} : false}), options.discoveryPort);
	if ('error' in picked) {
		throw new CliError(picked.error, 1);
	}

	return {host: picked.room.address, port: picked.room.port};
}

/**
 * For `--join` without an address in the TUI: listens a moment; one room is joined at once,
 * otherwise the start screen lists the rooms live for the person to pick, those with a pinned key
 * first and marked (an unreadable pins file only loses the marks: joining reports it).
 */
export async function roomsForTui(options: CliOptions): Promise<{only?: {host: string; port: number}; list: RoomList; close(): Promise<void>}> {
	const mdns = options.mdns ? {} : false;
	const pins = await pinnedFingerprints(options.knownRoomsFile).catch(() => undefined);
	const watch = await watchRooms({discoveryPort: options.discoveryPort, mdns, ...(pins ? {pins} : {})});
	const rooms = await findRooms({discoveryPort: options.discoveryPort, timeoutMs: 1500, mdns}).catch(() => []);
	const only = rooms.length === 1 ? {host: rooms[0]!.address, port: rooms[0]!.port} : undefined;
	return {only, list: watch, close: async () => watch.close()};
}
