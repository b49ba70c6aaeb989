import type {Peer} from '../peer.js';
import type {MemberRequest, RoomEvent} from '../items.js';
import {RoomLog} from './hub-room-log.js';
import {newMember, restartStream, type HubMember, type MemberIdentity, type RateLimit} from './hub-room-member.js';
import {MemberTable, type NameProblem} from './hub-room-members.js';
import {RoomReactions} from './hub-room-reactions.js';
import {handleRequest, relayTyping, type RoomScope, type StampedEvent} from './hub-room-requests.js';
import {MemberStreams, type HeldItem} from './hub-room-streams.js';
import {welcomeItems} from './hub-room-welcome.js';
import {heldBack} from './hub-room-rules.js';
import {nameKey} from '../names.js';
import {encodeMessage, type CastEvent} from '../cast/cast-wire.js';
import type {CastInfo} from '../cast/member-cast.js';

/** Names whose last resume secret is remembered, at most. */
const MAX_RESUMES = 4096;

export type {HubMember, RateLimit} from './hub-room-member.js';
export type {StampedEvent} from './hub-room-requests.js';

export type HubRoomOptions = {
	readonly now: () => number;
	/** A fresh session token: 16 hex digits from the endpoint's randomness. */
	readonly token: () => string;
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
	/** A private room: a rejoin that proves its session (its resume secret) is caught up on its DMs. Never in an open one. */
	readonly privateRoom?: boolean;
	/** The room stream, when the room has one (multicast on): where events go for members the group serves. */
	readonly cast?: RoomCastPort;
};

/** What the room needs of the room stream (protocol/cast/room-cast.ts). */
export type RoomCastPort = {
	append(event: CastEvent): void;
	promote(member: HubMember): {e: number; q: number};
	demote(member: HubMember, now: number): {e: number};
	forget(member: HubMember): void;
	probe(member: HubMember, now: number): void;
	rekey(): {e: number; key: string};
	/** The room stream's part of a welcome, for a member it may serve; undefined for others. */
	info(member: HubMember): CastInfo | undefined;
};

/**
 * The room's state at the hub, without sockets: members and their unique names (`MemberTable`),
 * the one numbered history (`RoomLog`), and what each member should be sent (`MemberStreams`).
 * Here are the room's rules: who may say what to whom, renames, kicks and bans, limits. The hub
 * feeds it and flushes it.
 */
export class HubRoom {
	/** Every known session by token (departed ones until forgotten). */
	readonly members: Map<string, HubMember>;
	private readonly table = new MemberTable();
	/** The last resume secret handed out under each name (by name key), newest last. */
	private readonly resumes = new Map<string, string>();
	private readonly log: RoomLog;
	/** The recent messages' reactions (a react toggles), and which numbers are messages. */
	private readonly reactions = new RoomReactions();
	private readonly streams: MemberStreams;
	private readonly now: () => number;
	/** What the rules in `handleRequest` act on. */
	private readonly scope: RoomScope;

	constructor(private readonly options: HubRoomOptions) {
		this.now = options.now;
		this.members = this.table.byToken;
		this.log = new RoomLog(options.recent, event => this.reactions.remember(event));
		this.streams = new MemberStreams({
			durable: options.durable,
			onDirty: options.onDirty,
			onResync: member => {
				// A fresh start: by its own stream, probed again for the group.
				member.viaGroup = false;
				options.cast?.forget(member);
				if (options.cast?.info(member)) {
					options.cast.probe(member, this.now());
				}

				for (const json of welcomeItems(member, this.live(), this.log, options, true)) {
					this.streams.deliver(member, json);
				}
			},
			onCast: encoded => options.cast?.append(encoded),
		});
		this.scope = {
			table: this.table,
			log: this.log,
			rate: options.rate,
			now: this.now,
			notice: (...args) => this.notice(...args),
			stamp: event => this.stamp(event),
			reactions: this.reactions,
			relay: (from, json) => {
				for (const member of this.live()) {
					if (member !== from) this.streams.enqueue(member, json);
				}
			},
			stampDirect: (...args) => this.stampDirect(...args),
			remove: (...args) => this.remove(...args),
			onRemoved: options.onRemoved,
		};
	}

	/** A token no known session holds (nor any `taken` says is in use elsewhere). */
	freshToken(taken: (token: string) => boolean = () => false): string {
		let token = this.options.token();
		while (this.members.has(token) || taken(token)) {
			token = this.options.token();
		}

		return token;
	}

	/** Takes what is held for members so far (to release once its events are durable). */
	takeHeld(): readonly HeldItem[] {
		return this.streams.takeHeld();
	}

	/** Sends a batch taken with `takeHeld`. */
	release(batch: readonly HeldItem[]): void {
		this.streams.release(batch);
	}

	get lastSeq(): number {
		return this.log.lastSeq;
	}

	/** Live members, in join order. */
	live(): HubMember[] {
		return this.table.live();
	}

	findByPeer(peer: Peer): HubMember | undefined {
		return this.table.findByPeer(peer);
	}

	/** Checks a requested name; undefined when free. `self` may keep (a re-cased) own name. */
	nameProblem(requested: string, self?: HubMember): NameProblem | undefined {
		return this.table.nameProblem(requested, self);
	}

	/** A live member holding this token under this name (ignoring case): a session being replaced. */
	stale(token: string | undefined, name: string): HubMember | undefined {
		return this.table.stale(token, name);
	}

	/**
	 * Admits a member whose name was checked: welcome first, then its own join for everyone.
	 * A returning member (`since`) is caught up on what it missed; one replacing its own stale
	 * session (`replaces`) takes it over without a leave and a join.
	 */
	admit(fields: MemberIdentity & {since?: number; replaces?: HubMember; resume?: string}, token = this.freshToken()): HubMember {
		const {since, replaces, resume, ...identity} = fields;
		if (replaces) {
			replaces.departedAt = this.now();
			this.table.release(replaces);
			this.table.forget(replaces);
		}

		const name = fields.name.normalize('NFC');
		const member = newMember({...identity, name}, token, this.now(), this.options.rate);
		// Only the session that was handed the name's last resume secret continues it: not a new
		// member under a freed name, not anyone after a restart (the secrets live in memory).
		const key = nameKey(name);
		const proven = this.options.privateRoom === true && resume !== undefined && this.resumes.get(key) === resume;
		member.resume = this.options.token() + this.options.token();
		this.resumes.delete(key);
		this.resumes.set(key, member.resume);
		if (this.resumes.size > MAX_RESUMES) {
			this.resumes.delete(this.resumes.keys().next().value!);
		}

		this.table.claim(member);
		if (!replaces) {
			this.stamp({k: 'join', name, ...(fields.isHost ? {host: true} : {})});
		}

		this.table.track(member);
		for (const json of welcomeItems(member, this.live(), this.log, this.options, false, since, proven)) {
			this.streams.enqueue(member, json);
		}

		return member;
	}

	/** The member is typing, or stopped (a `ty` frame: `relayTyping`). */
	typing(member: HubMember, active: boolean): void {
		relayTyping(this.scope, member, active);
	}

	/** Handles one in-order request from a member by the room's rules (`handleRequest`). */
	request(member: HubMember, request: MemberRequest): void {
		handleRequest(this.scope, member, request);
	}

	/** A message of the member's was held back over the rate limit: it is told (at most once a second). */
	heldBack(member: HubMember): void {
		const text = heldBack(member, this.options.rate, this.now());
		if (text !== undefined) {
			this.notice(member, 'error', text, 'rate-limited');
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

	/** Takes a member out of the room and tells everyone why. */
	remove(member: HubMember, reason: string): void {
		if (member.departedAt !== undefined) {
			return;
		}

		member.departedAt = this.now();
		member.departure = reason === 'quit' ? 'quit' : reason === 'timed out' ? 'timed-out' : 'removed';
		this.table.release(member);
		restartStream(member);
		this.stamp({k: 'leave', name: member.name, reason});
	}

	/** Forgets departed members after the linger period. */
	forget(member: HubMember): void {
		this.table.forget(member);
	}

	/** Puts a notice in one member's stream. */
	notice(member: HubMember, level: 'info' | 'error', text: string, code?: string): void {
		this.streams.enqueue(member, JSON.stringify({k: 'notice', level, text, ...(code ? {code} : {})}));
	}

	/** Stamps a room event with the next sequence number and sends it to every live member. */
	stamp(event: StampedEvent): RoomEvent {
		// Object.assign, not a spread: V8 gives a spread's copy a shape JSON.stringify takes its slow
		// path on (3.6 µs against 1.4 µs for a message here, once per event).
		const full = Object.assign({}, event) as {-readonly [K in keyof RoomEvent]: RoomEvent[K]} & RoomEvent;
		full.seq = this.log.next();
		full.time = this.now();
		const json = JSON.stringify(full);
		this.log.remember(full, json);
		this.reactions.remember(full);
		this.options.persist?.(json);

		// Encoded once for all the streams it goes into, and the room stream (once for everyone it
		// serves); not at all when the group serves everyone and the event goes binary.
		let encoded: Buffer | undefined;
		let cast = false;
		for (const member of this.members.values()) {
			if (member.departedAt !== undefined) {
				continue;
			}

			if (member.viaGroup) {
				cast = true;
			} else {
				encoded ??= Buffer.from(json);
				this.streams.enqueue(member, json, encoded);
			}
		}

		if (cast) {
			// A message goes in the room stream's compact binary form; anything else, or too long, as JSON.
			// (A reply's number has no place in the binary record: a reply goes as JSON.)
			const binary = full.k === 'msg' && full.re === undefined ? encodeMessage(full) : undefined;
			this.streams.cast(binary ? {binary} : (encoded ?? Buffer.from(json)));
		}

		this.options.onEvent(full);
		if (full.k === 'leave' && this.options.cast) {
			this.rekey();
		}

		return full;
	}

	/**
	 * Changes how a member is served, in its stream's order: by the group from the next event (the
	 * marker names it and the first datagram), or by its own stream (after the group's events before
	 * the marker), or afresh from a new welcome (`resync`: it fell too far behind).
	 */
	serve(member: HubMember, via: 'group' | 'unicast' | 'resync', why: string): void {
		const cast = this.options.cast;
		if (!cast || member.departedAt !== undefined) {
			return;
		}

		if (via === 'resync') {
			this.streams.resync(member);
			return;
		}

		const wasGroup = member.viaGroup === true;
		member.viaGroup = via === 'group';
		this.streams.run(() => {
			if (member.departedAt !== undefined) {
				return;
			}

			const mark = via === 'group' ? cast.promote(member) : wasGroup ? cast.demote(member, this.now()) : {};
			this.streams.deliver(member, JSON.stringify({k: 'cast', via, why, ...mark}));
		});
	}

	/** The room stream's gap-free acks may wait `ad` ms now, for this member its group serves (an `ack-delay` item in its stream). */
	askAckDelay(member: HubMember, ad: number): void {
		if (member.departedAt !== undefined || !member.viaGroup) {
			return;
		}

		this.streams.run(() => {
			this.streams.deliver(member, JSON.stringify({k: 'ack-delay', ad}));
		});
	}

	/** A new epoch key for the room stream (after a departure): what the departed held opens nothing later. */
	private rekey(): void {
		const cast = this.options.cast!;
		this.streams.run(() => {
			const {e, key} = cast.rekey();
			const json = JSON.stringify({k: 'key', e, key});
			for (const member of this.live()) {
				if (cast.info(member)) {
					this.streams.deliver(member, json);
				}
			}
		});
	}

	private stampDirect(from: HubMember, to: HubMember, text: string, id: string | undefined): void {
		const event: RoomEvent = {k: 'dm', seq: this.log.next(), time: this.now(), from: from.name, to: to.name, text, ...(id ? {mid: id} : {})};
		const json = JSON.stringify(event);
		// Kept (and stored) so its number is never reused and its two members can catch up on it.
		this.log.remember(event, json);
		this.options.persist?.(json);
		this.streams.enqueue(from, json);
		if (to !== from) {
			this.streams.enqueue(to, json);
		}
	}
}
