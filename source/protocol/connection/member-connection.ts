import {SEAL_OVERHEAD} from '../crypto.js';
import {decodeEnvelope, FLAG_ENCRYPTED, HEADER_BYTES, NO_TOKEN} from '../envelope.js';
import {decodeFrames, type Frame, type HelloFields} from '../frames.js';
import {decodeHubItem, type HubItem, type MemberRequest, type StreamItem} from '../items.js';
import {readCastHead} from '../cast/cast-wire.js';
import {castGroup, MemberCast, type StreamEvent} from '../cast/member-cast.js';
import {HEARTBEAT_MS, HELLO_MAX_AGE_MS, MEMBER_TIMEOUT_MS, PING_PAD_BYTES, PROTOCOL_VERSION, SAFE_PAYLOAD_BYTES} from '../limits.js';
import {packFrames} from '../pack.js';
import {type Ask, askFailed, judgeRoom, newAsk, paddedBody, takeRetry} from './member-join.js';
import {MemberKeys, type SealMode} from './member-keys.js';
import {MemberStream} from './member-stream.js';
import {fromBase64} from '../secure/base64.js';
import {verifyAccept, verifyGone} from '../secure/handshake.js';
import {refusalCode, type JoinOutcome} from './outcomes.js';

/** While joined: talking to the hub, or not hearing it and trying to get back. */
export type LinkState = 'connected' | 'reconnecting';

/** Silence after which the link says it is reconnecting (two heartbeats missed, and a second). */
export const SILENT_MS = 2 * HEARTBEAT_MS + 1000;
/** Longest wait between rejoin attempts. */
export const REJOIN_BACKOFF_MAX_MS = 8000;
/** How long after its first refusal for its name a rejoin is tried again: the hub's member timeout, and a margin. */
const REJOIN_NAME_GRACE_MS = MEMBER_TIMEOUT_MS + 5000;
/** The first wait between rejoin attempts (it doubles). */
const REJOIN_BACKOFF_MS = 500;
/** A first join refused as too many attempts tries again after this long (`answer`). */
const LIMITED_RETRY_MS = 1000;
/** Silence after which what the member sends is padded (`raw`). */
const PAD_AFTER_SILENCE_MS = 1000;

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
	/** The room secret, for a private room (CPace's password). */
	readonly secret?: string;
	/** The hub key this member pinned for the room: a hub showing another is refused. */
	readonly pinnedKey?: Uint8Array;
};

/** What the connection tells its driver, in order. */
export type MemberEvent =
	| {readonly type: 'item'; readonly item: HubItem}
	/** The answer to the join under way (`join`). */
	| {readonly type: 'answer'; readonly answer: JoinOutcome}
	| {readonly type: 'state'; readonly state: LinkState; readonly detail?: string}
	/** The session ended for good: removed by the host, or a rejoin refused. */
	| {readonly type: 'lost'; readonly reason: string}
	/** Everything sent has been acknowledged. */
	| {readonly type: 'idle'}
	/** The room has a multicast group: the shell opens a socket on it and says how that went (`groupOpened`). */
	| {readonly type: 'group'; readonly group: string; readonly port: number};

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
	/** When a rejoin was first refused for its name (undefined: not yet, in this rejoin). */
	private nameTakenSince: number | undefined;
	/** The hub's last address cookie (its `retry`): a later query shows it and skips a round trip. */
	private cookie: string | undefined;
	/** The resume secret of the session's welcome: a rejoin shows it (see HubMember.resume). */
	private resume: string | undefined;
	private refusedByOs = 0;
	/** The latest time an input brought. */
	private now: number;
	private readonly outbox: Uint8Array[] = [];
	private readonly events: MemberEvent[] = [];
	/** The room stream: the room's events by the group (or repaired by unicast), once the hub says so. */
	readonly cast = new MemberCast();
	/** Our stream's items that wait for the room stream's events before them (a switch back to unicast). */
	private held: StreamItem[] = [];
	/**
	 * Items that were held so when a new session or a fresh welcome started the room stream afresh:
	 * never shown from here, they come again in that welcome's history (where a rejoin catches up
	 * from counts only what reached the session). For tests and diagnostics.
	 */
	heldDropped = 0;
	/** The group the shell was asked to open, as "group:port". */
	private groupAsked: string | undefined;
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
		this.secret = config.secret;
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

	/** Items of this session's stream to the hub sent again (a timeout, or a loss seen). */
	get resends(): number {
		return this.stream.resends;
	}

	/** Requests not yet acknowledged (or still waiting for their pace). */
	get unacknowledged(): number {
		return this.stream.unacknowledged;
	}

	/** Once the hub's key is known (open room or private), its fingerprint, to compare aloud. */
	get fingerprint(): string | undefined {
		return this.keys.fingerprint;
	}

	/**
	 * Once the hub accepted our query's answer: whether the room is private, that is whether this
	 * session's keys came from the room's secret (the join refuses a secret an open room does not
	 * have, and an open room's join for a private one). Undefined before.
	 */
	get private(): boolean | undefined {
		return this.joinedPrivate;
	}

	private joinedPrivate: boolean | undefined;

	/** This session's key for its file transfers (TLS 1.3 with it as the pre-shared key), open room or private. */
	get transferKey(): Buffer | undefined {
		return this.keys.transferKey;
	}

	/** A key the hub showed that was not the one expected (see `hub-key-changed`). */
	shownKey: Uint8Array | undefined;

	/** The key this connection was told to insist on. */
	get pinnedKey(): Uint8Array | undefined {
		return this.keys.hubKey ?? this.config.pinnedKey;
	}

	/** The room secret this connection joins with (a person may give it after a refusal: `join`). */
	private secret: string | undefined;

	/** The hub said its key is new each run (it has no data folder): nothing to pin. */
	hubKeyEphemeral = false;

	/** The hub's long-term key, once a join was accepted (the shell pins it). */
	get hubKey(): Uint8Array | undefined {
		return this.keys.hubKey;
	}

	/**
	 * Joins under `name`: a query, then (at the hub's answer) a hello, each repeated (200 ms,
	 * doubling to 1 s) until the hub answers or refuses, or the hello timeout passes. The answer
	 * comes as an `answer` event. A join that is accepted makes the name the one a rejoin uses.
	 */
	join(name: string, now: number, secret = this.secret): void {
		this.clock(now);
		this.secret = secret;
		this.startAsk(now, {name}, false, name);
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

	/**
	 * I am typing, or stopped: a `ty` frame of its own in the session, at once, not an item of the
	 * stream (never stored; a lost one is not sent again, and it is never a request the hub owes
	 * an ack for). Nothing before the session is confirmed.
	 */
	typing(active: boolean, now: number): void {
		this.clock(now);
		if (this.token !== NO_TOKEN && !this.ask_ && !this.lost) {
			this.raw(JSON.stringify([{t: 'ty', a: active}]), 'session', now);
		}
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
		for (const at of [this.ask_?.nextAt, this.rejoinAt, this.stream.nextDeadline(this.now, this.token !== NO_TOKEN), this.token === NO_TOKEN ? undefined : this.cast.nextDeadline()]) {
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
			this.startAsk(now, {name: this.joinedAs!, since: this.stream.lastSeq, prev: this.rejoinPrev, ...this.resumeField()}, true);
		}

		if (now >= this.nextTick) {
			this.nextTick = now + this.heartbeatMs / 4;
			this.tick(now);
		}

		this.stream.handleTimeout(now, this.token !== NO_TOKEN);
		const castAck = this.cast.nextDeadline();
		if (castAck !== undefined && now >= castAck) {
			this.stream.dirty = true;
		}
	}

	/** The shell's group socket is open (or could not be, or is `off` by the member's choice): the probe's answer says so. */
	groupOpened(ok: boolean, now: number, off = false): void {
		this.clock(now);
		this.cast.groupOpen = ok;
		this.cast.groupOff = off;
		this.cast.groupOpenedAt = now;
	}

	/** A datagram from the hub: by our own socket, or (`group`) by the room's multicast group. */
	handle(datagram: Uint8Array, now: number, via: 'unicast' | 'group' = 'unicast'): void {
		if (this.closed) {
			return;
		}

		this.clock(now);
		const bytes = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
		const castHead = readCastHead(bytes);
		if (castHead || via === 'group') {
			if (castHead && castHead.version === (this.config.version ?? PROTOCOL_VERSION) && this.token !== NO_TOKEN) {
				const heard = this.cast.heardAt;
				this.roomEvents(this.cast.accept(bytes, castHead, via, now), now);
				if (this.cast.heardAt !== heard) {
					this.heard(now);
				}

				if (this.cast.due) {
					this.stream.dirty = true;
				}
			}

			return;
		}

		const envelope = decodeEnvelope(bytes);
		if (!envelope.ok) {
			return;
		}

		const encrypted = (envelope.flags & FLAG_ENCRYPTED) !== 0;
		const unsealed = this.keys.unseal(bytes, envelope.body, encrypted, envelope.token, this.token);
		const decoded = unsealed ? decodeFrames(unsealed.body) : undefined;
		if (!decoded?.ok) {
			return;
		}

		if (envelope.version !== (this.config.version ?? PROTOCOL_VERSION)) {
			const refusal = decoded.frames.find(frame => frame.t === 'refuse');
			if (refusal?.t === 'refuse' && !encrypted) {
				this.answer({ok: false, code: refusalCode(refusal.code), reason: refusal.reason}, now, false);
			}

			return;
		}

		if (!encrypted) {
			// In the clear: only the handshake's answers, refusals before any key, and the hub's signed gone.
			for (const frame of decoded.frames) {
				this.clearFrame(frame, envelope.token, now);
			}

			return;
		}

		for (const frame of decoded.frames) {
			this.frame(frame, envelope.token, now, unsealed?.handshake === true);
		}

		this.stream.ackSoon(now);
	}

	private startAsk(now: number, fields: HelloFields, rejoin: boolean, name?: string): void {
		const hostKey = this.config.hostKey ? {hk: this.config.hostKey} : {};
		this.refusedByOs = 0;
		this.keys.endSession();
		this.ask_ = newAsk(this.deps.random, now, {...fields, ...hostKey, ea: true}, rejoin, name, this.cookie);
		this.attempt(now);
	}

	/** The hub's answer to our query: a refusal of our own, or the keys and the hello (`judgeRoom`). */
	private roomAnswer(frame: Extract<Frame, {t: 'room'}>, now: number): void {
		const context = {secret: this.secret, expected: this.keys.hubKey ?? this.config.pinnedKey, address: this.config.address, random: this.deps.random};
		const judged = judgeRoom(this.ask_, frame, context, now);
		if (judged && 'refuse' in judged) {
			this.shownKey = judged.shown ?? this.shownKey;
			this.answer(judged.refuse, now, judged.trusted);
		} else if (judged) {
			this.keys.agreed(judged.keys);
			this.joinedPrivate = this.secret !== undefined;
			this.hubKeyEphemeral = judged.ephemeral;
			this.attempt(now);
		}
	}

	private attempt(now: number): void {
		const ask = this.ask_;
		if (!ask) {
			return;
		}

		const failed = askFailed(ask, now, this.config.helloTimeoutMs ?? 5000, this.refusedByOs, this.config.address, this.config.port);
		if (failed) {
			// A join the hub kept refusing as too many attempts ends with that reason, not with "no answer".
			this.answer(!failed.ok && failed.code === 'no-answer' && ask.limited ? ask.limited : failed, now, false);
			return;
		}

		// Once accepted, the session is confirmed by our first datagram in it (a ping), resent on
		// the same schedule until the welcome comes: the hub admits us only then. A hello sent
		// again now would carry the new token, which the hub takes for a session datagram.
		if (this.token === NO_TOKEN) {
			this.raw(paddedBody(ask.body), 'clear', now);
		} else {
			this.ping(now);
		}

		ask.nextAt = now + ask.interval;
		ask.interval = Math.min(ask.interval * 2, 1000);
	}

	/**
	 * Settles the join under way. A rejoin's answer is the connection's own business: a refusal
	 * that came in the clear (`trusted` false: anyone on the path can send one) only makes it try
	 * again; one under the join's keys can end the session.
	 */
	private answer(answer: JoinOutcome, now: number, trusted: boolean): void {
		const ask = this.ask_;
		if (!ask) {
			return;
		}

		// A first join refused in the clear as one attempt too many (the hub's limits, for this
		// address, its network or everyone at once under a flood) tries again a second later, with
		// a new attempt, until its own timeout: the limits refill, and a person need not retry by hand.
		const timeLeft = now - ask.started + LIMITED_RETRY_MS < (this.config.helloTimeoutMs ?? 5000);
		if (!ask.rejoin && !trusted && !answer.ok && answer.code === 'rate-limited' && timeLeft && ask.limited !== answer) {
			const again = newAsk(this.deps.random, now, ask.fields, false, ask.name, this.cookie);
			again.started = ask.started;
			again.nextAt = now + LIMITED_RETRY_MS;
			again.limited = answer;
			this.ask_ = again;
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
		if (answer.code === 'name-taken') {
			this.nameTakenSince ??= now;
		}

		const ghost = answer.code === 'name-taken' && now - this.nameTakenSince! <= REJOIN_NAME_GRACE_MS;
		if (trusted && answer.code !== 'no-answer' && answer.code !== 'rate-limited' && answer.code !== 'other' && !ghost) {
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
		this.endRoomStream();
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
		this.nameTakenSince = undefined;
		this.rejoinWhy = why;
		this.setState('reconnecting', why);
		// The new session is a new stream: what the old one never delivered is sent again on it,
		// at the room's pace, once we are back.
		this.stream.restart();
		this.endRoomStream();
		this.rejoinPrev = this.token;
		this.token = NO_TOKEN;
		this.keys.endSession();
		this.startAsk(now, {name: this.joinedAs, since: this.stream.lastSeq, prev: this.rejoinPrev, ...this.resumeField()}, true);
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

			this.nameTakenSince = this.nameTakenSince === undefined ? undefined : Math.min(this.nameTakenSince, now);
		}

		this.now = now;
	}

	/** A new session starts the room stream afresh, from its welcome. */
	private endRoomStream(): void {
		this.cast.reset();
		this.heldDropped += this.held.length;
		this.held = [];
	}

	private resumeField(): {resume?: string} {
		return this.resume === undefined ? {} : {resume: this.resume};
	}

	private setState(state: LinkState, detail?: string): void {
		if (state === this.state && state === 'connected') {
			return;
		}

		this.state = state;
		this.events.push({type: 'state', state, ...(detail === undefined ? {} : {detail})});
	}

	private tick(now: number): void {
		// Before the first welcome, the join's own timeout is the one that counts.
		if (this.token === NO_TOKEN || this.lost || this.joinedAs === undefined) {
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
			this.ping(now);
		}
	}

	/**
	 * A ping in the session, padded (PING_PAD_BYTES) so that a hub that forgot the session may
	 * answer it with its signed `gone`: it never answers a stranger with more than it got.
	 */
	private ping(now: number): void {
		this.raw(JSON.stringify([{t: 'ping', ts: now}]).padEnd(PING_PAD_BYTES, ' '), 'session', now);
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
	/** A frame that came in the clear. */
	private clearFrame(frame: Frame, token: string, now: number): void {
		const ask = this.ask_;
		if (frame.t === 'room') {
			this.roomAnswer(frame, now);
		} else if (frame.t === 'retry') {
			if (takeRetry(ask, frame, now)) {
				this.cookie = frame.c;
				this.attempt(now);
			}
		} else if (frame.t === 'refuse' && ask && frame.cid === ask.cid) {
			// Before the keys (a wrong secret, too many attempts): believed on a first join, where a
			// person reads it; a rejoin only tries again.
			this.answer({ok: false, code: refusalCode(frame.code), reason: frame.reason}, now, false);
		} else if (frame.t === 'gone' && token === this.token && token !== NO_TOKEN && frame.ts !== undefined && frame.sig !== undefined) {
			// The hub no longer has our session's keys (it restarted): its long-term key vouches instead.
			const signature = fromBase64(frame.sig);
			const hubKey = this.keys.hubKey;
			if (hubKey && signature && Math.abs(now - frame.ts) <= HELLO_MAX_AGE_MS && verifyGone(hubKey, signature, token, frame.ts)) {
				this.lastHeard = now;
				this.rejoin(`the hub at ${this.config.address} no longer knows this session`, now);
			}
		}
	}

	/** A frame that came sealed: under the join's keys (`handshake`), or the session's. */
	private frame(frame: Frame, token: string, now: number, handshake: boolean): void {
		const ask = this.ask_;
		if (handshake) {
			if (frame.t === 'refuse' && ask && frame.cid === ask.cid) {
				this.answer({ok: false, code: refusalCode(frame.code), reason: frame.reason}, now, true);
			} else if (frame.t === 'accept' && ask?.hubKey && frame.cid === ask.cid && token !== NO_TOKEN) {
				const signature = fromBase64(frame.sig);
				const transcript = this.keys.handshakeTranscript;
				if (signature && transcript && verifyAccept(ask.hubKey, signature, transcript, token) && this.token === NO_TOKEN) {
					this.token = token;
					this.keys.beginSession(ask.hubKey);
					// Confirmed at once (`attempt` sends the ping), and again on the join's schedule.
					ask.interval = 200;
					this.attempt(now);
				}
			}

			return;
		}

		if (token !== this.token || this.token === NO_TOKEN) {
			return;
		}

		this.heard(now);

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

			case 'ping': {
				// The hub's path probe (docs/protocol.md, "Datagram size"): answered at once, small.
				this.raw(JSON.stringify([{t: 'pong', ts: frame.ts}]), 'session', now);
				break;
			}

			case 'pong': {
				// Not while joining: the confirming ping's pong waits for the join to be on the hub's disk.
				if (!this.ask_) {
					this.pongRtt = Math.max(0, now - frame.ts);
				}

				break;
			}

			case 'gone': {
				if (frame.code === 'removed' && ask) {
					// Accepted, then not admitted (its name was taken, or the room filled, before we confirmed).
					this.answer({ok: false, code: 'other', reason: frame.reason}, now, true);
				} else if (frame.code === 'removed') {
					this.markLost(`the hub at ${this.config.address} ended this session: ${frame.reason}`);
				} else {
					this.rejoin(`the hub at ${this.config.address} no longer knows this session`, now);
				}

				break;
			}

			default:
		}
	}

	/** Something of the hub's, authenticated, came in our session or by the room stream. */
	private heard(now: number): void {
		this.lastHeard = now;
		if (this.state === 'reconnecting' && !this.rejoining) {
			this.setState('connected');
		}
	}

	/**
	 * Our stream's items, in its order: they wait while the room stream still owes events from
	 * before a switch back to unicast. The room stream's markers and keys stay here.
	 */
	private deliver(item: StreamItem, now: number): void {
		if (this.cast.holdsStream) {
			this.held.push(item);
			return;
		}

		if (item.k === 'cast') {
			this.roomEvents(this.cast.marker(item.via, item.why, item.e, item.q, item.ad), now);
			return;
		}

		if (item.k === 'ack-delay') {
			this.cast.setAckDelay(item.ad);
			return;
		}

		if (item.k === 'key') {
			this.roomEvents(this.cast.addKey(item.e, item.key), now);
			return;
		}

		if (item.k === 'welcome') {
			this.resume = item.resume ?? this.resume;
			this.transferPort = item.transferPort;
			this.stream.setRate(item.rate, now);
			this.cast.welcome(item.cast, this.keys.hubKey);
			this.heldDropped += this.held.length;
			this.held = [];
			const group = item.cast && `${castGroup(item.cast)}:${item.cast.p}`;
			if (item.cast && group !== this.groupAsked) {
				this.groupAsked = group;
				this.cast.groupOpen = undefined;
				this.events.push({type: 'group', group: castGroup(item.cast), port: item.cast.p});
			}

			this.answer({ok: true, welcome: item}, now, true);
		}

		for (const event of 'seq' in item ? [item] : item.k === 'welcome' ? item.history : []) this.stream.saw(event);
		this.events.push({type: 'item', item});
	}

	/** Room events the room stream completed, in order; then our stream's items that waited for them. */
	private roomEvents(events: readonly StreamEvent[], now: number): void {
		for (const event of events) {
			let value: unknown = event;
			if (Buffer.isBuffer(event)) {
				try {
					value = JSON.parse(event.toString('utf8'));
				} catch {
					continue;
				}
			}

			const decoded = decodeHubItem(value);
			if (decoded.ok && 'seq' in decoded.value) {
				this.stream.saw(decoded.value);
				this.events.push({type: 'item', item: decoded.value});
				// One of ours, stamped: the hub took our stream up to it (and may have sent no ack).
				if (decoded.value.k === 'msg' && decoded.value.mid !== undefined && this.stream.echoed(decoded.value.mid, now)) {
					this.events.push({type: 'idle'});
				}
			}
		}

		while (this.held.length > 0 && !this.cast.holdsStream) {
			this.deliver(this.held.shift()!, now);
		}
	}

	private flush(now: number): void {
		if (this.token === NO_TOKEN) {
			// Not joined (or between sessions): stream data and acks wait for a token.
			return;
		}

		for (const body of packFrames([...this.stream.frames(now), ...this.cast.frames(now)], SAFE_PAYLOAD_BYTES - HEADER_BYTES - (this.keys.sealed ? SEAL_OVERHEAD : 0))) {
			this.raw(body, 'session', now);
		}
	}

	/**
	 * Queues a body as a datagram, sealed in the session once joined. After a second without a
	 * word from the hub, session datagrams are padded like a ping: a hub that restarted and forgot
	 * us then has room to say so (its signed `gone`) in its answer to our resends.
	 */
	private raw(body: string, mode: SealMode, now: number): void {
		if (mode === 'session' && now - this.lastHeard > PAD_AFTER_SILENCE_MS) {
			body = body.padEnd(PING_PAD_BYTES, ' ');
		}

		this.lastSent = now;
		this.outbox.push(this.keys.seal(this.config.version ?? PROTOCOL_VERSION, this.token, body, mode));
	}
}
