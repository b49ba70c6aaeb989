import {randomBytes} from 'node:crypto';
import dgram from 'node:dgram';
import {lookup} from 'node:dns/promises';
import {isIPv6} from 'node:net';
import {MemberConnection, type LinkState} from '../protocol/connection/member-connection.js';
import type {JoinOutcome, RoomAnswer} from '../protocol/connection/outcomes.js';
import {deriveRoomKey, RoomCipher} from '../protocol/crypto.js';
import type {HubItem, MemberRequest} from '../protocol/items.js';
import {SOCKET_BUFFER_BYTES} from '../protocol/limits.js';
import type {RoomLink} from '../session/ports.js';
import {formatHostPort} from './address.js';

export type {LinkState} from '../protocol/connection/member-connection.js';
export type {JoinOutcome} from '../protocol/connection/outcomes.js';

export type MemberLinkOptions = {
	readonly host: string;
	readonly port: number;
	/** The hub's host key, for the host's own member. */
	readonly hostKey?: string;
	/** How long to wait for the hub to answer a hello. */
	readonly helloTimeoutMs?: number;
	/** Silence after which the hub counts as lost. */
	readonly timeoutMs?: number;
	/** Idle time after which a heartbeat is sent (default 2 s). */
	readonly heartbeatMs?: number;
	/** The room secret, when the room has one. */
	readonly secret?: string;
	/** Protocol version to speak (tests use another to check the refusal). */
	readonly version?: number;
};

/**
 * A member's link to the hub: the shell that drives a MemberConnection (protocol/connection) on
 * one connected UDP socket, so only the hub's datagrams reach it. It owns the socket, the one
 * timer the connection asks for, and the promises and listeners the session uses.
 */
export class MemberLink implements RoomLink {
	private socket: dgram.Socket | undefined;
	private connection: MemberConnection | undefined;
	private timer: NodeJS.Timeout | undefined;
	private immediate: NodeJS.Immediate | undefined;
	private answered: ((answer: JoinOutcome | RoomAnswer) => void) | undefined;
	private resolvedHost: string | undefined;
	private closed = false;
	private readonly itemListeners = new Set<(item: HubItem) => void>();
	private readonly statusListeners = new Set<(state: LinkState, detail?: string) => void>();
	private readonly lostListeners = new Set<(reason: string) => void>();
	private readonly idleWaiters = new Set<() => void>();
	readonly address: string;

	constructor(private readonly options: MemberLinkOptions) {
		this.address = formatHostPort(options.host, options.port);
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

	/** For a room with a secret, the key's fingerprint people compare aloud. */
	get fingerprint(): string | undefined {
		return this.connection?.fingerprint;
	}

	/** For a room with a secret, the key its file transfers use. */
	get transferKey(): Buffer | undefined {
		return this.connection?.transferKey;
	}

	onItem(listener: (item: HubItem) => void): () => void {
		this.itemListeners.add(listener);
		return () => this.itemListeners.delete(listener);
	}

	onStatus(listener: (state: LinkState, detail?: string) => void): () => void {
		this.statusListeners.add(listener);
		return () => this.statusListeners.delete(listener);
	}

	onLost(listener: (reason: string) => void): () => void {
		this.lostListeners.add(listener);
		return () => this.lostListeners.delete(listener);
	}

	/** Says hello under `name` until the hub welcomes or refuses us, or stays silent too long. */
	async join(name: string, secret = this.options.secret): Promise<JoinOutcome> {
		if (!this.connection) {
			const failed = await this.open();
			if (failed) {
				return failed;
			}
		}

		if (secret !== undefined && !this.connection!.hasCipher) {
			const room = await this.ask('query');
			if ('ok' in room) {
				return room;
			}

			if (!room.secret || !room.salt) {
				return {
					ok: false,
					code: 'no-secret',
					reason: `the room at ${this.address} has no secret, but you gave one: it is open, and anyone on the network can read it. Join without a secret if that is fine.`,
				};
			}

			this.connection!.setCipher(new RoomCipher(await deriveRoomKey(secret, Buffer.from(room.salt, 'base64'))));
		}

		const outcome = await this.ask('hello', name);
		return 'ok' in outcome ? outcome : {ok: false, code: 'other', reason: 'unexpected answer'};
	}

	/** Queues a request; it is resent until the hub acknowledges it. */
	send(request: MemberRequest): void {
		this.connection?.send(request, Date.now());
		this.drive();
	}

	/** Resolves true once everything sent was acknowledged; false if `timeoutMs` passes first, or the link closes. */
	async flushed(timeoutMs?: number): Promise<boolean> {
		if (this.unacknowledged === 0) {
			return true;
		}

		return new Promise(resolve => {
			const done = () => {
				clearTimeout(timer);
				this.idleWaiters.delete(done);
				resolve(this.unacknowledged === 0);
			};

			const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
			this.idleWaiters.add(done);
		});
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
		clearTimeout(this.timer);
		clearImmediate(this.immediate);
		for (const waiter of [...this.idleWaiters]) {
			waiter();
		}

		const socket = this.socket;
		this.socket = undefined;
		try {
			socket?.close();
		} catch {}
	}

	private async ask(kind: 'query' | 'hello', name?: string): Promise<JoinOutcome | RoomAnswer> {
		return new Promise(resolve => {
			this.answered = resolve;
			this.connection!.ask(kind, Date.now(), name);
			this.drive();
		});
	}

	private async open(): Promise<JoinOutcome | undefined> {
		let address: string;
		try {
			address = (await lookup(this.options.host)).address;
		} catch {
			return {ok: false, code: 'no-answer', reason: `cannot resolve "${this.options.host}": check the host name or use its IP address`};
		}

		this.resolvedHost = address;
		const socket = dgram.createSocket({type: isIPv6(address) ? 'udp6' : 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES});
		socket.on('message', datagram => {
			this.connection?.handle(datagram, Date.now());
			this.drive();
		});
		socket.on('error', error => {
			if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
				this.connection?.portUnreachable();
			}
		});
		await new Promise<void>((resolve, reject) => {
			socket.once('error', reject);
			socket.connect(this.options.port, address, () => {
				socket.off('error', reject);
				resolve();
			});
		});
		this.socket = socket;
		const {hostKey, helloTimeoutMs, timeoutMs, heartbeatMs, version, port} = this.options;
		this.connection = new MemberConnection(
			{address: this.address, port, hostKey, helloTimeoutMs, timeoutMs, heartbeatMs, version},
			{random: bytes => randomBytes(bytes)},
			Date.now(),
		);
		this.drive();
		return undefined;
	}

	/** After any input: hand over the events, send what is due (next turn, together), re-arm the timer. */
	private drive(): void {
		this.dispatch();
		if (this.closed || !this.connection) {
			return;
		}

		this.immediate ??= setImmediate(() => {
			this.immediate = undefined;
			this.transmit();
		});
		this.arm();
	}

	private transmit(): void {
		const connection = this.connection;
		if (!connection || this.closed) {
			return;
		}

		const now = Date.now();
		for (let datagram = connection.pollTransmit(now); datagram; datagram = connection.pollTransmit(now)) {
			this.socket?.send(datagram);
		}

		this.dispatch();
		this.arm();
	}

	private arm(): void {
		clearTimeout(this.timer);
		const at = this.connection?.pollTimeout();
		if (at === undefined || this.closed) {
			return;
		}

		this.timer = setTimeout(
			() => {
				this.connection?.handleTimeout(Date.now());
				this.drive();
			},
			Math.max(0, at - Date.now()),
		);
		this.timer.unref();
	}

	private dispatch(): void {
		for (let event = this.connection?.pollEvent(); event; event = this.connection?.pollEvent()) {
			switch (event.type) {
				case 'answer': {
					const answered = this.answered;
					this.answered = undefined;
					answered?.(event.answer);
					break;
				}

				case 'item': {
					for (const listener of this.itemListeners) {
						listener(event.item);
					}

					break;
				}

				case 'state': {
					for (const listener of this.statusListeners) {
						listener(event.state, event.detail);
					}

					break;
				}

				case 'lost': {
					for (const listener of this.lostListeners) {
						listener(event.reason);
					}

					break;
				}

				case 'idle': {
					for (const waiter of [...this.idleWaiters]) {
						waiter();
					}

					break;
				}
			}
		}
	}
}
