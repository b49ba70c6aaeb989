import dgram from 'node:dgram';
import {isIPv6} from 'node:net';
import {ANNOUNCE_INTERVAL_MS, decodeDiscovery, type DiscoveryMessage} from '../protocol/discovery-wire.js';
import {normalizeAddress} from './address.js';
import {RoomTable, type FoundRoom, type PinLookup} from './discovery-rooms.js';
import {MdnsBrowser, type MdnsHeard, type MdnsOptions} from './mdns.js';

/**
 * Binds a socket on the shared discovery port. `reuseAddr` lets several listeners (a TUI picker,
 * a `--list` in another terminal, the `/netinfo` self-test) and other programs share the port.
 * Every one of them hears broadcasts; a unicast datagram (the loopback announcement) goes to one
 * of them only (on Linux, the one bound last): see docs/discovery.md.
 */
export async function bindDiscoveryListener(port: number, address: string): Promise<dgram.Socket> {
	const type = isIPv6(address) ? 'udp6' : 'udp4';
	const socket = dgram.createSocket({type, reuseAddr: true, ipv6Only: type === 'udp6'});
	await new Promise<void>((resolve, reject) => {
		const onError = (error: Error) => {
			socket.close();
			reject(error);
		};

		socket.once('error', onError);
		socket.bind({port, address, exclusive: false}, () => {
			socket.off('error', onError);
			resolve();
		});
	});
	socket.on('error', () => undefined);
	return socket;
}

/** Binds each address; the first must succeed, the others (the IPv6 wildcard) are best effort. */
async function bindAll(port: number, addresses: readonly string[]): Promise<dgram.Socket[]> {
	const sockets = [await bindDiscoveryListener(port, addresses[0]!)];
	for (const address of addresses.slice(1)) {
		try {
			sockets.push(await bindDiscoveryListener(port, address));
		} catch {
			// A machine without IPv6 still discovers IPv4 rooms.
		}
	}

	return sockets;
}

/** Options of `watchRooms` and `findRooms`. */
export type ListenOptions = {
	readonly discoveryPort: number;
	/**
	 * The address to listen on. By default 0.0.0.0 (every IPv4 broadcast and 127.0.0.1) and, if the
	 * machine has IPv6, :: (a hub bound to ::1). Tests pass 127.0.0.1.
	 */
	readonly bind?: string;
	/** Browse DNS-SD over mDNS as well, there (default: no; the CLI turns it on). */
	readonly mdns?: MdnsOptions | false;
	/** The member's pinned hub keys: rooms at a pinned address and port are marked and listed first. */
	readonly pins?: PinLookup;
};

/** A live list of the rooms heard, for a picker. */
export type RoomWatch = {
	/** The rooms heard and not expired; the same array until something visible changes. */
	rooms(): readonly FoundRoom[];
	/** Called whenever `rooms()` changes; returns the unsubscribe function. */
	subscribe(listener: () => void): () => void;
	/** Datagrams on the port that were ignored, counted by reason ("rate-limited": over their source's limit). */
	readonly ignored: Readonly<Record<string, number>>;
	/** The mDNS browser's interfaces and errors, when it runs. */
	mdnsStatus(): {readonly interfaces: readonly string[]; readonly failures: ReadonlyMap<string, string>} | undefined;
	close(): Promise<void>;
};

/** Options of `watchRooms`. */
export type WatchOptions = ListenOptions & {
	/** A room not heard for this long is dropped (default: three announcements and a second). */
	readonly expireMs?: number;
	/** Every datagram that decodes, with its normalised sender (the /netinfo self-test uses this). */
	readonly onMessage?: (message: DiscoveryMessage, from: string) => void;
	/** Every room heard over mDNS (the /netinfo self-test uses this). */
	readonly onMdns?: (heard: MdnsHeard) => void;
};

/**
 * Listens for announcements until closed. Rejects when the port cannot be bound at all. Each
 * source address may add only so many rooms (see RoomTable), and a full table forgets the room
 * heard least recently, so a flood of fake rooms cannot keep a real one out.
 */
export async function watchRooms(options: WatchOptions): Promise<RoomWatch> {
	const sockets = await bindAll(options.discoveryPort, options.bind === undefined ? ['0.0.0.0', '::'] : [options.bind]);
	const table = new RoomTable({limitSources: true, ...(options.pins ? {pins: options.pins} : {})});
	const listeners = new Set<() => void>();
	const ignored: Record<string, number> = {};
	const expireMs = options.expireMs ?? (3 * ANNOUNCE_INTERVAL_MS) + 1000;
	const changed = () => {
		for (const listener of listeners) {
			listener();
		}
	};

	const receive = (datagram: Buffer, rinfo: dgram.RemoteInfo) => {
		const decoded = decodeDiscovery(datagram);
		if (!decoded.ok) {
			ignored[decoded.code] = (ignored[decoded.code] ?? 0) + 1;
			return;
		}

		const from = normalizeAddress(rinfo.address);
		options.onMessage?.(decoded.message, from);
		if (decoded.message.k !== 'room') {
			return;
		}

		const dropped = table.limited;
		if (table.add(decoded.message, from, Date.now(), 'broadcast', decoded.message.fingerprint)) {
			changed();
		} else if (table.limited > dropped) {
			ignored['rate-limited'] = (ignored['rate-limited'] ?? 0) + 1;
		}
	};

	for (const socket of sockets) {
		socket.on('message', receive);
	}

	const browser = options.mdns
		? new MdnsBrowser(heard => {
			options.onMdns?.(heard);
			const change = heard.gone ? table.remove(heard.announcement.id) : table.add(heard.announcement, heard.from, Date.now(), 'mdns', heard.fingerprint);
			if (change) {
				changed();
			}
		}, options.mdns)
		: undefined;
	browser?.start();

	const sweep = setInterval(() => {
		if (table.expire(Date.now(), expireMs)) {
			changed();
		}
	}, Math.min(1000, expireMs));
	sweep.unref();

	return {
		rooms: () => table.rooms(),
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		ignored,
		mdnsStatus: () => browser?.status(),
		async close() {
			browser?.stop();
			clearInterval(sweep);
			listeners.clear();
			await Promise.all(sockets.map(async socket => new Promise<void>(resolve => {
				socket.close(() => resolve());
			})));
		},
	};
}

/** Options of `findRooms`. */
export type FindRoomsOptions = ListenOptions & {
	/** How long to listen (default 3000 ms: every hub announces at least once in that time). */
	readonly timeoutMs?: number;
};

/** The rooms heard within `timeoutMs`, one per hub. Rejects when the port cannot be bound. */
export async function findRooms(options: FindRoomsOptions): Promise<FoundRoom[]> {
	const watch = await watchRooms({...options, expireMs: Number.MAX_SAFE_INTEGER});
	await new Promise(resolve => {
		setTimeout(resolve, options.timeoutMs ?? 3000);
	});
	const rooms = watch.rooms();
	await watch.close();
	return [...rooms];
}
