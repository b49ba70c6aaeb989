import {randomBytes} from 'node:crypto';
import dgram from 'node:dgram';
import {lookup} from 'node:dns/promises';
import {isIPv6} from 'node:net';
import {deriveRoomKey, RoomCipher, SEAL_OVERHEAD, type SessionCipher} from '../protocol/crypto.js';
import {decodeEnvelope, encodeEnvelope, encodeSealedEnvelope, FLAG_ENCRYPTED, HEADER_BYTES, NO_TOKEN} from '../protocol/envelope.js';
import {decodeFrames, type Frame} from '../protocol/frames.js';
import {decodeHubItem, type HubItem, type MemberRequest, type Welcome} from '../protocol/items.js';
import {HEARTBEAT_MS, HELLO_MAX_AGE_MS, MAX_ACK_DELAY_MS, MEMBER_TIMEOUT_MS, PROTOCOL_VERSION, SAFE_PAYLOAD_BYTES, SOCKET_BUFFER_BYTES} from '../protocol/limits.js';
import {packFrames} from '../protocol/pack.js';
import {ReliableReceiver} from '../protocol/reliable-receiver.js';
import {ReliableSender} from '../protocol/reliable-sender.js';
import {formatHostPort} from './address.js';
import {FlushScheduler} from './flush-scheduler.js';
import {MessagePacer} from './message-pacer.js';

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

/** While joined: talking to the hub, or not hearing it and trying to get back. */
export type LinkState = 'connected' | 'reconnecting';

/** Silence after which the link says it is reconnecting (two heartbeats missed, and a second). */
const SILENT_MS = 2 * HEARTBEAT_MS + 1000;
/** Longest wait between rejoin attempts. */
const REJOIN_BACKOFF_MAX_MS = 8000;

/** Random bytes for message ids, drawn 512 ids at a time (one randomBytes call per id was 4% of a busy member's time). */
let idPool = Buffer.alloc(0);
let idOffset = 0;

/** A message id: 8 random bytes (ids are seen by every member, so they must not be guessable). */
function messageId(): string {
	if (idOffset + 8 > idPool.length) {
		idPool = randomBytes(8 * 512);
		idOffset = 0;
	}

	idOffset += 8;
	return idPool.toString('base64url', idOffset - 8, idOffset);
}

export type JoinOutcome =
	| {readonly ok: true; readonly welcome: Welcome}
	| {readonly ok: false; readonly code: string; readonly reason: string};

/**
 * A member's link to the hub: joins, then carries requests reliably to the hub and hands the
 * hub's items over in order. One connected UDP socket, so only the hub's datagrams reach it.
 */
export class MemberLink {
	private socket: dgram.Socket | undefined;
	private token = NO_TOKEN;
	private sender = new ReliableSender(0);
	private receiver = new ReliableReceiver(0);
	private readonly statusListeners = new Set<(state: LinkState, detail?: string) => void>();
	private state: LinkState = 'connected';
	/** The name we joined under, and the last room event delivered: what a rejoin needs. */
	private joinedAs: {name: string; secret?: string} | undefined;
	private lastSeq = 0;
	private rejoining = false;
	private closed = false;
	private readonly flusher = new FlushScheduler<MemberLink>(
		() => this.flush(),
		() => this.sender.nextDeadline(),
	);
	private readonly itemListeners = new Set<(item: HubItem) => void>();
	private readonly lostListeners = new Set<(reason: string) => void>();
	private readonly idleWaiters = new Set<() => void>();
	private heartbeat: NodeJS.Timeout | undefined;
	private lastSent = 0;
	private lastHeard = 0;
	private pongRtt: number | undefined;
	/** Settles the handshake under way: a join outcome, or the room's answer to a query. */
	private pendingJoin: ((answer: JoinOutcome | Extract<Frame, {t: 'room'}>) => void) | undefined;
	private pendingCid: string | undefined;
	/** With a secret: the room key's cipher, and once joined, this session's. */
	private cipher: RoomCipher | undefined;
	private session: SessionCipher | undefined;
	private lost = false;
	/** Paces messages below the hub's advertised rate limit, so none is dropped there. */
	private readonly pacer = new MessagePacer(
		json => this.sender.enqueue(json),
		() => this.token !== NO_TOKEN,
		() => this.flusher.mark(this),
	);
	private ackTimer: NodeJS.Timeout | undefined;
	/** ICMP "port unreachable" answers seen (a connected socket reports them as errors). */
	private refusedByOs = 0;
	readonly address: string;

	constructor(private readonly options: MemberLinkOptions) {
		this.address = formatHostPort(options.host, options.port);
	}

	private resolvedHost: string | undefined;
	private welcomedTransferPort: number | undefined;

	/** The session token, once joined (file transfers authenticate with it). */
	get sessionToken(): string | undefined {
		return this.token === NO_TOKEN ? undefined : this.token;
	}

	/** The hub's address as resolved, and the transfer port its welcome announced. */
	get transferEndpoint(): {host: string; port: number} | undefined {
		return this.resolvedHost && this.welcomedTransferPort ? {host: this.resolvedHost, port: this.welcomedTransferPort} : undefined;
	}

	/** Smoothed round-trip time to the hub, once measured. */
	get rttMs(): number | undefined {
		return this.sender.rtt.srtt ?? this.pongRtt;
	}

	/** Requests not yet acknowledged by the hub (or still waiting for their pace). */
	get unacknowledged(): number {
		return this.sender.backlog + this.pacer.length;
	}

	onItem(listener: (item: HubItem) => void): () => void {
		this.itemListeners.add(listener);
		return () => this.itemListeners.delete(listener);
	}

	/** Called when the link starts reconnecting and when it is back. */
	onStatus(listener: (state: LinkState, detail?: string) => void): () => void {
		this.statusListeners.add(listener);
		return () => this.statusListeners.delete(listener);
	}

	/** Called once when the session ends for good: removed by the host, or a rejoin refused. */
	onLost(listener: (reason: string) => void): () => void {
		this.lostListeners.add(listener);
		return () => this.lostListeners.delete(listener);
	}

	/** Says hello under `name` until the hub welcomes or refuses us, or stays silent too long. */
	async join(name: string, secret = this.options.secret): Promise<JoinOutcome> {
		if (!this.socket) {
			const opened = await this.open();
			if (opened) {
				return opened;
			}
		}

		if (secret !== undefined && !this.cipher) {
			const room = await this.ask<Extract<Frame, {t: 'room'}>>(cid => ({body: JSON.stringify([{t: 'query', cid}]), sealed: false}));
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

			this.cipher = new RoomCipher(await deriveRoomKey(secret, Buffer.from(room.salt, 'base64')));
		}

		const outcome = await this.hello(name);
		if (outcome.ok) {
			this.joinedAs = {name, secret};
		}

		return outcome;
	}

	private async hello(name: string, rejoin?: {since: number; prev: string}): Promise<JoinOutcome> {
		const hostKey = this.options.hostKey ? {hk: this.options.hostKey} : {};
		const outcome = await this.ask<JoinOutcome>(cid => ({
			body: JSON.stringify([{t: 'hello', cid, name, ...hostKey, ...(this.cipher ? {ts: Date.now()} : {}), ...(rejoin ?? {})}]),
			sealed: Boolean(this.cipher),
		}));
		return 'ok' in outcome ? outcome : {ok: false, code: 'other', reason: 'unexpected answer'};
	}

	/**
	 * The hub forgot us (it restarted, or timed us out during an outage): join again under the
	 * same name, from where we left off, carrying over what it never acknowledged. Tries until it
	 * works, with back-off; a refusal (name taken meanwhile, banned) ends the session.
	 */
	private async rejoin(why: string): Promise<void> {
		if (this.rejoining || this.lost || this.closed || !this.joinedAs) {
			return;
		}

		this.rejoining = true;
		this.setState('reconnecting', why);
		// The new session is a new stream: what the old one never had acknowledged goes back in
		// front of the paced queue now, so nothing of the old stream can go out under the new
		// token with old numbers, and it is sent again at the room's pace once we are back.
		this.pacer.requeue(this.sender.pendingPayloads());
		this.sender = new ReliableSender(0);
		const prev = this.token;
		let wait = 500;
		while (!this.closed && !this.lost) {
			this.token = NO_TOKEN;
			this.session = undefined;
			this.receiver = new ReliableReceiver(0);
			const outcome = await this.hello(this.joinedAs.name, {since: this.lastSeq, prev});
			if (outcome.ok) {
				this.lastHeard = Date.now();
				this.rejoining = false;
				this.setState('connected');
				this.pacer.schedule();
				this.flusher.mark(this);
				return;
			}

			if (outcome.code !== 'no-answer' && outcome.code !== 'rate-limited' && outcome.code !== 'other') {
				this.rejoining = false;
				this.markLost(`could not rejoin ${this.address}: ${outcome.reason}`);
				return;
			}

			this.setState('reconnecting', `${why}; trying again (${outcome.reason.split('.')[0]})`);
			await new Promise(resolve => {
				setTimeout(resolve, wait).unref();
			});
			wait = Math.min(wait * 2, REJOIN_BACKOFF_MAX_MS);
		}

		this.rejoining = false;
	}

	private setState(state: LinkState, detail?: string): void {
		if (state === this.state && state === 'connected') {
			return;
		}

		this.state = state;
		for (const listener of this.statusListeners) {
			listener(state, detail);
		}
	}

	/**
	 * Sends a handshake datagram (repeated: 200 ms, doubling to 1 s) until the hub answers it,
	 * refuses, or stays silent past the hello timeout. Answers arrive through `pendingJoin`.
	 */
	private async ask<T>(make: (cid: string) => {body: string; sealed: boolean}): Promise<T | Extract<JoinOutcome, {ok: false}>> {
		const cid = randomBytes(6).toString('hex');
		const {body, sealed} = make(cid);
		const timeout = this.options.helloTimeoutMs ?? 5000;
		const started = Date.now();
		this.refusedByOs = 0;
		this.pendingCid = cid;
		return new Promise(resolve => {
			let timer: NodeJS.Timeout | undefined;
			const finish = (answer: unknown) => {
				clearTimeout(timer);
				this.pendingJoin = undefined;
				resolve(answer as T);
			};

			this.pendingJoin = finish;
			let interval = 200;
			const attempt = () => {
				if (Date.now() - started >= timeout) {
					finish({
						ok: false,
						code: 'no-answer',
						reason: `no answer from ${this.address} within ${Math.round(timeout / 1000)} s. Is a host running there (socket-chat-tui --host), is the address right, and does a firewall let UDP port ${this.options.port} through?`,
					});
				} else if (this.refusedByOs >= 2) {
					finish({
						ok: false,
						code: 'no-answer',
						reason: `nothing is listening at ${this.address} (connection refused). Check the address and port, and that the host is running.`,
					});
				} else {
					// Once accepted, the welcome comes on the new session's stream (resent by the hub
					// until acknowledged): a hello sent again now would carry the new token, which the
					// hub takes for a session datagram.
					if (this.token === NO_TOKEN) {
						this.raw(body, sealed ? 'handshake' : 'clear');
					}

					timer = setTimeout(attempt, interval);
					interval = Math.min(interval * 2, 1000);
				}
			};

			attempt();
		});
	}

	/** Queues a request; it is resent until the hub acknowledges it. */
	send(request: MemberRequest): void {
		const limited = request.k === 'say' || request.k === 'me' || request.k === 'dm';
		// An id lets the hub stamp a message once even if a rejoin makes us send it again.
		const json = JSON.stringify(limited && request.id === undefined ? {...request, id: messageId()} : request);
		if (limited) {
			this.pacer.send(json);
			return;
		}

		this.sender.enqueue(json);
		this.flusher.mark(this);
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
		if (this.token !== NO_TOKEN && !this.lost) {
			this.send({k: 'leave'});
			await this.flushed(timeoutMs);
		}

		this.close();
	}

	close(): void {
		this.closed = true;
		clearInterval(this.heartbeat);
		this.pacer.stop();
		clearTimeout(this.ackTimer);
		this.flusher.stop();
		this.pendingJoin?.({ok: false, code: 'other', reason: 'closed'});
		for (const waiter of this.idleWaiters) {
			waiter();
		}

		const socket = this.socket;
		this.socket = undefined;
		try {
			socket?.close();
		} catch {}
	}

	private async open(): Promise<JoinOutcome | undefined> {
		let address: string;
		try {
			address = (await lookup(this.options.host)).address;
		} catch {
			return {ok: false, code: 'no-answer', reason: `cannot resolve "${this.options.host}": check the host name or use its IP address`};
		}

		this.resolvedHost = address;
		const socket = dgram.createSocket({
			type: isIPv6(address) ? 'udp6' : 'udp4',
			recvBufferSize: SOCKET_BUFFER_BYTES,
			sendBufferSize: SOCKET_BUFFER_BYTES,
		});
		socket.on('message', datagram => this.receive(datagram));
		socket.on('error', error => {
			if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
				this.refusedByOs++;
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
		this.lastHeard = Date.now();
		this.heartbeat = setInterval(() => this.tick(), (this.options.heartbeatMs ?? HEARTBEAT_MS) / 4);
		this.heartbeat.unref();
		return undefined;
	}

	/** Sends a body: sealed with the session key once joined to a room with a secret. */
	private raw(body: string, mode: 'session' | 'handshake' | 'clear' = 'session'): void {
		this.lastSent = Date.now();
		const version = this.options.version ?? PROTOCOL_VERSION;
		const sealer = mode === 'session' ? this.session : mode === 'handshake' ? this.cipher : undefined;
		const datagram = sealer
			? encodeSealedEnvelope(version, this.token, body, (header, plaintext) =>
					sealer instanceof RoomCipher ? sealer.sealHandshake(header, plaintext) : sealer.seal(header, plaintext),
				)
			: encodeEnvelope(version, this.token, body);
		this.socket?.send(datagram);
	}

	/** For a room with a secret, the key's fingerprint people compare aloud. */
	get fingerprint(): string | undefined {
		return this.cipher?.fingerprint;
	}

	/** For a room with a secret, the key its file transfers use. */
	get transferKey(): Buffer | undefined {
		return this.cipher?.transferKey();
	}

	private tick(): void {
		const now = Date.now();
		if (this.token === NO_TOKEN || this.lost) {
			return;
		}

		const silent = now - this.lastHeard;
		if (!this.rejoining && silent > (this.options.timeoutMs ?? MEMBER_TIMEOUT_MS)) {
			// By now the hub has timed us out, or it is a new hub: join again.
			void this.rejoin(`no answer from ${this.address} for ${Math.round(silent / 1000)} s`);
			return;
		}

		if (!this.rejoining && this.state === 'connected' && silent > SILENT_MS) {
			this.setState('reconnecting', `no answer from ${this.address} for ${Math.round(silent / 1000)} s; reconnecting...`);
		}

		if (now - this.lastSent >= (this.options.heartbeatMs ?? HEARTBEAT_MS)) {
			this.raw(JSON.stringify([{t: 'ping', ts: now}]));
		}
	}

	private markLost(reason: string): void {
		if (this.lost) {
			return;
		}

		this.lost = true;
		for (const listener of this.lostListeners) {
			listener(reason);
		}
	}

	private receive(datagram: Buffer): void {
		const envelope = decodeEnvelope(datagram);
		if (!envelope.ok) {
			return;
		}

		const unsealed = this.unseal(datagram, envelope.body, (envelope.flags & FLAG_ENCRYPTED) !== 0, envelope.token);
		const decoded = unsealed ? decodeFrames(unsealed.body) : undefined;
		if (!decoded?.ok) {
			return;
		}

		if (unsealed?.forgotten) {
			// Under the room key with our session's token: only the hub saying it forgot us, lately.
			for (const frame of decoded.frames) {
				if (frame.t === 'gone' && frame.code === 'unknown' && frame.ts !== undefined && Math.abs(Date.now() - frame.ts) <= HELLO_MAX_AGE_MS) {
					this.frame(frame, envelope.token);
				}
			}

			return;
		}

		if (this.cipher && (envelope.flags & FLAG_ENCRYPTED) === 0) {
			// In a room with a secret only refusals and the room's answer travel in the clear.
			for (const frame of decoded.frames) {
				if (frame.t === 'refuse' || frame.t === 'room') {
					this.frame(frame, envelope.token);
				}
			}

			return;
		}

		if (envelope.version !== (this.options.version ?? PROTOCOL_VERSION)) {
			const refusal = decoded.frames.find(frame => frame.t === 'refuse');
			if (refusal?.t === 'refuse') {
				this.pendingJoin?.({ok: false, code: refusal.code, reason: refusal.reason});
			}

			return;
		}

		for (const frame of decoded.frames) {
			this.frame(frame, envelope.token);
		}

		this.ackSoon();
	}

	/**
	 * Acks wait up to MAX_ACK_DELAY_MS so one covers a burst (fewer datagrams both ways), unless
	 * something else is going out anyway or a gap needs the sender to know now.
	 */
	private ackSoon(): void {
		if (this.receiver.hasGap || this.sender.backlog > this.sender.inFlight) {
			clearTimeout(this.ackTimer);
			this.ackTimer = undefined;
			this.flusher.mark(this);
		} else if (this.receiver.ackDue) {
			this.ackTimer ??= setTimeout(() => {
				this.ackTimer = undefined;
				this.flusher.mark(this);
			}, MAX_ACK_DELAY_MS);
		}
	}

	/**
	 * The body to decode: as it came, or opened with the session or room key. `forgotten`: it
	 * carries our session's token but opened only with the room key, as a hub that no longer has
	 * the session's keys (it restarted) tells us so.
	 */
	private unseal(datagram: Buffer, body: Buffer, encrypted: boolean, token: string): {body: Buffer; forgotten?: true} | undefined {
		if (!encrypted) {
			return {body};
		}

		const header = datagram.subarray(0, HEADER_BYTES);
		if (this.session && token === this.token) {
			const opened = this.session.open(header, body);
			if (opened) {
				return {body: opened};
			}

			const forgotten = this.cipher?.openHandshake(header, body);
			return forgotten ? {body: forgotten, forgotten: true} : undefined;
		}

		const opened = this.token === NO_TOKEN ? this.cipher?.openHandshake(header, body) : undefined;
		return opened ? {body: opened} : undefined;
	}

	private frame(frame: Frame, token: string): void {
		if (frame.t === 'refuse') {
			if (frame.cid === undefined || frame.cid === this.pendingCid) {
				this.pendingJoin?.({ok: false, code: frame.code, reason: frame.reason});
			}

			return;
		}

		if (frame.t === 'room') {
			if (frame.cid === this.pendingCid) {
				this.pendingJoin?.(frame);
			}

			return;
		}

		if (frame.t === 'accept') {
			if (this.token === NO_TOKEN && this.pendingJoin && frame.cid === this.pendingCid) {
				this.token = token;
				this.session = this.cipher?.session(token, 'member-to-hub');
			}

			return;
		}

		if (token !== this.token || this.token === NO_TOKEN) {
			return;
		}

		this.lastHeard = Date.now();
		if (this.state === 'reconnecting' && !this.rejoining) {
			this.setState('connected');
		}

		switch (frame.t) {
			case 'd': {
				if (this.receiver.accept(frame) === 'new') {
					for (const delivered of this.receiver.drain()) {
						const item = delivered.ok ? decodeHubItem(delivered.value) : delivered;
						if (item.ok) {
							this.deliver(item.value);
						}
					}
				}

				break;
			}

			case 'ack': {
				if (frame.g === this.sender.epoch) {
					this.sender.onAck(frame.c, frame.s, Date.now());
					if (this.unacknowledged === 0) {
						for (const waiter of [...this.idleWaiters]) {
							waiter();
						}
					}
				}

				break;
			}

			case 'pong': {
				this.pongRtt = Math.max(0, Date.now() - frame.ts);
				break;
			}

			case 'gone': {
				if (frame.code === 'removed') {
					this.markLost(`the hub at ${this.address} ended this session: ${frame.reason}`);
				} else {
					void this.rejoin(`the hub at ${this.address} no longer knows this session`);
				}

				break;
			}

			default:
		}
	}

	/** Items go to listeners in stream order, the welcome included; it also settles a pending join. */
	private deliver(item: HubItem): void {
		if ('seq' in item) {
			this.lastSeq = Math.max(this.lastSeq, item.seq);
		} else if (item.k === 'welcome') {
			for (const event of item.history) {
				this.lastSeq = Math.max(this.lastSeq, event.seq);
			}
		}

		if (item.k === 'welcome') {
			this.welcomedTransferPort = item.transferPort;
			this.pacer.setRate(item.rate);

			if (this.pendingJoin) {
				this.pendingJoin({ok: true, welcome: item});
			}
		}

		for (const listener of this.itemListeners) {
			listener(item);
		}
	}

	private flush(): void {
		if (this.token === NO_TOKEN) {
			// Not joined (or between sessions): stream data and acks wait for a token.
			return;
		}

		const frames: string[] = [];
		if (this.receiver.ackDue) {
			frames.push(this.receiver.takeAck());
		}

		frames.push(...this.sender.poll(Date.now()));
		for (const body of packFrames(frames, SAFE_PAYLOAD_BYTES - HEADER_BYTES - (this.session ? SEAL_OVERHEAD : 0))) {
			this.raw(body);
		}
	}
}
