import type {Announcement} from '../protocol/discovery-wire.js';
import type {DiscoveredRoom} from '../session/types.js';
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
 * At most this many rooms are tracked, so a flood of fake announcements cannot grow memory. When
 * the table is full, the room heard least recently makes way for the new one: a flood can push a
 * real room out for a moment, never keep it out (its next announcement brings it back).
 */
export const MAX_TRACKED_ROOMS = 256;
/** A room keeps at most this many of the addresses it was heard from (the latest). */
export const MAX_ROOM_ADDRESSES = 8;

type Entry = {room: FoundRoom; heardAt: number};

/**
 * The rooms heard so far, one per announcer. A room heard from several addresses is listed once,
 * at a non-loopback address when there is one (the address worth telling others); a hub that
 * restarts on the same address and port replaces its old entry. No sockets, no timers.
 */
export class RoomTable {
	/** In the order last heard: the first is the room heard least recently. */
	private readonly entries = new Map<string, Entry>();
	private snapshot: readonly FoundRoom[] = [];

	/** Adds or refreshes a room; returns true when the visible list changed. */
	add(announcement: Announcement, from: string, now: number, via: DiscoverySource = 'broadcast', fingerprint?: string): boolean {
		for (const [id, entry] of this.entries) {
			if (id !== announcement.id && entry.room.port === announcement.port && entry.room.addresses.includes(from)) {
				this.entries.delete(id);
			}
		}

		const previous = this.entries.get(announcement.id)?.room;
		if (!previous && this.entries.size >= MAX_TRACKED_ROOMS) {
			this.entries.delete(this.entries.keys().next().value!);
		}

		const addresses = [...(previous?.addresses.filter(address => address !== from) ?? []), from].slice(-MAX_ROOM_ADDRESSES);
		const address = !isLoopback(from) || !previous || isLoopback(previous.address) ? from : previous.address;
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
			...(fingerprint ?? previous?.fingerprint ? {fingerprint: fingerprint ?? previous?.fingerprint} : {}),
		};
		this.entries.delete(announcement.id);
		this.entries.set(announcement.id, {room, heardAt: now});
		return this.refresh();
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

	/** The rooms, sorted by name then address; the same array until something visible changes. */
	rooms(): readonly FoundRoom[] {
		return this.snapshot;
	}

	private refresh(): boolean {
		const next = [...this.entries.values()]
			.map(entry => entry.room)
			.sort((a, b) => a.name.localeCompare(b.name) || a.address.localeCompare(b.address) || a.port - b.port);
		if (JSON.stringify(next) === JSON.stringify(this.snapshot)) {
			return false;
		}

		this.snapshot = next;
		return true;
	}
}
