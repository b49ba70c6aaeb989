import type {Announcement} from '../protocol/discovery-wire.js';
import {TokenBucket} from '../protocol/token-bucket.js';
import type {DiscoveredRoom, PinMark} from '../session/types.js';
import {isLoopback} from './discovery-targets.js';

/**
 * A room heard on the discovery port: what the start screen shows (`DiscoveredRoom`, whose
 * `address` is the announcing hub's as heard, IPv4-mapped addresses normalised), and more.
 */
export type FoundRoom = DiscoveredRoom & {
	readonly transferPort?: number;
	/** The chat protocol version the hub speaks. */
	readonly version: number;
	/** The announcer's random id (new each time a hub starts). */
	readonly id: string;
	/** Every address the room was heard from (a hub on several networks, or on this machine), the latest last. */
	readonly addresses: readonly string[];
	/** How it was heard: by the broadcast announcement, by DNS-SD over mDNS, or both. */
	readonly via: readonly DiscoverySource[];
	/** A private room's key fingerprint, as its DNS-SD TXT record gives it. */
	readonly fingerprint?: string;
};

/** The two ways a room is found. */
export type DiscoverySource = 'broadcast' | 'mdns';

/**
 * The fingerprint of the hub key pinned for a room at `address`:`port` (known-rooms.json), or
 * undefined when none is pinned there.
 */
export type PinLookup = (address: string, port: number) => string | undefined;

/**
 * At most this many rooms are tracked, so a flood of fake announcements cannot grow memory. When
 * the table is full, the room heard least recently makes way for the new one: a flood can push a
 * real room out for a moment, never keep it out (its next announcement brings it back).
 */
export const MAX_TRACKED_ROOMS = 256;
/** With source limits: a source address may add this many rooms at once... */
export const SOURCE_BURST = 8;
/** ...then this many a second. Refreshing a room already heard from that address is free. */
export const SOURCE_ROOMS_PER_SECOND = 1;
/** With source limits: one address is in at most this many rooms; a further one pushes out its own least recently heard. */
export const MAX_ROOMS_PER_SOURCE = 16;
/** With source limits: the allowances of at most this many addresses are kept (the least recently used is forgotten). */
export const MAX_TRACKED_SOURCES = 1024;
/** A room keeps at most this many of the addresses it was heard from (the latest). */
export const MAX_ROOM_ADDRESSES = 8;

/** Options of a `RoomTable`. */
export type RoomTableOptions = {
	/**
	 * Limit what each source address may add (SOURCE_BURST, SOURCE_ROOMS_PER_SECOND,
	 * MAX_ROOMS_PER_SOURCE). Default: no limit; `watchRooms` limits.
	 */
	readonly limitSources?: boolean;
	/** The pinned keys: a room at a pinned address and port is marked (`pin`) and listed first. */
	readonly pins?: PinLookup;
};

type Entry = {room: FoundRoom; heardAt: number};

/**
 * The rooms heard so far, one per announcer. A room heard from several addresses is listed once,
 * at a non-loopback address when there is one (the address worth telling others); a hub that
 * restarts on the same address and port replaces its old entry. No sockets, no timers.
 *
 * What a source may cost: an announcement that adds a room, or adds its source address to a room,
 * takes a token from that address's bucket (with `limitSources`); one that refreshes a room
 * already heard from that address takes none. So a hub's own schedule (every 2 s, and up to 4
 * times a second while people join) is never limited, while an address inventing rooms gets
 * SOURCE_BURST, then SOURCE_ROOMS_PER_SECOND, and holds at most MAX_ROOMS_PER_SOURCE.
 */
export class RoomTable {
	/** In the order last heard: the first is the room heard least recently. */
	private readonly entries = new Map<string, Entry>();
	/** Each source address's allowance, least recently used first. */
	private readonly sources = new Map<string, TokenBucket>();
	private snapshot: readonly FoundRoom[] = [];
	private dropped = 0;

	constructor(private readonly options: RoomTableOptions = {}) {}

	/** How many announcements the source limits dropped. */
	get limited(): number {
		return this.dropped;
	}

	/**
	 * Adds or refreshes a room; returns true when the visible list changed. An announcement over its
	 * source's limit is dropped (counted in `limited`), and returns false.
	 */
	add(announcement: Announcement, from: string, now: number, via: DiscoverySource = 'broadcast', fingerprint?: string): boolean {
		const previous = this.entries.get(announcement.id)?.room;
		const heardThere = previous?.addresses.includes(from) ?? false;
		const limited = !heardThere && this.options.limitSources === true;
		if (limited && !this.allow(from, now)) {
			this.dropped++;
			return false;
		}

		const size = this.entries.size;
		for (const [id, entry] of this.entries) {
			if (id !== announcement.id && entry.room.port === announcement.port && entry.room.addresses.includes(from)) {
				this.entries.delete(id);
			}
		}

		if (limited) {
			const own = [...this.entries.keys()].filter(id => this.entries.get(id)!.room.addresses.includes(from));
			if (own.length >= MAX_ROOMS_PER_SOURCE) {
				this.entries.delete(own[0]!);
			}
		}

		if (!this.entries.has(announcement.id) && this.entries.size >= MAX_TRACKED_ROOMS) {
			this.entries.delete(this.entries.keys().next().value!);
		}

		const forgot = this.entries.size < size;

		const addresses = [...(previous?.addresses.filter(address => address !== from) ?? []), from].slice(-MAX_ROOM_ADDRESSES);
		const address = !isLoopback(from) || !previous || isLoopback(previous.address) ? from : previous.address;
		const known = fingerprint ?? previous?.fingerprint;
		const pin = pinMark(this.options.pins?.(address, announcement.port), known);
		const room: FoundRoom = {
			address,
			port: announcement.port,
			name: announcement.room,
			host: announcement.host,
			members: announcement.members,
			secret: announcement.secret,
			...(announcement.transferPort === undefined ? {} : {transferPort: announcement.transferPort}),
			version: announcement.version,
			id: announcement.id,
			addresses,
			via: [...new Set([...(previous?.via ?? []), via])].sort(),
			...(known ? {fingerprint: known} : {}),
			...(pin ? {pin} : {}),
		};
		this.entries.delete(announcement.id);
		this.entries.set(announcement.id, {room, heardAt: now});
		// The common case (a hub's next announcement, or a flood repeating itself) costs no re-sort.
		return forgot || !previous || JSON.stringify(room) !== JSON.stringify(previous) ? this.refresh() : false;
	}

	/** Forgets a room that said goodbye; returns true when the visible list changed. */
	remove(id: string): boolean {
		this.entries.delete(id);
		return this.refresh();
	}

	/** Forgets rooms not heard for `maxAgeMs`; returns true when the visible list changed. */
	expire(now: number, maxAgeMs: number): boolean {
		for (const [id, entry] of this.entries) {
			if (now - entry.heardAt > maxAgeMs) {
				this.entries.delete(id);
			}
		}

		return this.refresh();
	}

	/**
	 * The rooms, those with a pinned key first, each part sorted by name then address; the same
	 * array until something visible changes.
	 */
	rooms(): readonly FoundRoom[] {
		return this.snapshot;
	}

	/** Takes a token from `from`'s bucket, keeping at most MAX_TRACKED_SOURCES of them. */
	private allow(from: string, now: number): boolean {
		let bucket = this.sources.get(from);
		if (bucket) {
			this.sources.delete(from);
		} else {
			bucket = new TokenBucket(SOURCE_ROOMS_PER_SECOND, SOURCE_BURST, now);
			if (this.sources.size >= MAX_TRACKED_SOURCES) {
				this.sources.delete(this.sources.keys().next().value!);
			}
		}

		this.sources.set(from, bucket);
		return bucket.take(now);
	}

	private refresh(): boolean {
		const next = [...this.entries.values()]
			.map(entry => entry.room)
			.sort((a, b) => pinRank(a) - pinRank(b) || a.name.localeCompare(b.name) || a.address.localeCompare(b.address) || a.port - b.port);
		if (JSON.stringify(next) === JSON.stringify(this.snapshot)) {
			return false;
		}

		this.snapshot = next;
		return true;
	}
}

/** A room at a pinned address is "pinned" unless the fingerprint it was listed with is another. */
function pinMark(pinned: string | undefined, listed: string | undefined): PinMark | undefined {
	if (pinned === undefined) {
		return undefined;
	}

	return listed === undefined || listed === pinned ? 'pinned' : 'mismatch';
}

function pinRank(room: FoundRoom): number {
	return room.pin === 'pinned' ? 0 : 1;
}
