import {randomBytes} from 'node:crypto';
import type dgram from 'node:dgram';
import {decodeEnvelope, encodeEnvelope, HEADER_BYTES, NO_TOKEN} from '../protocol/envelope.js';
import {decodeFrames, type Frame} from '../protocol/frames.js';
import {decodeMemberRequest, type RoomEvent} from '../protocol/items.js';
import {
	JOIN_BURST,
	JOIN_RATE_PER_SECOND,
	LINGER_MS,
	MAX_MEMBERS,
	MEMBER_TIMEOUT_MS,
	PROTOCOL_VERSION,
	RATE_BURST,
	RATE_PER_SECOND,
	SAFE_PAYLOAD_BYTES,
	SUPPORTED_VERSIONS,
} from '../protocol/limits.js';
import {packFrames} from '../protocol/pack.js';
import {formatHostPort, normalizeAddress} from './address.js';
import {HubRoom, type HubMember, type RateLimit} from './hub-room.js';
import {TokenBucket} from '../protocol/token-bucket.js';
import {bindUdp} from './udp.js';
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
};

/** Why datagrams were dropped, counted. */
export type HubStats = {
	received: number;
	dropped: Record<string, number>;
};

/**
 * The room's hub: one UDP socket, every member's reliable streams, one numbered history.
 * Members are known by token and source address together; anything else is dropped and counted.
 */
export class Hub {
	/** Given to the host's own member link: a hello carrying it is marked as the host. */
	readonly hostKey = randomBytes(16).toString('hex');
	readonly stats: HubStats = {received: 0, dropped: {}};
	private socket: dgram.Socket | undefined;
	private readonly room: HubRoom;
	private readonly listeners = new Set<(event: RoomEvent) => void>();
	private readonly flusher: FlushScheduler<HubMember>;
	private sweepTimer: NodeJS.Timeout | undefined;
	private boundPort = 0;
	/** Addresses (without port) banned for the life of the room. */
	private readonly banned = new Set<string>();
	/** Join attempts per address. */
	private readonly joinBuckets = new Map<string, TokenBucket>();

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
					this.banned.add(member.peer.split('|')[0]!);
				}

				this.reply({address: member.sendAddress, port: member.sendPort}, member.token, {t: 'gone', reason: `you were ${reason}`});
			},
			transferPort: options.transferPort,
			rate,
		});
		this.flusher = new FlushScheduler(member => this.flush(member), member => member.sender.nextDeadline());
	}

	/** Binds the socket; rejects with the system error (EADDRINUSE ...) when it cannot. */
	async start(): Promise<{port: number; address: string}> {
		const socket = await bindUdp(this.options.bind, this.options.port);
		this.socket = socket;
		socket.on('message', (datagram, rinfo) => this.receive(datagram, rinfo));
		socket.on('error', () => undefined);
		const {address, port} = socket.address();
		this.boundPort = port;
		this.sweepTimer = setInterval(() => this.sweep(), 500);
		this.sweepTimer.unref();
		return {port, address};
	}

	get port(): number {
		return this.boundPort;
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
		const joinedFrom = member?.peer.split('|')[0];
		return member && member.departedAt === undefined && joinedFrom === normalizeAddress(remoteAddress) ? {name: member.name} : undefined;
	}

	/** Stamps a room event that did not come from a member's request (file offers). */
	announce(event: Parameters<HubRoom['stamp']>[0]): RoomEvent {
		return this.room.stamp(event);
	}

	async close(): Promise<void> {
		clearInterval(this.sweepTimer);
		this.flusher.stop();
		const socket = this.socket;
		this.socket = undefined;
		if (socket) {
			await new Promise<void>(resolve => {
				socket.close(() => resolve());
			});
		}
	}

	private drop(reason: string): void {
		this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
	}

	private receive(datagram: Buffer, rinfo: dgram.RemoteInfo): void {
		this.stats.received++;
		const envelope = decodeEnvelope(datagram);
		if (!envelope.ok) {
			this.drop(envelope.code);
			return;
		}

		const peer = `${normalizeAddress(rinfo.address)}|${rinfo.port}`;
		if (envelope.version !== PROTOCOL_VERSION) {
			this.drop('version');
			this.reply(rinfo, NO_TOKEN, {
				t: 'refuse',
				code: 'version',
				reason: `this room speaks protocol version ${SUPPORTED_VERSIONS.join(', ')}; you speak version ${envelope.version}. Use the same socket-chat-tui release as the host.`,
				versions: [...SUPPORTED_VERSIONS],
			});
			return;
		}

		const decoded = decodeFrames(envelope.body);
		if (!decoded.ok) {
			this.drop(decoded.code);
			return;
		}

		if (envelope.token === NO_TOKEN) {
			for (const frame of decoded.frames) {
				if (frame.t === 'hello') {
					this.hello(frame, peer, rinfo);
				}
			}

			return;
		}

		const member = this.room.members.get(envelope.token);
		if (!member) {
			this.drop('unknown-token');
			this.reply(rinfo, envelope.token, {t: 'gone', reason: 'the hub does not know this session (it may have timed out)'});
			return;
		}

		if (member.peer !== peer) {
			this.drop('address-mismatch');
			return;
		}

		member.lastHeard = Date.now();
		for (const frame of decoded.frames) {
			this.memberFrame(member, frame);
		}

		this.flusher.mark(member);
	}

	private hello(frame: Extract<Frame, {t: 'hello'}>, peer: string, rinfo: dgram.RemoteInfo): void {
		const existing = this.room.findByPeer(peer);
		if (existing?.cid === frame.cid) {
			this.reply(rinfo, existing.token, {t: 'accept', cid: frame.cid});
			return;
		}

		const address = peer.split('|')[0]!;
		const refuse = (code: string, reason: string) => {
			this.reply(rinfo, NO_TOKEN, {t: 'refuse', cid: frame.cid, code, reason});
		};

		if (this.banned.has(address)) {
			refuse('banned', 'the host has banned your address from this room');
			return;
		}

		const limit = this.options.joinLimit ?? {perSecond: JOIN_RATE_PER_SECOND, burst: JOIN_BURST};
		let bucket = this.joinBuckets.get(address);
		if (limit && !bucket) {
			bucket = new TokenBucket(limit.perSecond, limit.burst, Date.now());
			this.joinBuckets.set(address, bucket);
		}

		if (bucket && !bucket.take(Date.now())) {
			refuse('rate-limited', 'too many join attempts from your address; wait a few seconds and try again');
			return;
		}

		if (this.room.live().length >= (this.options.maxMembers ?? MAX_MEMBERS)) {
			refuse('full', `the room is full (${this.options.maxMembers ?? MAX_MEMBERS} members)`);
			return;
		}

		const problem = this.room.nameProblem(frame.name);
		if (problem) {
			this.reply(rinfo, NO_TOKEN, {t: 'refuse', cid: frame.cid, code: problem.code, reason: problem.reason});
			return;
		}

		const member = this.room.admit({
			name: frame.name,
			isHost: frame.hk === this.hostKey,
			peer,
			sendAddress: rinfo.address,
			sendPort: rinfo.port,
			cid: frame.cid,
		});
		this.reply(rinfo, member.token, {t: 'accept', cid: frame.cid});
	}

	private memberFrame(member: HubMember, frame: Frame): void {
		switch (frame.t) {
			case 'd': {
				if (member.receiver.accept(frame) !== 'new') {
					return;
				}

				for (const delivered of member.receiver.drain()) {
					const request = delivered.ok ? decodeMemberRequest(delivered.value) : delivered;
					if (!request.ok) {
						this.drop('bad-payload');
					} else if (member.departedAt === undefined) {
						this.room.request(member, request.value);
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
				this.reply({address: member.sendAddress, port: member.sendPort}, member.token, {t: 'pong', ts: frame.ts});
				return;
			}

			default: {
				this.drop('unexpected-frame');
			}
		}
	}

	private reply(to: {address: string; port: number}, token: string, frame: Frame): void {
		this.socket?.send(encodeEnvelope(PROTOCOL_VERSION, token, JSON.stringify([frame])), to.port, to.address);
	}

	private flush(member: HubMember): void {
		const socket = this.socket;
		if (!socket) {
			return;
		}

		const frames: string[] = [];
		if (member.receiver.ackDue) {
			frames.push(member.receiver.takeAck());
		}

		if (member.departedAt === undefined) {
			frames.push(...member.sender.poll(Date.now()));
		}

		for (const body of packFrames(frames, SAFE_PAYLOAD_BYTES - HEADER_BYTES)) {
			socket.send(encodeEnvelope(PROTOCOL_VERSION, member.token, body), member.sendPort, member.sendAddress);
		}
	}

	private sweep(): void {
		const now = Date.now();
		for (const [address, bucket] of this.joinBuckets) {
			if (bucket.full(now)) {
				this.joinBuckets.delete(address);
			}
		}

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

export {formatHostPort};
