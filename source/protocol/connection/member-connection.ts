import {type RoomCipher, SEAL_OVERHEAD} from '../crypto.js';
import {decodeEnvelope, FLAG_ENCRYPTED, HEADER_BYTES, NO_TOKEN} from '../envelope.js';
import {decodeFrames, type Frame} from '../frames.js';
import type {HubItem, MemberRequest} from '../items.js';
import {HEARTBEAT_MS, HELLO_MAX_AGE_MS, MEMBER_TIMEOUT_MS, PROTOCOL_VERSION, SAFE_PAYLOAD_BYTES} from '../limits.js';
import {packFrames} from '../pack.js';
import {MemberKeys, type SealMode} from './member-keys.js';
import {MemberStream} from './member-stream.js';
import {refusalCode, type JoinOutcome, type RoomAnswer} from './outcomes.js';

/** While joined: talking to the hub, or not hearing it and trying to get back. */
export type LinkState = 'connected' | 'reconnecting';

/** Silence after which the link says it is reconnecting (two heartbeats missed, and a second). */
export const SILENT_MS = 2 * HEARTBEAT_MS + 1000;
/** Longest wait between rejoin attempts. */
export const REJOIN_BACKOFF_MAX_MS = 8000;
/** How long after losing the hub a rejoin refused for its name is tried again: the hub's member timeout, and a margin. */
const REJOIN_NAME_GRACE_MS = MEMBER_TIMEOUT_MS + 5000;
/** The first wait between rejoin attempts (it doubles). */
const REJOIN_BACKOFF_MS = 500;

/** What the connection cannot make itself: random bytes (ids, correlation ids). */
export type MemberDeps = {
	readonly random: (bytes: number) => Uint8Array;
};

export type MemberConnectionConfig = {
	/** host:port of the hub, for messages to people. */
	readonly address: string;
	readonly port: number;
	/** The hub's host key, for the host's own member. */
	readonly hostKey?: string;
	/** How long to wait for the hub to answer a hello (default 5 s). */
	readonly helloTimeoutMs?: number;
	/** Silence after which the hub counts as lost and the member rejoins (default 10 s). */
	readonly timeoutMs?: number;
	/** Idle time after which a heartbeat is sent (default 2 s). */
	readonly heartbeatMs?: number;
	/** Protocol version to speak (tests use another to check the refusal). */
	readonly version?: number;
};

/** What the connection tells its driver, in order. */
export type MemberEvent =
	| {readonly type: 'item'; readonly item: HubItem}
	/** The answer to the handshake under way (`ask`). */
	| {readonly type: 'answer'; readonly answer: JoinOutcome | RoomAnswer}
	| {readonly type: 'state'; readonly state: LinkState; readonly detail?: string}
	/** The session ended for good: removed by the host, or a rejoin refused. */
	| {readonly type: 'lost'; readonly reason: string}
	/** Everything sent has been acknowledged. */
	| {readonly type: 'idle'};

/** The handshake under way; `name`: a first hello's, which a welcome makes the name rejoins use. */
type Ask = {readonly cid: string; readonly body: string; readonly sealed: boolean; started: number; interval: number; nextAt: number; readonly rejoin: boolean; readonly name?: string};

/**
 * A member's connection to the hub, with no I/O: datagrams in (`handle`), timers (`handleTimeout`
 * at `pollTimeout()`), commands (`ask`, `send`, `leave`); datagrams out (`pollTransmit`) and events
 * (`pollEvent`). The clock is passed in, randomness comes from `deps`. Joining is a handshake the
 * driver asks for (`ask('query')`, then `ask('hello', name)`); once joined it carries requests
 * reliably to the hub at the room's pace, hands over the hub's items in order, sends heartbeats,
 * and rejoins by itself when the hub forgot it.
 */
export class MemberConnection {
	private token = NO_TOKEN;
	private readonly stream: MemberStream;
	private readonly keys = new MemberKeys();
	private state: LinkState = 'connected';
	private joinedAs: string | undefined;
	private lastSent = 0;
	private lastHeard = 0;
	private nextTick: number;
	private pongRtt: number | undefined;
	private ask_: Ask | undefined;
	private lost = false;
	private closed = false;
	private rejoining = false;
	private rejoinAt: number | undefined;
	private rejoinWait = REJOIN_BACKOFF_MS;
	private rejoinWhy = '';
	private rejoinPrev = NO_TOKEN;
	private rejoinStarted = 0;
	private refusedByOs = 0;
	/** The latest time an input brought. */
	private now: number;
	private readonly outbox: Uint8Array[] = [];
	private readonly events: MemberEvent[] = [];
	/** The transfer port the welcome announced. */
	transferPort: number | undefined;

	constructor(
		private readonly config: MemberConnectionConfig,
		private readonly deps: MemberDeps,
		now: number,
	) {
		this.now = now;
		this.lastHeard = now;
		this.nextTick = now + this.heartbeatMs / 4;
		this.stream = new MemberStream(deps.random);
	}

	private get heartbeatMs(): number {
		return this.config.heartbeatMs ?? HEARTBEAT_MS;
	}

	/** The session token, once joined. */
	get sessionToken(): string | undefined {
		return this.token === NO_TOKEN ? undefined : this.token;
	}

	get rttMs(): number | undefined {
		return this.stream.srtt ?? this.pongRtt;
	}

	/** Requests not yet acknowledged (or still waiting for their pace). */
	get unacknowledged(): number {
		return this.stream.unacknowledged;
	}

	get fingerprint(): string | undefined {
		return this.keys.fingerprint;
	}

	get transferKey(): Buffer | undefined {
		return this.keys.transferKey;
	}

	/** With a secret: the room key's cipher (the driver derives the key). */
	setCipher(cipher: RoomCipher): void {
		this.keys.setCipher(cipher);
	}

	get hasCipher(): boolean {
		return this.keys.hasCipher;
	}

	/**
	 * Starts a handshake: a query for the room's salt, or a hello under `name`; repeated (200 ms,
	 * doubling to 1 s) until the hub answers or refuses, or the hello timeout passes. The answer
	 * comes as an `answer` event. A hello that is accepted makes the name the one a rejoin uses.
	 */
	ask(kind: 'query' | 'hello', now: number, name?: string): void {
		this.clock(now);
		this.startAsk(kind, now, name, undefined);
	}

	/** The socket reported "port unreachable" (ICMP): after two, nothing is listening. */
	portUnreachable(): void {
		this.refusedByOs++;
	}

	/** Queues a request; it is resent until the hub acknowledges it. */
	send(request: MemberRequest, now: number): void {
		this.clock(now);
		this.stream.queue(request, now, this.token !== NO_TOKEN);
	}

	/** Whether an explicit leave is worth sending (joined, not lost). */
	get canLeave(): boolean {
		return this.token !== NO_TOKEN && !this.lost;
	}

	close(): void {
		this.closed = true;
		if (this.ask_) {
			this.ask_ = undefined;
			this.events.push({type: 'answer', answer: {ok: false, code: 'other', reason: 'closed'}});
		}
	}

	pollEvent(): MemberEvent | undefined {
		return this.events.shift();
	}

	/** The next datagram to send, if any. */
	pollTransmit(now: number): Uint8Array | undefined {
		if (this.outbox.length === 0 && this.stream.dirty) {
			this.stream.dirty = false;
			this.flush(now);
		}

		return this.outbox.shift();
	}

	/** The earliest time `handleTimeout` has something to do. */
	pollTimeout(): number | undefined {
		if (this.closed) {
			return undefined;
		}

		let next = this.nextTick;
		for (const at of [this.ask_?.nextAt, this.rejoinAt, this.stream.nextDeadline(this.now, this.token !== NO_TOKEN)]) {
			if (at !== undefined && at < next) {
				next = at;
			}
		}

		return next;
	}

	handleTimeout(now: number): void {
		if (this.closed) {
			return;
		}

		this.clock(now);
		if (this.ask_ && now >= this.ask_.nextAt) {
			this.attempt(now);
		}

		if (this.rejoinAt !== undefined && now >= this.rejoinAt) {
			this.rejoinAt = undefined;
			this.startAsk('hello', now, this.joinedAs, {since: this.stream.lastSeq, prev: this.rejoinPrev});
		}

		if (now >= this.nextTick) {
			this.nextTick = now + this.heartbeatMs / 4;
			this.tick(now);
		}

		this.stream.handleTimeout(now, this.token !== NO_TOKEN);
	}

	/** A datagram from the hub. */
	handle(datagram: Uint8Array, now: number): void {
		if (this.closed) {
			return;
		}

		this.clock(now);
		const bytes = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
		const envelope = decodeEnvelope(bytes);
		if (!envelope.ok) {
			return;
		}

		const unsealed = this.keys.unseal(bytes, envelope.body, (envelope.flags & FLAG_ENCRYPTED) !== 0, envelope.token, this.token);
		const decoded = unsealed ? decodeFrames(unsealed.body) : undefined;
		if (!decoded?.ok) {
			return;
		}

		if (unsealed?.forgotten) {
			// Under the room key with our session's token: only the hub saying it forgot us, lately.
			for (const frame of decoded.frames) {
				if (frame.t === 'gone' && frame.code === 'unknown' && frame.ts !== undefined && Math.abs(now - frame.ts) <= HELLO_MAX_AGE_MS) {
					this.frame(frame, envelope.token, now);
				}
			}

			return;
		}

		if (this.keys.hasCipher && (envelope.flags & FLAG_ENCRYPTED) === 0) {
			// In a room with a secret only refusals and the room's answer travel in the clear.
			for (const frame of decoded.frames) {
				if (frame.t === 'refuse' || frame.t === 'room') {
					this.frame(frame, envelope.token, now);
				}
			}

			return;
		}

		if (envelope.version !== (this.config.version ?? PROTOCOL_VERSION)) {
			const refusal = decoded.frames.find(frame => frame.t === 'refuse');
			if (refusal?.t === 'refuse') {
				this.answer({ok: false, code: refusalCode(refusal.code), reason: refusal.reason}, now);
			}

			return;
		}

		for (const frame of decoded.frames) {
			this.frame(frame, envelope.token, now);
		}

		this.stream.ackSoon(now);
	}

	private startAsk(kind: 'query' | 'hello', now: number, name: string | undefined, rejoin: {since: number; prev: string} | undefined): void {
		const cid = Buffer.from(this.deps.random(6)).toString('hex');
		const hostKey = this.config.hostKey ? {hk: this.config.hostKey} : {};
		const body =
			kind === 'query'
				? JSON.stringify([{t: 'query', cid}])
				: JSON.stringify([{t: 'hello', cid, name, ...hostKey, ...(this.keys.hasCipher ? {ts: now} : {}), ...(rejoin ?? {})}]);
		this.refusedByOs = 0;
		const first = kind === 'hello' && !rejoin ? {name} : {};
		this.ask_ = {cid, body, sealed: kind === 'hello' && this.keys.hasCipher, started: now, interval: 200, nextAt: now, rejoin: rejoin !== undefined, ...first};
		this.attempt(now);
	}

	private attempt(now: number): void {
		const ask = this.ask_;
		if (!ask) {
			return;
		}

		const timeout = this.config.helloTimeoutMs ?? 5000;
		if (now - ask.started >= timeout) {
			this.answer(
				{
					ok: false,
					code: 'no-answer',
					reason: `no answer from ${this.config.address} within ${Math.round(timeout / 1000)} s. Is a host running there (socket-chat-tui --host), is the address right, and does a firewall let UDP port ${this.config.port} through?`,
				},
				now,
			);
		} else if (this.refusedByOs >= 2) {
			this.answer(
				{ok: false, code: 'no-answer', reason: `nothing is listening at ${this.config.address} (connection refused). Check the address and port, and that the host is running.`},
				now,
			);
		} else {
			// Once accepted, the welcome comes on the new session's stream (resent by the hub until
			// acknowledged): a hello sent again now would carry the new token, which the hub takes
			// for a session datagram.
			if (this.token === NO_TOKEN) {
				this.raw(ask.body, ask.sealed ? 'handshake' : 'clear', now);
			}

			ask.nextAt = now + ask.interval;
			ask.interval = Math.min(ask.interval * 2, 1000);
		}
	}

	/** Settles the handshake under way. A rejoin's answer is the connection's own business. */
	private answer(answer: JoinOutcome | RoomAnswer, now: number): void {
		const ask = this.ask_;
		if (!ask) {
			return;
		}

		this.ask_ = undefined;
		if (!ask.rejoin) {
			if ('ok' in answer && answer.ok && ask.name !== undefined) {
				this.joinedAs = ask.name;
			}

			this.events.push({type: 'answer', answer});
			return;
		}

		if (!('ok' in answer)) {
			return;
		}

		if (answer.ok) {
			this.lastHeard = now;
			this.rejoining = false;
			this.rejoinWait = REJOIN_BACKOFF_MS;
			this.setState('connected');
			this.stream.release(now, true);
			this.stream.dirty = true;
			return;
		}

		// Our name may still be held by a session of ours the hub has not timed out yet (its
		// accept or welcome was lost): that clears within the hub's member timeout.
		const ghost = answer.code === 'name-taken' && now - this.rejoinStarted <= REJOIN_NAME_GRACE_MS;
		if (answer.code !== 'no-answer' && answer.code !== 'rate-limited' && answer.code !== 'other' && !ghost) {
			this.rejoining = false;
			this.markLost(`could not rejoin ${this.config.address}: ${answer.reason}`);
			return;
		}

		this.setState('reconnecting', `${this.rejoinWhy}; trying again (${answer.reason.split('.')[0]})`);
		if (this.token !== NO_TOKEN) {
			// The hub accepted this attempt and then went quiet: that session is the one to replace.
			this.rejoinPrev = this.token;
		}

		// What went out on an accepted attempt starts again on the next one's stream, from its first number.
		this.stream.restart();
		this.token = NO_TOKEN;
		this.keys.endSession();
		this.rejoinAt = now + this.rejoinWait;
		this.rejoinWait = Math.min(this.rejoinWait * 2, REJOIN_BACKOFF_MAX_MS);
	}

	/**
	 * The hub forgot us (it restarted, or timed us out during an outage): join again under the
	 * same name, from where we left off, carrying over what it never acknowledged. Tries until it
	 * works, with back-off; a refusal (name taken meanwhile, banned) ends the session.
	 */
	private rejoin(why: string, now: number): void {
		if (this.rejoining || this.lost || this.closed || this.joinedAs === undefined) {
			return;
		}

		this.rejoining = true;
		this.rejoinStarted = now;
		this.rejoinWhy = why;
		this.setState('reconnecting', why);
		// The new session is a new stream: what the old one never delivered is sent again on it,
		// at the room's pace, once we are back.
		this.stream.restart();
		this.rejoinPrev = this.token;
		this.token = NO_TOKEN;
		this.keys.endSession();
		this.startAsk('hello', now, this.joinedAs, {since: this.stream.lastSeq, prev: this.rejoinPrev});
	}

	/**
	 * Takes the time an input brought. When it went back (a clock jump), every timer set by the
	 * old clock is brought within its own span of now, so nothing waits for that time to come again.
	 */
	private clock(now: number): void {
		if (now < this.now) {
			this.stream.rebase(now);
			this.lastHeard = Math.min(this.lastHeard, now);
			this.lastSent = Math.min(this.lastSent, now);
			this.nextTick = Math.min(this.nextTick, now + this.heartbeatMs / 4);
			this.rejoinAt = this.rejoinAt === undefined ? undefined : Math.min(this.rejoinAt, now + this.rejoinWait);
			if (this.ask_) {
				this.ask_.nextAt = Math.min(this.ask_.nextAt, now);
				this.ask_.started = Math.min(this.ask_.started, now);
			}

			this.rejoinStarted = Math.min(this.rejoinStarted, now);
		}

		this.now = now;
	}

	private setState(state: LinkState, detail?: string): void {
		if (state === this.state && state === 'connected') {
			return;
		}

		this.state = state;
		this.events.push({type: 'state', state, ...(detail === undefined ? {} : {detail})});
	}

	private tick(now: number): void {
		if (this.token === NO_TOKEN || this.lost) {
			return;
		}

		const silent = now - this.lastHeard;
		if (!this.rejoining && silent > (this.config.timeoutMs ?? MEMBER_TIMEOUT_MS)) {
			// By now the hub has timed us out, or it is a new hub: join again.
			this.rejoin(`no answer from ${this.config.address} for ${Math.round(silent / 1000)} s`, now);
			return;
		}

		if (!this.rejoining && this.state === 'connected' && silent > SILENT_MS) {
			this.setState('reconnecting', `no answer from ${this.config.address} for ${Math.round(silent / 1000)} s; reconnecting...`);
		}

		if (now - this.lastSent >= this.heartbeatMs) {
			this.raw(JSON.stringify([{t: 'ping', ts: now}]), 'session', now);
		}
	}

	private markLost(reason: string): void {
		if (this.lost) {
			return;
		}

		this.lost = true;
		this.events.push({type: 'lost', reason});
	}

	/**
	 * Acks wait up to MAX_ACK_DELAY_MS so one covers a burst (fewer datagrams both ways), unless
	 * something else is going out anyway or a gap needs the sender to know now.
	 */
	private frame(frame: Frame, token: string, now: number): void {
		const ask = this.ask_;
		if (frame.t === 'refuse') {
			if (frame.cid === undefined || frame.cid === ask?.cid) {
				this.answer({ok: false, code: refusalCode(frame.code), reason: frame.reason}, now);
			}

			return;
		}

		if (frame.t === 'room') {
			if (ask && frame.cid === ask.cid) {
				this.answer(frame, now);
			}

			return;
		}

		if (frame.t === 'accept') {
			if (this.token === NO_TOKEN && ask && frame.cid === ask.cid) {
				this.token = token;
				this.keys.beginSession(token);
			}

			return;
		}

		if (token !== this.token || this.token === NO_TOKEN) {
			return;
		}

		this.lastHeard = now;
		if (this.state === 'reconnecting' && !this.rejoining) {
			this.setState('connected');
		}

		switch (frame.t) {
			case 'd': {
				for (const item of this.stream.receive(frame)) {
					this.deliver(item, now);
				}

				break;
			}

			case 'ack': {
				if (this.stream.acknowledged(frame, now)) {
					this.events.push({type: 'idle'});
				}

				break;
			}

			case 'pong': {
				this.pongRtt = Math.max(0, now - frame.ts);
				break;
			}

			case 'gone': {
				if (frame.code === 'removed') {
					this.markLost(`the hub at ${this.config.address} ended this session: ${frame.reason}`);
				} else {
					this.rejoin(`the hub at ${this.config.address} no longer knows this session`, now);
				}

				break;
			}

			default:
		}
	}

	/** Items go out in stream order, the welcome included; it also settles a pending join. */
	private deliver(item: HubItem, now: number): void {
		if (item.k === 'welcome') {
			this.transferPort = item.transferPort;
			this.stream.setRate(item.rate, now);
			this.answer({ok: true, welcome: item}, now);
		}

		this.events.push({type: 'item', item});
	}

	private flush(now: number): void {
		if (this.token === NO_TOKEN) {
			// Not joined (or between sessions): stream data and acks wait for a token.
			return;
		}

		for (const body of packFrames(this.stream.frames(now), SAFE_PAYLOAD_BYTES - HEADER_BYTES - (this.keys.sealed ? SEAL_OVERHEAD : 0))) {
			this.raw(body, 'session', now);
		}
	}

	/** Queues a body as a datagram: sealed with the session key once joined to a room with a secret. */
	private raw(body: string, mode: SealMode, now: number): void {
		this.lastSent = now;
		this.outbox.push(this.keys.seal(this.config.version ?? PROTOCOL_VERSION, this.token, body, mode));
	}
}
