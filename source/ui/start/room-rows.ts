/** The start screen's list of discovered rooms as plain rows. Pure. */
import type {DiscoveredRoom, PinMark} from '../../session/types.js';

/** "192.168.1.20:7777", or "[fe80::1]:7777" for an IPv6 address: what joining a room takes. */
export function roomJoinAddress(room: Pick<DiscoveredRoom, 'address' | 'port'>): string {
	const bare = room.address.startsWith('[') && room.address.endsWith(']') ? room.address.slice(1, -1) : room.address;
	return bare.includes(':') ? `[${bare}]:${room.port}` : `${bare}:${room.port}`;
}

/** "kitchen · alice-laptop · 3 members · 192.168.1.20:7777" (the pin and secret markers are shown apart). */
export function roomLabel(room: DiscoveredRoom): string {
	const members = `${room.members} ${room.members === 1 ? 'member' : 'members'}`;
	return `${room.name} · ${room.host} · ${members} · ${roomJoinAddress(room)}`;
}

/** One line of the rooms list. */
export type RoomRow = {
	/** The room's join address: unique in the list, a React key. */
	readonly address: string;
	readonly text: string;
	readonly secret: boolean;
	/** What the pins say of it, when it has one. */
	readonly pin?: PinMark;
	readonly selected: boolean;
};

/** The marker after a room with a pinned key: trusted, or a warning. */
export const pinMarkers: Readonly<Record<PinMark, string>> = {
	pinned: ' · key pinned',
	mismatch: ' · WARNING: not the key you pinned',
};

/**
 * The rows that fit `height`, scrolled to keep the selected room (by join address) visible.
 * When rooms are left out, one row is kept free and `more` says how many.
 */
export function roomRows(rooms: readonly DiscoveredRoom[], height: number, selected: string | undefined): {rows: RoomRow[]; more: number} {
	const addresses = rooms.map(room => roomJoinAddress(room));
	const fits = rooms.length <= height;
	const shown = fits ? rooms.length : Math.max(1, height - 1);
	const at = selected === undefined ? -1 : addresses.indexOf(selected);
	const start = fits ? 0 : Math.max(0, Math.min(rooms.length - shown, at - shown + 1));
	const rows = rooms.slice(start, start + shown).map((room, offset) => {
		const address = addresses[start + offset]!;
		return {address, text: roomLabel(room), secret: room.secret, ...(room.pin ? {pin: room.pin} : {}), selected: address === selected};
	});
	return {rows, more: rooms.length - rows.length};
}
