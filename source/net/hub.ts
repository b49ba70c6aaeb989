import {randomBytes} from 'node:crypto';
import type dgram from 'node:dgram';
import {HubEndpoint, type HubEndpointConfig, type HubStats, type Transmit} from '../protocol/connection/hub-endpoint.js';
import {type OfferSender, transferMember, transferPsk, transferSenderPresent} from '../protocol/room/hub-room-transfers.js';
import {generateIdentity, type HubIdentity, identityFingerprint} from '../protocol/secure/identity.js';
import type {RoomEvent} from '../protocol/items.js';
import {normalizeAddress} from '../protocol/peer.js';
import type {StampedEvent} from '../protocol/room/hub-room.js';
import {roomGroup, roomGroup6} from '../protocol/cast/cast-wire.js';
import {ConnectionDriver} from './connection-driver.js';
import type {InterfaceTable} from './discovery-targets.js';
import {loadOrCreateIdentity} from './hub-identity-file.js';
import {SAFE_PAYLOAD_BYTES} from '../protocol/limits.js';
import {HubSockets} from './hub-sockets.js';
import type {LocalAddress} from './local-addresses.js';
import type {RoomStore} from './room-store.js';

export type {HubStats} from '../protocol/connection/hub-endpoint.js';

export type HubOptions = Omit<HubEndpointConfig, 'secret' | 'durable' | 'identity' | 'multicast' | 'largestDatagram'> & {
	/** False: the room's events go to each member by unicast (`--no-multicast`); else by its group where that works. */
	readonly multicast?: boolean;
	/** False: every datagram stays within 1,200 bytes; else each member's path is probed for larger ones (connection/path-mtu.ts). */
	readonly pathMtu?: boolean;
	/** Address to bind; all interfaces (dual-stack) when absent. */
	readonly bind?: string;
	readonly port: number;
	/** The room secret: only those who know it can join (every join runs CPace over it). */
	readonly secret?: string;
	/** The hub's long-term key (from its data folder); a new one for this run when absent. */
	readonly identity?: HubIdentity;
	/**
	 * The room's history on disk: the room goes on from it after a restart (same numbers), and
	 * nothing is sent or acknowledged before the events behind it are written and synced.
	 */
	readonly store?: RoomStore;
	/** Told when the store cannot be written (a full disk): the room goes on, unsaved. */
	readonly onStoreError?: (error: Error) => void;
	/** The interface table whose addresses get a socket each (default `os.networkInterfaces()`). */
	readonly interfaces?: () => InterfaceTable;
};

/**
 * The room's hub on real sockets: the shell that drives a HubEndpoint (protocol/connection) on
 * a UDP socket per local address (`HubSockets`), with real time, real randomness, and the room
 * store's commits. Every reply leaves by the socket its request came in on.
 */
export class Hub {
	private sockets: HubSockets | undefined;
	private endpoint: HubEndpoint<dgram.Socket> | undefined;
	private driver: ConnectionDriver<Transmit<dgram.Socket>> | undefined;
	private readonly listeners = new Set<(event: RoomEvent) => void>();
	private boundPort = 0;
	private identity: HubIdentity | undefined;

	constructor(private readonly options: HubOptions) {}

	/** Binds the sockets; rejects with the system error (EADDRINUSE ...) when it cannot. */
	async start(): Promise<{port: number; address: string}> {
		const {options} = this;
		// The room's long-term key lives in its data folder (members pin it); without one, this run's.
		this.identity = options.identity ?? (options.store ? (await loadOrCreateIdentity(options.store.dir)).identity : generateIdentity());
		const store = options.store;
		// The sockets first: the room stream's group port is the port they bound.
		const sockets = new HubSockets({
			bind: options.bind,
			port: options.port,
			interfaces: options.interfaces,
			onMessage: (datagram, rinfo, socket) => {
				this.endpoint?.handle(datagram, rinfo.address, rinfo.port, socket, Date.now());
				this.driver?.drive();
			},
			onClosed: (socket, family) => this.endpoint?.reroute(socket, this.sockets?.anyOf(family)),
		});
		this.boundPort = await sockets.start();
		this.sockets = sockets;
		const endpoint = new HubEndpoint<dgram.Socket>(
			{
				...options,
				secret: options.secret,
				identity: this.identity,
				durable: store ? {recent: store.events} : undefined,
				hostKey: this.hostKey,
				ephemeralIdentity: !options.identity && !options.store,
				multicast: options.multicast === false ? undefined : {group: roomGroup(this.identity.publicKey), group6: roomGroup6(this.identity.publicKey), port: this.boundPort},
				largestDatagram: options.pathMtu === false ? undefined : socket => sockets.largestDatagram(socket),
			},
			{random: bytes => randomBytes(bytes), persist: store ? json => store.append(json) : undefined},
			Date.now(),
		);
		this.endpoint = endpoint;
		this.driver = new ConnectionDriver(
			endpoint,
			({datagram, address, port, via}) => via.send(datagram, port, address),
			() => this.dispatch(),
		);
		this.driver.drive();
		return {port: this.boundPort, address: options.bind ?? '::'};
	}

	/** Given to the host's own member link: a hello carrying it is marked as the host. */
	readonly hostKey = randomBytes(16).toString('hex');

	get stats(): HubStats {
		return this.started.stats;
	}

	/** The room stream's counts (group sends, repairs, beats), and how many members its group serves. */
	get castStats(): {cast: number; repaired: number; beats: number; datagrams: number; served: number; epoch: number} | undefined {
		const cast = this.started.cast;
		return cast && {...cast.stats, served: cast.groupSize, epoch: cast.current.e};
	}

	/** How each live member gets the room's events, and why (for the host's /netinfo). */
	servedBy(): Array<{name: string; via: 'group' | 'unicast'; why: string}> {
		const cast = this.started.cast;
		return this.started.room.live().map(member => ({
			name: member.name,
			via: cast?.serves(member) && member.viaGroup ? 'group' : 'unicast',
			why: cast ? (cast.why(member) ?? cast.notOffered(member) ?? 'being probed') : 'the room has multicast off (--no-multicast)',
		}));
	}

	/** The size of the hub's datagrams to each live member, as path MTU discovery found it (connection/path-mtu.ts). */
	datagramSizes(): Array<{name: string; bytes: number; probes: number; answered: number}> {
		return this.started.room.live().map(member => ({name: member.name, bytes: member.path?.size ?? SAFE_PAYLOAD_BYTES, probes: member.path?.probes ?? 0, answered: member.path?.answered ?? 0}));
	}

	/** The groups (IPv4, IPv6) and port of the room stream, when the room has one. */
	get multicastGroup(): {group: string; group6: string; port: number} | undefined {
		return this.started.cast ? {group: roomGroup(this.identity!.publicKey), group6: roomGroup6(this.identity!.publicKey), port: this.boundPort} : undefined;
	}

	/** The local addresses the hub answers on (each with its interface), loopback included. */
	addresses(): LocalAddress[] {
		return this.sockets?.addresses() ?? [];
	}

	get port(): number {
		return this.boundPort;
	}

	/** The fingerprint of the hub's key, which people compare aloud (members pin the key in every room, open or private). */
	get fingerprint(): string | undefined {
		return this.identity ? identityFingerprint(this.identity.publicKey) : undefined;
	}

	/** Whether the room needs a secret. */
	get private(): boolean {
		return this.options.secret !== undefined;
	}

	/** Room events as they are stamped (the headless host logs these). */
	onRoomEvent(listener: (event: RoomEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	memberNames(): string[] {
		return this.started.room.live().map(member => member.name);
	}

	/** The live member holding this token, if the TCP connection comes from the address it joined from. */
	memberByToken(token: string, remoteAddress: string): {name: string} | undefined {
		return transferMember(this.started.room, token, normalizeAddress(remoteAddress));
	}

	/** Whether an offer's sender is still in the room (its session, or a rejoin under its name). */
	transferSenderPresent(sender: OfferSender): boolean {
		return transferSenderPresent(this.started.room, sender);
	}

	/** The TLS pre-shared key of the live session whose transfers go by this PSK identity. */
	transferPskOf(identity: string): Buffer | undefined {
		return this.endpoint && transferPsk(this.endpoint.room, identity);
	}

	/** Stamps a room event that did not come from a member's request (file offers). */
	announce(event: StampedEvent): RoomEvent {
		const stamped = this.started.announce(event, Date.now());
		this.driver?.drive();
		return stamped;
	}

	async close(): Promise<void> {
		this.driver?.stop();
		const sockets = this.sockets;
		this.sockets = undefined;
		await sockets?.close();
	}

	private get started(): HubEndpoint<dgram.Socket> {
		if (!this.endpoint) {
			throw new Error('the hub has not started');
		}

		return this.endpoint;
	}

	/** After every input and round of sends: room events to listeners, and a commit when one is due. */
	private dispatch(): void {
		const endpoint = this.endpoint!;
		for (let event = endpoint.pollEvent(); event; event = endpoint.pollEvent()) {
			for (const listener of this.listeners) {
				listener(event);
			}
		}

		if (endpoint.pollCommit()) {
			const done = (error?: unknown) => {
				if (error) {
					this.options.onStoreError?.(error as Error);
				}

				endpoint.committed(Date.now());
				this.driver?.drive();
			};

			this.options.store!.commit().then(() => done(), done);
		}
	}
}
