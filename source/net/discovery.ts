import {randomBytes} from 'node:crypto';
import dgram from 'node:dgram';
import {networkInterfaces} from 'node:os';
import {ANNOUNCE_INTERVAL_MS, decodeDiscovery, encodeDiscovery, type AnnouncementFields} from '../protocol/discovery-wire.js';
import {announceSource, discoveryTargets, type DiscoveryTarget, type InterfaceTable} from './discovery-targets.js';
import {MdnsAnnouncer, type MdnsOptions} from './mdns.js';

export {findRooms, watchRooms, type FindRoomsOptions, type RoomWatch, type WatchOptions} from './discovery-listen.js';
export type {DiscoverySource, FoundRoom} from './discovery-rooms.js';
export {discoveryTargets, type DiscoveryTarget, type InterfaceTable} from './discovery-targets.js';
export {DEFAULT_DISCOVERY_PORT, type AnnouncementFields} from '../protocol/discovery-wire.js';

/** Announcements prompted by `poke()` are at least this far apart (a burst of joins sends one). */
export const POKE_GAP_MS = 250;

/** Options of a `RoomAnnouncer`. */
export type RoomAnnouncerOptions = {
	/** The hub's bind address; undefined (or 0.0.0.0, ::) means all interfaces. */
	readonly bind?: string;
	/** The UDP port listeners wait on (DEFAULT_DISCOVERY_PORT unless configured). */
	readonly discoveryPort: number;
	/** Time between announcements (default 2000 ms). */
	readonly intervalMs?: number;
	/** What to announce, read afresh for every announcement. */
	readonly info: () => AnnouncementFields;
	/** The interface table (default `os.networkInterfaces()`, read before every announcement). */
	readonly interfaces?: () => InterfaceTable;
	/** Announce over DNS-SD/mDNS as well, there (default: no; the CLI turns it on). */
	readonly mdns?: MdnsOptions | false;
	/** The room's fingerprint (open or private), in its announcements and its DNS-SD TXT record. */
	readonly fingerprint?: string;
};

function systemInterfaces(): InterfaceTable {
	try {
		return networkInterfaces();
	} catch {
		// Some platforms refuse to list interfaces (Android without permission): loopback still works.
		return {};
	}
}

/**
 * Announces a hub's room on the networks it is bound to: at start, then every interval, and
 * soon after `poke()`. Where it sends is `discoveryTargets(bind, interfaces)`: loopback only for a
 * hub on 127.0.0.1, else each interface's IPv4 directed broadcast (plus 127.0.0.1 for all
 * interfaces). The interface list is read again each time, so a new Wi-Fi address is picked up.
 * A failed send never throws: it is kept in `failures` (for /netinfo) and tried again next time.
 */
export class RoomAnnouncer {
	/** Random per announcer: listeners use it to list a hub heard on several addresses once. */
	readonly id = randomBytes(6).toString('hex');
	/** The last send error per target address (and under "info" a bad `info()`); cleared once it works. */
	readonly failures = new Map<string, string>();
	private socket: dgram.Socket | undefined;
	private timer: NodeJS.Timeout | undefined;
	private pokeTimer: NodeJS.Timeout | undefined;
	private lastSentAt = 0;
	private lastTargets: readonly DiscoveryTarget[] = [];
	private readonly mdns: MdnsAnnouncer | undefined;

	constructor(private readonly options: RoomAnnouncerOptions) {
		this.mdns = options.mdns
			? new MdnsAnnouncer(options.bind, () => ({...options.info(), id: this.id, ...(options.fingerprint ? {fingerprint: options.fingerprint} : {})}), options.mdns)
			: undefined;
	}

	/** Where the DNS-SD announcements go and what failed there; undefined when mDNS is off. */
	mdnsStatus(): ReturnType<MdnsAnnouncer['status']> | undefined {
		return this.mdns?.status();
	}

	/** Where the last announcement went. */
	get targets(): readonly DiscoveryTarget[] {
		return this.lastTargets;
	}

	/** Binds the sending socket and announces at once. Rejects only when the socket cannot bind. */
	async start(): Promise<void> {
		if (this.socket) {
			return;
		}

		const source = announceSource(this.options.bind);
		const socket = dgram.createSocket({type: source.type});
		await new Promise<void>((resolve, reject) => {
			const onError = (error: Error) => {
				socket.close();
				reject(error);
			};

			socket.once('error', onError);
			socket.bind(0, source.address, () => {
				socket.off('error', onError);
				resolve();
			});
		});
		socket.on('error', () => undefined);
		// Anything sent to this socket (a hub refusing our datagram, say) is not ours to read.
		socket.on('message', () => undefined);
		try {
			socket.setBroadcast(true);
		} catch {
			// Only possible before binding (EBADF); the sends to broadcast addresses would then fail visibly.
		}

		socket.unref();
		this.socket = socket;
		this.mdns?.start();
		this.announce();
		this.timer = setInterval(() => {
			this.announce();
		}, this.options.intervalMs ?? ANNOUNCE_INTERVAL_MS);
		this.timer.unref();
	}

	/** Announces again soon (the member count or the name changed), at most every POKE_GAP_MS. */
	poke(): void {
		if (!this.socket || this.pokeTimer) {
			return;
		}

		this.mdns?.poke();
		this.pokeTimer = setTimeout(() => {
			this.pokeTimer = undefined;
			this.announce();
		}, Math.max(0, this.lastSentAt + POKE_GAP_MS - Date.now()));
		this.pokeTimer.unref();
	}

	/** Stops announcing and closes the socket. Listeners forget the room once they stop hearing it. */
	async stop(): Promise<void> {
		clearInterval(this.timer);
		clearTimeout(this.pokeTimer);
		this.timer = undefined;
		this.pokeTimer = undefined;
		await this.mdns?.stop();
		const socket = this.socket;
		this.socket = undefined;
		if (socket) {
			await new Promise<void>(resolve => {
				socket.close(() => resolve());
			});
		}
	}

	private announce(): void {
		const socket = this.socket;
		if (!socket) {
			return;
		}

		let datagram: Buffer;
		try {
			const info = this.options.info();
			datagram = encodeDiscovery({
				k: 'room',
				id: this.id,
				room: info.room,
				host: info.host,
				port: info.port,
				...(info.transferPort === undefined ? {} : {transferPort: info.transferPort}),
				members: info.members,
				secret: info.secret,
				version: info.version,
				...(this.options.fingerprint ? {fingerprint: this.options.fingerprint} : {}),
			});
		} catch (error) {
			this.failures.set('info', `info() failed: ${(error as Error).message}`);
			return;
		}

		const check = decodeDiscovery(datagram);
		if (!check.ok) {
			// Listeners would drop it: say why (in /netinfo) rather than send it.
			this.failures.set('info', `invalid announcement: ${check.detail}`);
			return;
		}

		this.failures.delete('info');
		this.lastSentAt = Date.now();
		this.lastTargets = discoveryTargets(this.options.bind, (this.options.interfaces ?? systemInterfaces)());
		for (const target of this.lastTargets) {
			const done = (error: Error | null) => {
				if (error) {
					this.failures.set(target.address, error.message);
				} else {
					this.failures.delete(target.address);
				}
			};

			try {
				socket.send(datagram, this.options.discoveryPort, target.address, done);
			} catch (error) {
				done(error as Error);
			}
		}
	}
}
