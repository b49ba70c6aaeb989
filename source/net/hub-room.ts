import {randomBytes} from 'node:crypto';
import {HISTORY_EVENTS, MAX_BACKLOG_ITEMS, MAX_TEXT_BYTES, SEND_WINDOW} from '../protocol/limits.js';
import type {MemberRequest, RoomEvent} from '../protocol/items.js';
import {checkName, nameKey} from '../protocol/names.js';
import {ReliableReceiver} from '../protocol/reliable-receiver.js';
import {ReliableSender} from '../protocol/reliable-sender.js';
import {cleanMessage, cleanText, utf8Bytes} from '../protocol/sanitize.js';
import type {SessionCipher} from '../protocol/crypto.js';
import {TokenBucket} from '../protocol/token-bucket.js';

/** One member as the hub knows it. */
export type HubMember = {
	readonly token: string;
	name: string;
	readonly isHost: boolean;
	/** Normalised "address|port": with the token, what identifies the member's datagrams. */
	readonly peer: string;
	/** The address as the socket reported it, to send to. */
	readonly sendAddress: string;
	readonly sendPort: number;
	readonly cid: string;
	sender: ReliableSender;
	readonly receiver: ReliableReceiver;
	lastHeard: number;
	/** Set once the member left; kept a short while to acknowledge its retransmitted leave. */
	departedAt?: number;
	/** Limits its messages, when the room has a rate limit. */
	readonly bucket?: TokenBucket;
	/** Messages dropped over the rate limit since the member was last told. */
	overLimit: number;
	/** Items (by number) that arrived when the member's bucket was empty: dropped if they are messages. */
	readonly overLimitItems: Set<number>;
	lastLimitNotice: number;
	/** Seals and opens the member's datagrams, in a room with a secret. */
	cipher?: SessionCipher;
	/** A ping to answer in the next flush. */
	pong?: number;
	/** In durable mode: the ack taken before the last commit, sent once it completed. */
	heldAck?: string;
};

export type RateLimit = {readonly perSecond: number; readonly burst: number};

export type HubRoomOptions = {
	readonly now: () => number;
	/** Every stamped room event (the headless host logs these). */
	readonly onEvent: (event: RoomEvent) => void;
	/** A member has something to send. */
	readonly onDirty: (member: HubMember) => void;
	/** The host removed a member (kick or ban). */
	readonly onRemoved?: (member: HubMember, reason: string, ban: boolean) => void;
	readonly transferPort?: number;
	/** Messages per member; none when absent. */
	readonly rate?: RateLimit;
	/** Where stamped events are appended (the room store); nothing is kept when absent. */
	readonly persist?: (json: string) => void;
	/** Events from the store, oldest first: the room goes on from them (same numbers). */
	readonly recent?: readonly string[];
	/**
	 * Hold everything meant for members until `release()`: the hub releases once the events
	 * behind it are durable, so nothing is seen or acknowledged that a crash could lose.
	 */
	readonly durable?: boolean;
};

type Logged = {readonly seq: number; readonly json: string; readonly dm?: {readonly from: string; readonly to: string}};

/** Recent events kept for catching a returning member up. */
const LOG_EVENTS = 10_000;
/** Message ids remembered to drop a message resent after a reconnect. */
const REMEMBERED_IDS = 20_000;

export type StampedEvent = RoomEvent extends infer E ? (E extends RoomEvent ? Omit<E, 'seq' | 'time'> : never) : never;

/**
 * The room's state at the hub, without sockets: members and their unique names, the one
 * numbered history, and what each member should be sent. The hub feeds it and flushes it.
 */
export class HubRoom {
	readonly members = new Map<string, HubMember>();
	private readonly names = new Map<string, HubMember>();
	private readonly history: string[] = [];
	private readonly log: Logged[] = [];
	private readonly ids = new Set<string>();
	/** The same ids, oldest first, in a ring: which to forget next (no walk over a set's deleted slots). */
	private readonly idRing: string[] = [];
	private idNext = 0;
	private held: Array<{member: HubMember; json: string; encoded?: Uint8Array}> = [];
	private seq = 0;

	private readonly now: () => number;

	constructor(private readonly options: HubRoomOptions) {
		this.now = options.now;
		for (const json of options.recent ?? []) {
			const event = JSON.parse(json) as RoomEvent;
			this.remember(event, json);
			this.seq = Math.max(this.seq, event.seq);
		}
	}

	/** Takes what is held for members so far (to release once its events are durable). */
	takeHeld(): ReadonlyArray<{member: HubMember; json: string; encoded?: Uint8Array}> {
		const held = this.held;
		this.held = [];
		return held;
	}

	/** Sends a batch taken with `takeHeld`. */
	release(batch: ReadonlyArray<{member: HubMember; json: string; encoded?: Uint8Array}>): void {
		for (const {member, json, encoded} of batch) {
			this.deliver(member, json, encoded);
		}
	}

	get lastSeq(): number {
		return this.seq;
	}

	/** Live members, in join order. */
	live(): HubMember[] {
		return [...this.names.values()];
	}

	findByPeer(peer: string): HubMember | undefined {
		return this.live().find(member => member.peer === peer);
	}

	/** Checks a requested name; undefined when free. `self` may keep (a re-cased) own name. */
	nameProblem(requested: string, self?: HubMember): {code: 'name-invalid' | 'name-taken'; reason: string} | undefined {
		const check = checkName(requested);
		if (!check.ok) {
			return {code: 'name-invalid', reason: check.reason};
		}

		const holder = this.names.get(nameKey(check.name));
		if (holder && holder !== self) {
			return {code: 'name-taken', reason: `the name "${holder.name}" is taken in this room; pick another`};
		}

		return undefined;
	}

	/** Admits a member whose name was checked: welcome first, then its own join for everyone. */
	/** A live member holding this token under this name (ignoring case): a session being replaced. */
	stale(token: string | undefined, name: string): HubMember | undefined {
		const member = token === undefined ? undefined : this.members.get(token);
		return member && member.departedAt === undefined && nameKey(member.name) === nameKey(name) ? member : undefined;
	}

	/**
	 * Admits a member whose name was checked: welcome first, then its own join for everyone.
	 * A returning member (`since`) is caught up on what it missed; one replacing its own stale
	 * session (`replaces`) takes it over without a leave and a join.
	 */
	admit(fields: {
		name: string;
		isHost: boolean;
		peer: string;
		sendAddress: string;
		sendPort: number;
		cid: string;
		since?: number;
		replaces?: HubMember;
	}): HubMember {
		const {since, replaces, ...identity} = fields;
		if (replaces) {
			replaces.departedAt = this.now();
			this.names.delete(nameKey(replaces.name));
			this.members.delete(replaces.token);
		}

		const name = fields.name.normalize('NFC');
		const {rate} = this.options;
		const member: HubMember = {
			...identity,
			name,
			token: randomBytes(8).toString('hex'),
			sender: new ReliableSender(0, SEND_WINDOW, false),
			receiver: new ReliableReceiver(0),
			lastHeard: this.now(),
			bucket: rate ? new TokenBucket(rate.perSecond, rate.burst, this.now()) : undefined,
			overLimit: 0,
			overLimitItems: new Set(),
			lastLimitNotice: 0,
		};
		this.names.set(nameKey(name), member);
		if (!replaces) {
			this.stamp({k: 'join', name, ...(fields.isHost ? {host: true} : {})});
		}

		this.members.set(member.token, member);
		this.sendWelcome(member, false, since);
		return member;
	}

	/**
	 * Handles one in-order request from a member. `overLimit`: it arrived when the member's rate
	 * bucket was empty (see `charge`), so a message is dropped and the member told.
	 */
	request(member: HubMember, request: MemberRequest, overLimit = false): void {
		if (request.k === 'say' || request.k === 'me' || request.k === 'dm') {
			// A message resent after a reconnect was stamped already: acknowledge, do not repeat.
			if (request.id !== undefined && this.ids.has(request.id)) {
				return;
			}

			if (overLimit) {
				this.tellOverLimit(member);
				return;
			}
		}

		switch (request.k) {
			case 'say':
			case 'me': {
				const text = this.checkText(member, request.text);
				if (text !== undefined) {
					this.stamp({k: 'msg', from: member.name, text, ...(request.k === 'me' ? {me: true} : {}), ...(request.id ? {mid: request.id} : {})});
				}

				break;
			}

			case 'dm': {
				const target = this.names.get(nameKey(request.to));
				const text = this.checkText(member, request.text);
				if (!target) {
					this.notice(member, 'error', `nobody named "${cleanText(request.to)}" is in the room`, 'no-such-member');
				} else if (text !== undefined) {
					this.stampDirect(member, target, text, request.id);
				}

				break;
			}

			case 'nick': {
				const problem = this.nameProblem(request.name, member);
				if (problem) {
					this.notice(member, 'error', `cannot rename: ${problem.reason}`, problem.code);
					break;
				}

				const to = request.name.normalize('NFC');
				if (to === member.name) {
					break;
				}

				const from = member.name;
				this.names.delete(nameKey(from));
				member.name = to;
				this.names.set(nameKey(to), member);
				this.stamp({k: 'nick', from, to});
				break;
			}

			case 'leave': {
				this.remove(member, 'quit');
				break;
			}

			case 'kick':
			case 'ban': {
				this.moderate(member, request.name, request.k === 'ban');
				break;
			}
		}
	}

	private moderate(member: HubMember, name: string, ban: boolean): void {
		const verb = ban ? 'ban' : 'kick';
		const target = this.names.get(nameKey(name));
		if (!member.isHost) {
			this.notice(member, 'error', `only the host can ${verb} members`, 'not-host');
		} else if (!target) {
			this.notice(member, 'error', `nobody named "${cleanText(name)}" is in the room`, 'no-such-member');
		} else if (target === member) {
			this.notice(member, 'error', `you cannot ${verb} yourself; /quit closes the room`, 'self');
		} else {
			const reason = ban ? `banned by ${member.name}` : `kicked by ${member.name}`;
			this.remove(target, reason);
			this.options.onRemoved?.(target, reason, ban);
		}
	}

	/**
	 * Charges the member's rate bucket for a payload as its first item arrives: arrivals follow
	 * the sender's own timing, where in-order delivery does not (a lost item holds back those
	 * after it, which then come out together). False: over the limit.
	 */
	charge(member: HubMember): boolean {
		return !member.bucket || member.bucket.take(this.now());
	}

	/** Counts a message dropped over the limit and tells the member (at most once a second). */
	private tellOverLimit(member: HubMember): void {
		const now = this.now();
		member.overLimit++;
		if (now - member.lastLimitNotice >= 1000) {
			const {rate} = this.options;
			this.notice(
				member,
				'error',
				`slow down: the room takes ${rate?.perSecond ?? 0} messages a second (bursts of ${rate?.burst ?? 0}); ${member.overLimit} dropped`,
				'rate-limited',
			);
			member.overLimit = 0;
			member.lastLimitNotice = now;
		}
	}

	/** Takes a member out of the room and tells everyone why. */
	remove(member: HubMember, reason: string): void {
		if (member.departedAt !== undefined) {
			return;
		}

		member.departedAt = this.now();
		this.names.delete(nameKey(member.name));
		member.sender = new ReliableSender(member.sender.epoch + 1, SEND_WINDOW, false);
		this.stamp({k: 'leave', name: member.name, reason});
	}

	/** Forgets departed members after the linger period. */
	forget(member: HubMember): void {
		this.members.delete(member.token);
	}

	/** Puts a notice in one member's stream. */
	notice(member: HubMember, level: 'info' | 'error', text: string, code?: string): void {
		this.enqueue(member, JSON.stringify({k: 'notice', level, text, ...(code ? {code} : {})}));
	}

	/** Stamps a room event with the next sequence number and sends it to every live member. */
	stamp(event: StampedEvent): RoomEvent {
		const full = {...event, seq: ++this.seq, time: this.now()} as RoomEvent;
		const json = JSON.stringify(full);
		this.remember(full, json);
		this.options.persist?.(json);

		// Encoded once for all the streams it goes into.
		const encoded = Buffer.from(json);
		for (const member of this.members.values()) {
			if (member.departedAt === undefined) {
				this.enqueue(member, json, encoded);
			}
		}

		this.options.onEvent(full);
		return full;
	}

	private stampDirect(from: HubMember, to: HubMember, text: string, id: string | undefined): void {
		const event: RoomEvent = {k: 'dm', seq: ++this.seq, time: this.now(), from: from.name, to: to.name, text, ...(id ? {mid: id} : {})};
		const json = JSON.stringify(event);
		// Kept (and stored) so its number is never reused and its two members can catch up on it.
		this.remember(event, json);
		this.options.persist?.(json);
		this.enqueue(from, json);
		if (to !== from) {
			this.enqueue(to, json);
		}
	}

	private checkText(member: HubMember, raw: string): string | undefined {
		const bytes = utf8Bytes(raw);
		if (bytes > MAX_TEXT_BYTES) {
			this.notice(member, 'error', `message not sent: ${bytes} bytes, the limit is ${MAX_TEXT_BYTES}`, 'too-long');
			return undefined;
		}

		const text = cleanMessage(raw);
		return text.trim() === '' ? undefined : text;
	}

	/** Keeps an event for history, catch-up and duplicate detection. */
	private remember(event: RoomEvent, json: string): void {
		const dm = event.k === 'dm' ? {from: event.from, to: event.to} : undefined;
		this.log.push({seq: event.seq, json, ...(dm ? {dm} : {})});
		if (this.log.length > LOG_EVENTS * 1.1) {
			this.log.splice(0, this.log.length - LOG_EVENTS);
		}

		if (!dm) {
			this.history.push(json);
			if (this.history.length > HISTORY_EVENTS * 2) {
				this.history.splice(0, this.history.length - HISTORY_EVENTS);
			}
		}

		const mid = 'mid' in event ? event.mid : undefined;
		if (mid !== undefined && !this.ids.has(mid)) {
			// Deleting a set's first entry and asking for the next first walks every slot deleted
			// before it until the set is rebuilt: 5.5% of the hub's time at saturation.
			if (this.idRing.length < REMEMBERED_IDS) {
				this.idRing.push(mid);
			} else {
				this.ids.delete(this.idRing[this.idNext]!);
				this.idRing[this.idNext] = mid;
				this.idNext = (this.idNext + 1) % REMEMBERED_IDS;
			}

			this.ids.add(mid);
		}
	}

	private enqueue(member: HubMember, json: string, encoded?: Uint8Array): void {
		if (this.options.durable) {
			this.held.push({member, json, encoded});
			// A round of sends makes it durable and releases it: one must run soon whatever stamped
			// this (a member's request, the transfer server's offer, a timeout, the host's kick).
			this.options.onDirty(member);
			return;
		}

		this.deliver(member, json, encoded);
	}

	private deliver(member: HubMember, json: string, encoded?: Uint8Array): void {
		if (member.departedAt !== undefined) {
			return;
		}

		member.sender.enqueue(json, encoded?.length, encoded);
		if (member.sender.backlog > MAX_BACKLOG_ITEMS) {
			member.sender = new ReliableSender(member.sender.epoch + 1, SEND_WINDOW, false);
			this.sendWelcome(member, true);
		}

		this.options.onDirty(member);
	}

	/**
	 * The welcome, first in the member's stream: the members, and either the recent history or,
	 * for a member returning with `since`, everything after it (each event its own item).
	 */
	private sendWelcome(member: HubMember, resync: boolean, since?: number): void {
		const members = this.live().map(m => ({name: m.name, ...(m.isHost ? {host: true} : {})}));
		const missed = since === undefined ? [] : this.log.filter(entry => entry.seq > since && (!entry.dm || entry.dm.from === member.name || entry.dm.to === member.name));
		const history = since === undefined ? this.history.slice(-HISTORY_EVENTS) : [];
		const {transferPort, rate} = this.options;
		const extra = [
			resync ? ',"resync":true' : '',
			transferPort === undefined ? '' : `,"transferPort":${transferPort}`,
			rate ? `,"rate":${JSON.stringify(rate)}` : '',
			since === undefined ? '' : `,"catchUp":${missed.length}`,
		].join('');
		const welcome = `{"k":"welcome","you":${JSON.stringify(member.name)},"members":${JSON.stringify(members)},"history":[${history.join(',')}]${extra}}`;
		const send = resync ? (json: string) => this.deliver(member, json) : (json: string) => this.enqueue(member, json);
		send(welcome);
		const oldest = this.log[0]?.seq;
		if (since !== undefined && oldest !== undefined && since + 1 < oldest) {
			send(JSON.stringify({k: 'notice', level: 'error', code: 'gap', text: `events ${since + 1} to ${oldest - 1} are too old to catch up on`}));
		}

		for (const entry of missed) {
			send(entry.json);
		}
	}
}
