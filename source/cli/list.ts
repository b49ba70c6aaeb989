import stringWidth from 'string-width';
import {formatHostPort} from '../net/address.js';
import {findRooms, type FindRoomsOptions, type FoundRoom} from '../net/discovery.js';
import type {PinLookup} from '../net/discovery-rooms.js';
import {pinnedFingerprints} from '../net/known-rooms.js';
import {mdnsDefault, type MdnsOptions} from '../net/mdns.js';
import {DEFAULT_DISCOVERY_PORT} from '../protocol/discovery-wire.js';
import {PROTOCOL_VERSION} from '../protocol/limits.js';

/** The exact command that joins a room found by discovery. */
export function joinCommand(room: Pick<FoundRoom, 'address' | 'port'>): string {
	return `npx socket-chat-tui --join ${formatHostPort(room.address, room.port)}`;
}

/** What the pins say of a listed room, as a note. */
export const PIN_NOTES = {
	pinned: 'key pinned: you joined it before',
	mismatch: 'WARNING: listed with another key than the one you pinned',
} as const;

/** What a person should know about a room before joining (its pin, secret, another protocol version). */
function notes(room: FoundRoom): string[] {
	return [
		...(room.pin ? [PIN_NOTES[room.pin]] : []),
		...(room.secret ? ['secret: add --secret-file PATH'] : []),
		// As announced, unauthenticated: compare it with the host's, which the join then insists on.
		...(room.fingerprint ? [`key ${room.fingerprint}`] : []),
		...(room.version === PROTOCOL_VERSION ? [] : [`speaks protocol ${room.version}, this is ${PROTOCOL_VERSION}: use the host's socket-chat-tui release`]),
	];
}

/** Why nothing may have been found, and what to do instead. */
export function noRoomsHints(discoveryPort: number = DEFAULT_DISCOVERY_PORT): string[] {
	return [
		'is a host running (npx socket-chat-tui --host) on this network?',
		`a firewall may block UDP port ${discoveryPort} (broadcast) and 5353 (mDNS), or the network drops both (guest Wi-Fi often does)`,
		'ask the host for an address (the host sees it at start and in /netinfo) and join with: npx socket-chat-tui --join ADDR[:PORT]',
	];
}

function pad(text: string, width: number): string {
	return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

/** The rooms as a table, one row each, with the command to type. */
export function formatRoomTable(rooms: readonly FoundRoom[]): string[] {
	const header = ['ROOM', 'HOST', 'MEMBERS', 'JOIN WITH'];
	const rows = rooms.map(room => {
		const extra = notes(room);
		return [room.name, room.host, String(room.members), joinCommand(room) + (extra.length > 0 ? `   (${extra.join('; ')})` : '')];
	});
	const widths = header.map((title, column) => Math.max(stringWidth(title), ...rows.map(row => stringWidth(row[column]!))));
	return [header, ...rows].map(row => row.map((cell, column) => (column === row.length - 1 ? cell : pad(cell, widths[column]!))).join('  ').trimEnd());
}

/** A room as one `--list --json` line. */
export function roomJson(room: FoundRoom): Record<string, unknown> {
	return {
		type: 'room',
		address: room.address,
		port: room.port,
		name: room.name,
		host: room.host,
		members: room.members,
		secret: room.secret,
		version: room.version,
		...(room.transferPort === undefined ? {} : {transferPort: room.transferPort}),
		...(room.fingerprint === undefined ? {} : {fingerprint: room.fingerprint}),
		...(room.pin === undefined ? {} : {pin: room.pin}),
		via: room.via,
		join: joinCommand(room),
	};
}

/** Options of `runList`. */
export type ListOptions = {
	readonly discoveryPort: number;
	readonly json: boolean;
	readonly output: NodeJS.WritableStream;
	/** Where "no rooms" and errors go (default `output`; in JSON mode stdout keeps only rooms). */
	readonly errors?: NodeJS.WritableStream;
	/** How long to listen (default 3000 ms). */
	readonly timeoutMs?: number;
	/** The listening address (default: all interfaces). */
	readonly bind?: string;
	/** Browse DNS-SD over mDNS too (default: yes, unless SOCKET_CHAT_MDNS=off). */
	readonly mdns?: MdnsOptions | false | boolean;
	/** The member's pins (known-rooms.json): rooms with a pinned key are listed first and marked. */
	readonly knownRoomsFile?: string;
	/** The search itself (tests pass a fake). */
	readonly find?: (options: FindRoomsOptions) => Promise<FoundRoom[]>;
};

/**
 * `--list`: listens about 3 s and prints the rooms found. Exit code 0 when the search ran, found
 * or not ("no rooms" is an answer, not a failure); 1 only when the discovery port cannot be bound.
 */
export async function runList(options: ListOptions): Promise<number> {
	const timeoutMs = options.timeoutMs ?? 3000;
	const errors = options.errors ?? options.output;
	let pins: PinLookup | undefined;
	if (options.knownRoomsFile) {
		try {
			pins = await pinnedFingerprints(options.knownRoomsFile);
		} catch (error) {
			errors.write(`socket-chat-tui: ${(error as Error).message}\nThe rooms are listed without their pins.\n`);
		}
	}

	let rooms: FoundRoom[];
	try {
		const mdns = options.mdns === undefined || options.mdns === true ? mdnsDefault() : options.mdns;
		rooms = await (options.find ?? findRooms)({discoveryPort: options.discoveryPort, timeoutMs, mdns, ...(options.bind ? {bind: options.bind} : {}), ...(pins ? {pins} : {})});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
		errors.write(`socket-chat-tui: cannot listen for rooms on UDP port ${options.discoveryPort} (${code}); join by address: npx socket-chat-tui --join ADDR[:PORT]\n`);
		return 1;
	}

	if (options.json) {
		for (const room of rooms) {
			options.output.write(`${JSON.stringify(roomJson(room))}\n`);
		}
	} else if (rooms.length > 0) {
		options.output.write(`${rooms.length} room${rooms.length === 1 ? '' : 's'} found:\n`);
		for (const line of formatRoomTable(rooms)) {
			options.output.write(`  ${line}\n`);
		}
	}

	if (rooms.length === 0) {
		errors.write(`no rooms found within ${Math.round(timeoutMs / 1000)} s (listening on UDP port ${options.discoveryPort}):\n`);
		for (const hint of noRoomsHints(options.discoveryPort)) {
			errors.write(`  - ${hint}\n`);
		}
	}

	return 0;
}

/**
 * `--join` without an address: exactly one room found is the one; none, or several, is an error
 * that says what to type (line mode; the TUI lets the person pick instead).
 */
export function pickRoom(rooms: readonly FoundRoom[], discoveryPort: number = DEFAULT_DISCOVERY_PORT): {room: FoundRoom} | {error: string} {
	if (rooms.length === 1) {
		return {room: rooms[0]!};
	}

	if (rooms.length === 0) {
		return {error: ['no room found on this network to join:', ...noRoomsHints(discoveryPort).map(hint => `  - ${hint}`)].join('\n')};
	}

	return {error: [`${rooms.length} rooms found; say which one to join:`, ...formatRoomTable(rooms).map(line => `  ${line}`)].join('\n')};
}
