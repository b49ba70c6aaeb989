import {randomBytes} from 'node:crypto';
import type dgram from 'node:dgram';
import type {RefusalCode} from '../protocol/connection/outcomes.js';
import {peerOf, type Peer} from '../protocol/peer.js';
import {RoomCipher, SEAL_OVERHEAD, deriveRoomKey} from '../protocol/crypto.js';
import {DatagramWriter} from '../protocol/datagram-writer.js';
import {decodeEnvelope, encodeEnvelope, encodeHeader, encodeSealedEnvelope, FLAG_ENCRYPTED, HEADER_BYTES, NO_TOKEN} from '../protocol/envelope.js';
import {decodeFrames, type Frame} from '../protocol/frames.js';
import {decodeMemberRequest, type RoomEvent} from '../protocol/items.js';
import {
	HELLO_MAX_AGE_MS,
	LINGER_MS,
	MEMBER_TIMEOUT_MS,
	PROTOCOL_VERSION,
	RATE_BURST,
	RATE_PER_SECOND,
	SAFE_PAYLOAD_BYTES,
	SUPPORTED_VERSIONS,
} from '../protocol/limits.js';
import {normalizeAddress} from './address.js';
import {HubRoom, type HubMember, type RateLimit} from './hub-room.js';
import {HubGate} from './hub-gate.js';
import type {RoomStore} from './room-store.js';
import {HubSockets} from './hub-sockets.js';
import type {LocalAddress} from './local-addresses.js';
import type {InterfaceTable} from './discovery-targets.js';
import {FlushScheduler} from './flush-scheduler.js';

export type HubOptions = {
	/** Address to bind; all interfaces (dual-stack) when absent. */
	readonly bind?: string;
	readonly port: number;
	/** Silence after which a member is dropped as timed out. */
	readonly memberTimeoutMs?: number;
	/** Announced in the welcome, for file transfers. */
	readonly transferPort?: number;
	/** Messages per member (default 10 a second, bursts of 20); false for none (benchmarks). */
	readonly rateLimit?: RateLimit | false;
	/** Members at most (default 256). */
	readonly maxMembers?: number;
	/** Join attempts per source address (default a burst of 5, one more per 2 s); false for none. */
	readonly joinLimit?: RateLimit | false;
	/** The room secret: every datagram is then encrypted and authenticated. */
	readonly secret?: string;
	/** The room key already derived from the secret (with its salt), instead of `secret`. */
	readonly roomKey?: {readonly key: Buffer; readonly salt: Buffer};
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

/** Where a reply goes: the sender's address and port, and the socket its datagram came in on. */
type Reply = {readonly address: string; readonly port: number; readonly socket: dgram.Socket};

/** A member with the socket its datagrams arrive on: its replies leave from that address. */
type Routed = HubMember & {via?: dgram.Socket};

/** Datagrams received and sent, and why any were dropped, counted. */
export type HubStats = {
	received: number;
	sent: number;
	dropped: Record<string, number>;
};

/**
 * The room's hub: a UDP socket per local address (`HubSockets`), every member's reliable streams,
 * one numbered history. Members are known by token and source address together; anything else is
 * dropped and counted. Every reply leaves by the socket its request came in on.
 */
export class Hub {
	/** Given to the host's own member link: a hello carrying it is marked as the host. */
	readonly hostKey = randomBytes(16).toString('hex');
	readonly stats: HubStats = {received: 0, sent: 0, dropped: {}};
	private sockets: HubSockets | undefined;
	private readonly room: HubRoom;
	private readonly listeners = new Set<(event: RoomEvent) => void>();
	private readonly flusher: FlushScheduler<HubMember>;
	private sweepTimer: NodeJS.Timeout | undefined;
	private boundPort = 0;
	private readonly gate: HubGate;
	private cipher: RoomCipher | undefined;
	private salt: Buffer | undefined;

	constructor(private readonly options: HubOptions) {
		const rate = options.rateLimit === false ? undefined : (options.rateLimit ?? {perSecond: RATE_PER_SECOND, burst: RATE_BURST});
		this.room = new HubRoom({
			now: Date.now,
			onEvent: event => {
				for (const listener of this.listeners) {
					listener(event);
				}
			},
			onDirty: member => this.flusher.mark(member),
			onRemoved: (member, reason, ban) => {
				if (ban) {
					this.gate.ban(member.peer.address);
				}

				this.sendTo(member, JSON.stringify([{t: 'gone', code: 'removed', reason: `you were ${reason}`}]));
			},
			transferPort: options.transferPort,
			rate,
			persist: options.store ? json => options.store!.append(json) : undefined,
			recent: options.store?.events,
			durable: Boolean(options.store),
		});
		this.gate = new HubGate(options.joinLimit, options.maxMembers);
		this.flusher = new FlushScheduler(
			member => this.flush(member),
			member => member.sender.nextDeadline(),
			options.store ? peers => this.makeDurable(peers) : undefined,
		);
	}

	/** Binds the socket; rejects with the system error (EADDRINUSE ...) when it cannot. */
	async start(): Promise<{port: number; address: string}> {
		const roomKey = this.options.roomKey ?? (this.options.secret === undefined ? undefined : await newRoomKey(this.options.secret, this.options.store));
		if (roomKey) {
			this.salt = roomKey.salt;
			this.cipher = new RoomCipher(roomKey.key);
		}

		const sockets = new HubSockets({
			bind: this.options.bind,
			port: this.options.port,
			interfaces: this.options.interfaces,
			onMessage: (datagram, rinfo, socket) => {
				this.receive(datagram, rinfo, socket);
			},
			onClosed: (socket, family) => {
				this.reroute(socket, family);
			},
		});
		const port = await sockets.start();
		this.sockets = sockets;
		this.boundPort = port;
		this.sweepTimer = setInterval(() => this.sweep(), 500);
		this.sweepTimer.unref();
		return {port, address: this.options.bind ?? '::'};
	}

	/** The local addresses the hub answers on (each with its interface), loopback included. */
	addresses(): LocalAddress[] {
		return this.sockets?.addresses() ?? [];
	}

	get port(): number {
		return this.boundPort;
	}

	/** For a room with a secret, the key's fingerprint people compare aloud. */
	get fingerprint(): string | undefined {
		return this.cipher?.fingerprint;
	}

	/** Room events as they are stamped (the headless host logs these). */
	onRoomEvent(listener: (event: RoomEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	memberNames(): string[] {
		return this.room.live().map(member => member.name);
	}

	/**
	 * The live member holding this token, if the TCP connection comes from the address it joined
	 * from: the transfer server authenticates with this.
	 */
	memberByToken(token: string, remoteAddress: string): {name: string} | undefined {
		const member = this.room.members.get(token);
		const joinedFrom = member?.peer.address;
		return member && member.departedAt === undefined && joinedFrom === normalizeAddress(remoteAddress) ? {name: member.name} : undefined;
	}

	/** Stamps a room event that did not come from a member's request (file offers). */
	announce(event: Parameters<HubRoom['stamp']>[0]): RoomEvent {
		return this.room.stamp(event);
	}

	async close(): Promise<void> {
		clearInterval(this.sweepTimer);
		this.flusher.stop();
		const sockets = this.sockets;
		this.sockets = undefined;
		await sockets?.close();
	}

	/** A local address went away: its members' replies go by another socket of the family. */
	private reroute(closed: dgram.Socket, family: 'IPv4' | 'IPv6'): void {
		const replacement = this.sockets?.anyOf(family);
		for (const member of this.room.members.values() as Iterable<Routed>) {
			if (member.via === closed) {
				member.via = replacement;
			}
		}
	}

	private drop(reason: string): void {
		this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
	}

	private receive(datagram: Buffer, rinfo: dgram.RemoteInfo, socket: dgram.Socket): void {
		this.stats.received++;
		const envelope = decodeEnvelope(datagram);
		if (!envelope.ok) {
			this.drop(envelope.code);
			return;
		}

		const peer = peerOf(normalizeAddress(rinfo.address), rinfo.port);
		if (envelope.version !== PROTOCOL_VERSION) {
			this.drop('version');
			this.refuse({address: rinfo.address, port: rinfo.port, socket}, undefined, 'version', `this room speaks protocol version ${SUPPORTED_VERSIONS.join(', ')}; you speak version ${envelope.version}. Use the same socket-chat-tui release as the host.`);
			return;
		}

		const encrypted = (envelope.flags & FLAG_ENCRYPTED) !== 0;
		const header = datagram.subarray(0, HEADER_BYTES);
		if (envelope.token === NO_TOKEN) {
			this.handshake(envelope.body, header, encrypted, peer, {address: rinfo.address, port: rinfo.port, socket});
			return;
		}

		const member: Routed | undefined = this.room.members.get(envelope.token);
		if (!member) {
			this.drop('unknown-token');
			const reason = 'the hub does not know this session (it restarted, or timed it out)';
			if (!this.cipher) {
				this.send({address: rinfo.address, port: rinfo.port, socket}, envelope.token, [{t: 'gone', code: 'unknown', reason}]);
			} else if (encrypted) {
				// The session key is gone with the session: said under the room key, with the time, so
				// the member can tell it is ours and fresh (docs/protocol.md, "A room with a secret").
				this.send({address: rinfo.address, port: rinfo.port, socket}, envelope.token, [{t: 'gone', code: 'unknown', reason, ts: Date.now()}], true);
			}

			return;
		}

		if (member.peer.key !== peer.key) {
			this.drop('address-mismatch');
			return;
		}

		member.via = socket;

		let body: Buffer | undefined = envelope.body;
		if (member.cipher) {
			body = encrypted ? member.cipher.open(header, body) : undefined;
			if (!body) {
				this.drop('bad-seal');
				return;
			}
		} else if (encrypted) {
			this.drop('unexpected-seal');
			return;
		}

		const decoded = decodeFrames(body);
		if (!decoded.ok) {
			this.drop(decoded.code);
			return;
		}

		member.lastHeard = Date.now();
		for (const frame of decoded.frames) {
			this.memberFrame(member, frame);
		}

		this.flusher.mark(member);
	}

	/** Datagrams without a token: queries and hellos, sealed with the room key when there is a secret. */
	private handshake(sealed: Buffer, header: Buffer, encrypted: boolean, peer: Peer, to: Reply): void {
		let body: Buffer | undefined = sealed;
		if (encrypted) {
			if (!this.cipher) {
				this.refuse(to, undefined, 'no-secret', 'this room has no secret: join it without one (anyone on the network can read it)');
				return;
			}

			if (!this.gate.attempt(peer.address, Date.now())) {
				this.refuse(to, undefined, 'rate-limited', 'too many join attempts from your address; wait a few seconds and try again');
				return;
			}

			body = this.cipher.openHandshake(header, sealed);
			if (!body) {
				this.drop('wrong-secret');
				this.refuse(to, undefined, 'wrong-secret', 'wrong room secret');
				return;
			}
		}

		const decoded = decodeFrames(body);
		if (!decoded.ok) {
			this.drop(decoded.code);
			return;
		}

		for (const frame of decoded.frames) {
			if (frame.t === 'query') {
				this.send(to, NO_TOKEN, [{t: 'room', cid: frame.cid, secret: Boolean(this.cipher), ...(this.salt ? {salt: this.salt.toString('base64')} : {})}]);
			} else if (frame.t === 'hello' && this.cipher && !encrypted) {
				this.refuse(to, frame.cid, 'secret-required', 'this room needs a secret: give it with --secret or SOCKET_CHAT_SECRET');
			} else if (frame.t === 'hello' && this.cipher && Math.abs(Date.now() - (frame.ts ?? 0)) > HELLO_MAX_AGE_MS) {
				this.drop('stale-hello');
			} else if (frame.t === 'hello') {
				this.hello(frame, peer, to, encrypted);
			}
		}
	}

	private refuse(to: Reply, cid: string | undefined, code: RefusalCode, reason: string): void {
		this.send(to, NO_TOKEN, [{t: 'refuse', ...(cid ? {cid} : {}), code, reason, ...(code === 'version' ? {versions: [...SUPPORTED_VERSIONS]} : {})}]);
	}

	private hello(frame: Extract<Frame, {t: 'hello'}>, peer: Peer, to: Reply, sealed: boolean): void {
		const existing = this.room.findByPeer(peer);
		if (existing?.cid === frame.cid) {
			this.accept(to, existing, sealed);
			return;
		}

		const replaces = this.room.stale(frame.prev, frame.name);
		const problem = this.gate.check(peer.address, this.room.live().length, Date.now(), sealed) ?? this.room.nameProblem(frame.name, replaces);
		if (problem) {
			this.refuse(to, frame.cid, problem.code, problem.reason);
			return;
		}

		const member: Routed = this.room.admit({
			name: frame.name,
			isHost: frame.hk === this.hostKey,
			peer,
			sendAddress: to.address,
			sendPort: to.port,
			cid: frame.cid,
			since: frame.since,
			replaces,
		});
		member.cipher = this.cipher?.session(member.token, 'hub-to-member');
		member.via = to.socket;
		this.accept(to, member, sealed);
	}

	private accept(to: Reply, member: HubMember, sealed: boolean): void {
		this.send(to, member.token, [{t: 'accept', cid: member.cid}], sealed);
	}

	private memberFrame(member: HubMember, frame: Frame): void {
		switch (frame.t) {
			case 'd': {
				if (member.receiver.accept(frame) !== 'new') {
					return;
				}

				if (('e' in frame || frame.p[0] === 0) && !this.room.charge(member)) {
					member.overLimitItems.add(frame.n);
				}

				for (const delivered of member.receiver.drain()) {
					const request = delivered.ok ? decodeMemberRequest(delivered.value) : delivered;
					const over = delivered.ok && member.overLimitItems.delete(delivered.seq);
					if (!request.ok) {
						this.drop('bad-payload');
					} else if (member.departedAt === undefined) {
						this.room.request(member, request.value, over);
					}
				}

				return;
			}

			case 'ack': {
				if (frame.g === member.sender.epoch) {
					member.sender.onAck(frame.c, frame.s, Date.now());
				}

				return;
			}

			case 'ping': {
				member.pong = frame.ts;
				return;
			}

			default: {
				this.drop('unexpected-frame');
			}
		}
	}

	/**
	 * Sends frames outside a session: in the clear (refusals and room answers, before any key is
	 * shared), or with `sealed` in a room with a secret, under the room key (an accept, a forgotten
	 * session's gone).
	 */
	private send(to: Reply, token: string, frames: Frame[], sealed = false): void {
		const body = JSON.stringify(frames);
		const cipher = sealed ? this.cipher : undefined;
		to.socket.send(
			cipher
				? encodeSealedEnvelope(PROTOCOL_VERSION, token, body, (header, plaintext) => cipher.sealHandshake(header, plaintext))
				: encodeEnvelope(PROTOCOL_VERSION, token, body),
			to.port,
			to.address,
		);
	}

	/** Sends frames to a member, sealed with its session key when the room has a secret. */
	private sendTo(member: Routed, body: string): void {
		const datagram = member.cipher
			? encodeSealedEnvelope(PROTOCOL_VERSION, member.token, body, (header, plaintext) => member.cipher!.seal(header, plaintext))
			: encodeEnvelope(PROTOCOL_VERSION, member.token, body);
		this.stats.sent++;
		member.via?.send(datagram, member.sendPort, member.sendAddress);
	}

	/**
	 * Before a round of sends with a store: take the acks due now and what is held for members,
	 * write and sync the events behind them, and only then release that batch (events stamped
	 * meanwhile wait for the next round).
	 */
	private makeDurable(peers: readonly HubMember[]): Promise<void> | undefined {
		const store = this.options.store!;
		for (const member of peers) {
			if (member.receiver.ackDue) {
				member.heldAck = member.receiver.takeAck();
			}
		}

		const batch = this.room.takeHeld();
		if (!store.dirty) {
			this.room.release(batch);
			return undefined;
		}

		return store.commit().then(
			() => {
				this.room.release(batch);
			},
			(error: unknown) => {
				this.options.onStoreError?.(error as Error);
				this.room.release(batch);
			},
		);
	}

	private flush(member: Routed): void {
		const socket = member.via;
		if (!socket || !this.sockets) {
			return;
		}

		// Datagrams are written straight into bytes (the fan-out's hot path: no string per delivery).
		const cipher = member.cipher;
		const header = encodeHeader(PROTOCOL_VERSION, member.token, cipher ? FLAG_ENCRYPTED : 0);
		const room = SAFE_PAYLOAD_BYTES - HEADER_BYTES - (cipher ? SEAL_OVERHEAD : 0);
		const writer = new DatagramWriter(header, room, datagram => {
			const sealed = cipher ? Buffer.concat([header, cipher.seal(header, datagram.subarray(HEADER_BYTES))]) : datagram;
			this.stats.sent++;
			socket.send(sealed, member.sendPort, member.sendAddress);
		});

		// Control frames are ASCII: their bytes are their length.
		if (this.options.store) {
			if (member.heldAck !== undefined) {
				writer.frame(member.heldAck, member.heldAck.length);
				member.heldAck = undefined;
			}
		} else if (member.receiver.ackDue) {
			const ack = member.receiver.takeAck();
			writer.frame(ack, ack.length);
		}

		if (member.pong !== undefined) {
			const pong = `{"t":"pong","ts":${member.pong}}`;
			writer.frame(pong, pong.length);
			member.pong = undefined;
		}

		if (member.departedAt === undefined) {
			member.sender.pollWith(Date.now(), writer);
		}

		writer.end();
	}

	private sweep(): void {
		const now = Date.now();
		this.gate.sweep(now);

		const timeout = this.options.memberTimeoutMs ?? MEMBER_TIMEOUT_MS;
		for (const member of this.room.members.values()) {
			if (member.departedAt !== undefined) {
				if (now - member.departedAt > LINGER_MS) {
					this.room.forget(member);
				}
			} else if (now - member.lastHeard > timeout) {
				this.room.remove(member, 'timed out');
			}
		}
	}
}

/**
 * The room key from the secret, with the room's salt: the stored one when the room goes on
 * after a restart (so its members' keys still match), else a fresh one, then stored.
 */
export async function newRoomKey(secret: string, store?: RoomStore): Promise<{key: Buffer; salt: Buffer}> {
	const salt = store?.meta.salt ? Buffer.from(store.meta.salt, 'base64') : randomBytes(16);
	if (store && !store.meta.salt) {
		await store.saveMeta({salt: salt.toString('base64')});
	}

	return {key: await deriveRoomKey(secret, salt), salt};
}
