import {randomBytes} from 'node:crypto';
import type dgram from 'node:dgram';
import {MemberConnection, type LinkState, type MemberConnectionConfig} from '../protocol/connection/member-connection.js';
import type {JoinOutcome} from '../protocol/connection/outcomes.js';
import type {HubItem, MemberRequest} from '../protocol/items.js';
import type {RoomLink} from '../session/ports.js';
import {formatHostPort} from './address.js';
import {connectUdp} from './connected-udp.js';
import {openGroupSocket} from './group-socket.js';
import {OFF} from './netinfo-served.js';
import {ConnectionDriver} from './connection-driver.js';
import {LinkListeners} from './link-listeners.js';
import {lookUpPin, type RoomPins, settlePin} from './room-pins.js';

export type MemberLinkOptions = Omit<MemberConnectionConfig, 'address' | 'pinnedKey'> & {
	readonly host: string;
	/** False: never take the room's events by multicast (the probe then says so, and the hub uses unicast). */
	readonly multicast?: boolean;
	/** The room's pinned hub key (a member joining another host; none for the host's own). */
	readonly pins?: RoomPins;
	/** Where `secret` came from ("SOCKET_CHAT_SECRET", "--secret-file PATH"), named when the hub refuses it. */
	readonly secretFrom?: string;
};

/**
 * A member's link to the hub: the shell that drives a MemberConnection (protocol/connection) on
 * one connected UDP socket, so only the hub's datagrams reach it. It owns the socket, the one
 * timer the connection asks for, and the promises and listeners the session uses.
 */
export class MemberLink implements RoomLink {
	private socket: dgram.Socket | undefined;
	private groupSocket: dgram.Socket | undefined;
	/** Why the group socket could not be opened, for /netinfo. */
	groupError: string | undefined;
	private connection: MemberConnection | undefined;
	private driver: ConnectionDriver | undefined;
	private resolvedHost: string | undefined;
	private closed = false;
	private readonly listeners = new LinkListeners();
	readonly address: string;

	constructor(private readonly options: MemberLinkOptions) {
		this.address = formatHostPort(options.host, options.port);
		this.listeners.group = (group, port) => void this.openGroup(group, port);
	}

	/** The session token, once joined (file transfers authenticate with it). */
	get sessionToken(): string | undefined {
		return this.connection?.sessionToken;
	}

	/** The hub's address as resolved, and the transfer port its welcome announced. */
	get transferEndpoint(): {host: string; port: number} | undefined {
		const port = this.connection?.transferPort;
		return this.resolvedHost && port ? {host: this.resolvedHost, port} : undefined;
	}

	get rttMs(): number | undefined {
		return this.connection?.rttMs;
	}

	get unacknowledged(): number {
		return this.connection?.unacknowledged ?? 0;
	}

	/** Items of this session's stream to the hub sent again. */
	get resends(): number {
		return this.connection?.resends ?? 0;
	}

	/** Once joined: whether the room is private (this session's keys came from its secret). */
	get private(): boolean | undefined {
		return this.connection?.private;
	}

	/** The fingerprint of the hub's key, which people compare aloud. */
	get fingerprint(): string | undefined {
		return this.connection?.fingerprint;
	}

	/** The hub's long-term key, once joined (to pin). */
	get hubKey(): Uint8Array | undefined {
		return this.connection?.hubKey;
	}

	/** In a room with a secret, this session's key for its file transfers. */
	get transferKey(): Buffer | undefined {
		return this.connection?.transferKey;
	}

	onItem(listener: (item: HubItem) => void): () => void {
		return LinkListeners.add(this.listeners.items, listener);
	}

	onStatus(listener: (state: LinkState, detail?: string) => void): () => void {
		return LinkListeners.add(this.listeners.status, listener);
	}

	onLost(listener: (reason: string) => void): () => void {
		return LinkListeners.add(this.listeners.lost, listener);
	}

	/**
	 * Joins under `name` (with `secret`, when a person gave one after a refusal; else the one the
	 * link was made with): until the hub welcomes or refuses us, or stays silent too long.
	 */
	async join(name: string, secret?: string): Promise<JoinOutcome> {
		if (!this.connection) {
			const pin = await lookUpPin(this.options.pins);
			const failed = pin.failed ?? (await this.open(pin.key));
			if (failed) {
				return failed;
			}
		}

		const outcome = await new Promise<JoinOutcome>(resolve => {
			this.listeners.answered = resolve;
			this.connection!.join(name, Date.now(), secret ?? this.options.secret);
			this.drive();
		});
		const {secretFrom} = this.options;
		// A wrong secret the person did not type just now: say where it came from (a stale variable, an old file).
		const named =
			!outcome.ok && outcome.code === 'wrong-secret' && secret === undefined && secretFrom !== undefined
				? {...outcome, reason: `${outcome.reason} (the one in ${secretFrom}): ask the host for the right one`}
				: outcome;
		return settlePin(this.options.pins, named, this.connection!);
	}

	/** Queues a request; it is resent until the hub acknowledges it. */
	send(request: MemberRequest): void {
		this.connection?.send(request, Date.now());
		this.drive();
	}

	typing(active: boolean): void {
		this.connection?.typing(active, Date.now());
		this.drive();
	}

	/** Resolves true once everything sent was acknowledged; false if `timeoutMs` passes first, or the link closes. */
	async flushed(timeoutMs?: number): Promise<boolean> {
		return this.listeners.whenIdle(() => this.unacknowledged === 0, timeoutMs);
	}

	/** Sends an explicit leave, waits (bounded) for it to be acknowledged, and closes. */
	async leave(timeoutMs = 3000): Promise<void> {
		if (this.connection?.canLeave) {
			this.send({k: 'leave'});
			await this.flushed(timeoutMs);
		}

		this.close();
	}

	close(): void {
		if (this.closed) {
			return;
		}

		this.closed = true;
		this.connection?.close();
		this.dispatch();
		this.driver?.stop();
		this.listeners.wakeIdle();

		const socket = this.socket;
		this.socket = undefined;
		try {
			socket?.close();
		} catch {}

		this.closeGroup();
	}

	/** How the room's events reach us, and the room stream's counts (for /netinfo). */
	get served() {
		const cast = this.connection?.cast;
		return cast && {served: cast.served, info: cast.info, stats: cast.stats, open: cast.groupOpen, error: this.groupError, ackDelay: cast.ackDelay};
	}

	private closeGroup(): void {
		const socket = this.groupSocket;
		this.groupSocket = undefined;
		try {
			socket?.close();
		} catch {}
	}

	/** Opens the room's group socket (once per group), and tells the connection how that went. */
	private async openGroup(group: string, port: number): Promise<void> {
		this.closeGroup();
		const connection = this.connection;
		if (this.options.multicast === false || !this.socket || !this.resolvedHost) {
			this.groupError = this.options.multicast === false ? OFF : undefined;
			connection?.groupOpened(false, Date.now(), this.options.multicast === false);
			return;
		}

		let localAddress: string | undefined;
		try {
			localAddress = this.socket.address().address;
		} catch {}

		const opened = await openGroupSocket({
			group,
			port,
			localAddress,
			source: this.resolvedHost,
			onMessage: datagram => {
				this.connection?.handle(datagram, Date.now(), 'group');
				this.drive();
			},
		});
		if (this.closed || this.connection !== connection) {
			if (!('error' in opened)) opened.close();
			return;
		}

		if ('error' in opened) {
			this.groupError = opened.error;
			connection?.groupOpened(false, Date.now());
		} else {
			this.groupError = undefined;
			this.groupSocket = opened;
			connection?.groupOpened(true, Date.now());
		}

		this.drive();
	}

	private async open(pinnedKey: Uint8Array | undefined): Promise<JoinOutcome | undefined> {
		const opened = await connectUdp(
			this.options.host,
			this.options.port,
			datagram => {
				this.connection?.handle(datagram, Date.now());
				this.drive();
			},
			() => this.connection?.portUnreachable(),
		);
		if ('error' in opened) {
			return {ok: false, code: 'no-answer', reason: opened.error};
		}

		this.socket = opened.socket;
		this.resolvedHost = opened.address;
		const connection = new MemberConnection({...this.options, address: this.address, pinnedKey}, {random: bytes => new Uint8Array(randomBytes(bytes))}, Date.now());
		this.connection = connection;
		this.driver = new ConnectionDriver(connection, datagram => this.socket?.send(datagram), () => this.dispatch());
		this.drive();
		return undefined;
	}

	/** After any input: events now, datagrams on the next turn, the timer at the next deadline. */
	private drive(): void {
		if (this.driver) {
			this.driver.drive();
		} else {
			this.dispatch();
		}
	}

	private dispatch(): void {
		this.listeners.drain(this.connection);
	}
}
