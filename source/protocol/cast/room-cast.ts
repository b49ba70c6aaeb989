import type {KeyObject} from 'node:crypto';
import {BASE_DATAGRAM, BLACK_HOLE_BACKOFF} from '../connection/path-mtu.js';
import {toBase64} from '../secure/base64.js';
import {ackDelayFor, CAST_ACK_MS, packEvents, recordRoom, recordSize, sealBeat, sealChains, type CastEvent} from './cast-wire.js';
import type {HubMember} from '../room/hub-room-member.js';
import type {CastInfo} from './member-cast.js';

/** Datagrams cast to the group beyond what its slowest member acknowledged. */
export const GROUP_WINDOW = 512;
/**
 * Events appended within this long of the last pack wait for it to pass, unless they fill a
 * datagram first: at most one datagram part full per CAST_PACE_MS. A room at a few messages a
 * second never waits (its events come further apart); a busy one sends full datagrams, so a send,
 * a signature and each member's receive cover twice as many events or more.
 */
export const CAST_PACE_MS = 2;
/** Datagrams kept for repair, at most: a member further behind is resynchronised. */
export const RING_MAX = 8192;
/** Repairs sent to one member per timeout, at most. */
const REPAIR_BURST = 32;
/** Later datagrams acknowledged before a gap is repaired at once (not at the timeout). */
const REORDER = 3;
/** The probe: a beat this often, for at most PROBE_MS. */
export const PROBE_BEAT_MS = 50;
export const PROBE_MS = 3000;
/** Unicast beats a member counts before it answers the probe. */
export const PROBE_BEATS = 5;
/** A member whose group copies come this much later than unicast ones is served by unicast. */
export const PROBE_LATE_MS = 25;
/** A member served by unicast is probed again after this long. */
export const REPROBE_MS = 60_000;
/**
 * A member the probe did not find served by the group (in time) is probed again after this long
 * at first, twice as long after each such answer in a row, up to REPROBE_MS: a verdict given while
 * its machine or its Wi-Fi was busy for a moment (a join storm, a power-save wake-up) is corrected
 * within seconds, while a path that never carries the group costs a probe a minute.
 */
export const REPROBE_FIRST_MS = 5000;
/** A group member that holds the group's window this long is served by unicast instead. */
export const STALL_MS = 1000;
/** Over each this many datagrams cast, a member that lost more than a tenth of them is served by unicast. */
export const LOSS_SPAN = 128;
/** Datagrams that came first by a repair, as many at least as came by the group, after which a member is served by unicast at once. */
export const QUICK_LOSS = 8;

const STALE = Symbol('stale');
/** How long the room's datagram size is kept while its audience stays the same. */
const SIZE_CHECK_MS = 250;

type Entry = {readonly bytes: Buffer; readonly firstEvent: number; castAt: number};

/** What the hub keeps per member the group serves: how far it acknowledged, what was resent. */
type Cursor = {
	cum: number;
	sacked: ReadonlyArray<readonly [number, number]>;
	/** Unicast sends (repairs) by datagram number. */
	readonly sent: Map<number, number>;
	backoff: number;
	/**
	 * Datagrams a timeout repairs (1, doubled while each round of repairs shows the member lacked
	 * the next ones too, up to REPAIR_BURST), and the last one the latest such round sent.
	 */
	burst: number;
	rtoTo: number;
	/** Gaps up to here were repaired at once already. */
	fastTo: number;
	/** Served by unicast from this event on: kept until the member has every event before it. */
	until?: number;
	/** Datagrams the member says it got first by the group, and first by a repair (its counts, as last heard, and at the last look). */
	byGroup: number;
	byRepair: number;
	judgedGroup: number;
	judgedRepair: number;
	heldSince?: number;
	/** The ack delay the member was asked for (its marker's `ad`, or a later `ack-delay` item), ms. */
	ad: number;
};

type Probe = {readonly startedAt: number};

/** A change of how a member is served, for the room to make in its stream's order. */
export type ServeDecision = {readonly member: HubMember; readonly via: 'group' | 'unicast' | 'resync'; readonly why: string};

export type RoomCastOptions = {
	readonly random: (bytes: number) => Uint8Array;
	/** The hub's signing key (its identity). */
	readonly signer: KeyObject;
	readonly version: number;
	/** The member's retransmission timeout (from its stream's RTT). */
	readonly rto: (member: HubMember) => number;
	/**
	 * The least `rto` ever gives (RTO_MIN_MS). Given, a cast moves the deadline to at most that
	 * (plus the least ack delay) after it, instead of working it out again over every member: no
	 * member's repair can fall due sooner, and an early deadline only costs a look.
	 */
	readonly rtoFloor?: number;
	/** The room's multicast group (239.255.x.y) and port. */
	readonly group: string;
	/** Its IPv6 group (ff15::/16), for members that came over IPv6; none: those are served by unicast. */
	readonly group6?: string;
	readonly port: number;
	/**
	 * The largest datagram that reaches the member, as its path's probe found (connection/path-mtu.ts);
	 * absent, 1,200 for all. The room's datagrams are sealed at the smallest of its group's members.
	 */
	readonly datagramBytes?: (member: HubMember) => number;
	/** The room stream's datagrams above 1,200 bytes stopped reaching the member (its path's black hole). */
	readonly blackHole?: (member: HubMember) => void;
};

/** An address of the IPv6 loopback: Linux carries no IPv6 multicast over `lo` (docs/protocol.md, "The group"). */
const LOOPBACK6 = /^(::1|0:0:0:0:0:0:0:1)(%.*)?$/;
/** A peer's address is normalised (`::ffff:` mapped ones are plain IPv4). */
const isIPv4 = (address: string) => /^\d+\.\d+\.\d+\.\d+$/.test(address);

/**
 * The room stream at the hub, with no I/O: the room's events numbered once, packed and sealed once
 * per round under the epoch key (`append`, then `poll`), cast once to the group within a window of
 * what its slowest member acknowledged, and repaired by unicast for each member from its acks
 * (gaps at once, the rest at its timeout). It probes new members (beats by both ways), and decides
 * who the group serves: the room makes each change in that member's stream (`takeDecisions`).
 */
export class RoomCast {
	readonly stats = {cast: 0, repaired: 0, beats: 0, datagrams: 0};
	private epochNumber = 1;
	private key: Uint8Array;
	private events = 0;
	private pending: CastEvent[] = [];
	/** The record bytes of what is pending, and when the last pack was (pacing: CAST_PACE_MS). */
	private pendingBytes = 0;
	private packedAt = Number.NEGATIVE_INFINITY;
	private pendingFirst = 0;
	private head = 1;
	private castNext = 1;
	private ringStart = 1;
	private readonly ring: Entry[] = [];
	private readonly cursors = new Map<HubMember, Cursor>();
	private readonly probes = new Map<HubMember, Probe>();
	private readonly reprobe = new Map<HubMember, number>();
	/** Probes in a row that did not find the group serving the member (the re-probe backs off with them). */
	private readonly probeFailures = new Map<HubMember, number>();
	private beat = 1;
	private beatAt = 0;
	private decisions: ServeDecision[] = [];
	/**
	 * Changes whenever the members the group's datagrams are for change (those it serves or probes):
	 * the shell keeps its plan of where a group datagram goes until it does.
	 */
	audienceVersion = 0;
	private lowest: number | undefined;
	/** The room's datagram size, and when it was worked out (a member's path may change size meanwhile). */
	private sized: {readonly bytes: number; readonly at: number} | undefined;
	private clock = 0;
	/** Members to tell a new ack delay (the group grew past a size, or shrank well below one). */
	private ackDelays: Array<{readonly member: HubMember; readonly ad: number}> = [];
	/** The ack delay for the group's size when last looked at. */
	private ackDelayNow = CAST_ACK_MS;
	private readonly reasons = new WeakMap<HubMember, string>();
	private deadline: number | undefined | typeof STALE = STALE;
	/** Cursors kept only until their member has the events before its switch back to unicast. */
	private draining = 0;

	constructor(private readonly options: RoomCastOptions) {
		this.key = options.random(32);
	}

	/** The current epoch and its key, for a welcome. */
	get current(): {readonly e: number; readonly key: string} {
		return {e: this.epochNumber, key: toBase64(this.key)};
	}

	/**
	 * The room stream's part of a welcome, for a member it may serve; undefined for others. An IPv6
	 * member is offered the IPv6 group as `g6`; `g` stays the IPv4 group, which is all a member
	 * of an earlier release reads (it cannot open that group over IPv6, and its probe says so).
	 */
	info(member: HubMember): CastInfo | undefined {
		const {group, group6, port} = this.options;
		if (isIPv4(member.peer.address)) return {g: group, p: port, ...this.current};
		return group6 !== undefined && !LOOPBACK6.test(member.peer.address) ? {g: group, g6: group6, p: port, ...this.current} : undefined;
	}

	/** Where the group's datagrams for this member go: the group of its address's family. */
	groupOf(member: HubMember): string {
		return isIPv4(member.peer.address) ? this.options.group : (this.options.group6 ?? this.options.group);
	}

	/** Why a member is not offered the group at all, if it is not. */
	notOffered(member: HubMember): string | undefined {
		if (this.info(member)) return undefined;
		return this.options.group6 === undefined ? 'not probed: the room has no IPv6 group' : 'not probed: IPv6 loopback (::1) carries no multicast';
	}

	/** Whether the group serves the member (or still owes it events before its return to unicast). */
	serves(member: HubMember): boolean {
		return this.cursors.has(member);
	}

	/** The members the group's datagrams are for: those it serves, and those it probes. */
	*audience(): Iterable<HubMember> {
		yield* this.cursors.keys();
		yield* this.probes.keys();
	}

	/** Whether the member is being probed now. */
	probing(member: HubMember): boolean {
		return this.probes.has(member);
	}

	/**
	 * Every datagram packed so far has gone to the group: none waits for its window (what its
	 * slowest member acknowledged). While some wait, the echoes in them wait too.
	 */
	get flowing(): boolean {
		return this.castNext >= this.head;
	}

	/** How many members the group serves now. */
	get groupSize(): number {
		return this.cursors.size;
	}

	/** One room event (its JSON bytes, or a message's binary record): numbered now, sent at the next `poll`. */
	append(encoded: CastEvent): void {
		// Nothing falls due until it is cast (poll); without a floor, poll works the deadline out again anyway.
		if (this.options.rtoFloor === undefined) this.deadline = STALE;
		this.pending.push(encoded);
		this.pendingBytes += recordSize(encoded instanceof Uint8Array ? encoded.length : encoded.binary.length);
		this.events++;
	}

	/** A new epoch key: what is pending goes out under the old one, everything after under the new. */
	rekey(): {readonly e: number; readonly key: string} {
		this.deadline = STALE;
		this.pack();
		this.epochNumber++;
		this.key = this.options.random(32);
		return this.current;
	}

	/** The group serves the member from the next event: its marker for the member's stream. */
	promote(member: HubMember): {e: number; q: number; ad: number} {
		this.deadline = STALE;
		this.unprobe(member);
		this.reprobe.delete(member);
		this.drop(member);
		const ad = ackDelayFor(this.cursors.size + 1);
		this.cursors.set(member, {cum: this.head - 1, sacked: [], sent: new Map(), backoff: 0, burst: 1, rtoTo: 0, fastTo: 0, byGroup: 0, byRepair: 0, judgedGroup: 0, judgedRepair: 0, ad});
		this.audienceChanged();
		this.retuneAcks();
		return {e: this.events, q: this.head, ad};
	}

	/** Unicast serves the member from the next event; the group's repairs go on until it has those before. */
	demote(member: HubMember, now: number): {e: number} {
		this.deadline = STALE;
		this.unprobe(member);
		this.reprobe.set(member, now + REPROBE_MS);
		const cursor = this.cursors.get(member);
		if (cursor && cursor.until === undefined) {
			cursor.until = this.events;
			this.draining++;
		}

		return {e: this.events};
	}

	/** The member is gone, or starts afresh (resync, a new session): nothing more for it. */
	forget(member: HubMember): void {
		this.deadline = STALE;
		this.drop(member);
		this.unprobe(member);
		this.reprobe.delete(member);
		this.probeFailures.delete(member);
	}

	/** The probe did not find the group serving the member: probed again after REPROBE_FIRST_MS, doubling, up to REPROBE_MS. */
	private probeFailed(member: HubMember, now: number): void {
		const failures = (this.probeFailures.get(member) ?? 0) + 1;
		this.probeFailures.set(member, failures);
		this.reprobe.set(member, now + Math.min(REPROBE_MS, REPROBE_FIRST_MS * 2 ** Math.min(failures - 1, 16)));
	}

	/** Probes a member: beats to the group and to it, until it answers or PROBE_MS pass. */
	probe(member: HubMember, now: number): void {
		this.deadline = STALE;
		if (this.cursors.has(member)) {
			// Still owed the group's events from before its switch to unicast: later.
			this.reprobe.set(member, now + REPROBE_MS);
			return;
		}

		this.reprobe.delete(member);
		this.probes.set(member, {startedAt: now});
		this.audienceChanged();
		this.beatAt = Math.min(this.beatAt || now, now);
	}

	/** The member's answer to the probe: unicast beats it saw, how many came by the group too, and how much later (ms, median). */
	report(member: HubMember, unicast: number, group: number, lateMs: number, now: number, off = false): void {
		this.deadline = STALE;
		if (!this.probes.has(member) || unicast < PROBE_BEATS) return;
		this.unprobe(member);
		if (off) {
			this.decide(member, 'unicast', 'multicast is off at the member (--no-multicast)');
			return;
		}

		if (group * 10 < unicast * 9) {
			this.decide(member, 'unicast', `multicast: ${group} of ${unicast} probes came by the group`);
			this.probeFailed(member, now);
		} else if (lateMs > PROBE_LATE_MS) {
			this.decide(member, 'unicast', `multicast: the group's copies came ${lateMs} ms after unicast ones`);
			this.probeFailed(member, now);
		} else {
			this.probeFailures.delete(member);
			this.decide(member, 'group', `multicast: ${group} of ${unicast} probes came by the group, ${Math.max(0, lateMs)} ms later`);
		}
	}

	/** The member's acknowledgement of the room stream: everything to `cum`, and the ranges above it. */
	ack(
		member: HubMember,
		cum: number,
		ranges: ReadonlyArray<readonly [number, number]> | undefined,
		now: number,
		send: (member: HubMember, datagram: Buffer) => void,
		byGroup?: number,
		byRepair?: number,
	): void {
		const cursor = this.cursors.get(member);
		if (!cursor) return;
		// Acks come from every member all the time: the deadline is moved by this member's own due
		// alone (worked out over every member again only when this one held the earliest).
		const before = this.deadline === STALE ? STALE : this.memberDue(member, cursor);
		cursor.byGroup = Math.max(cursor.byGroup, byGroup ?? 0);
		cursor.byRepair = Math.max(cursor.byRepair, byRepair ?? 0);
		const upTo = Math.min(cum, this.head - 1);
		if (upTo > cursor.cum) {
			if (cursor.cum === this.lowest) this.lowest = undefined;
			for (const q of cursor.sent.keys()) if (q <= upTo) cursor.sent.delete(q);
			cursor.cum = upTo;
			cursor.backoff = 0;
			cursor.heldSince = undefined;
		}

		cursor.sacked = (ranges ?? []).filter(([from, to]) => from <= to && to > cursor.cum && to < this.head);
		let highest = 0;
		for (const [from, to] of cursor.sacked) {
			highest = Math.max(highest, to);
			for (const q of cursor.sent.keys()) if (q >= from && q <= to) cursor.sent.delete(q);
		}

		// What a timeout repaired has arrived. If the member acknowledged exactly that far and lacks
		// the next ones, overdue too, the loss is a run: repair twice as many at once (slow start).
		// Anything else (it had the rest, or the rest is not overdue) means the next timeout repairs
		// one again. So a member whose acks come late is resent one datagram per timeout, not a window.
		if (cursor.rtoTo > 0 && cursor.cum >= cursor.rtoTo) {
			const run = cursor.cum === cursor.rtoTo ? this.overdue(member, cursor, now, Math.min(cursor.burst * 2, REPAIR_BURST)) : [];
			cursor.rtoTo = 0;
			cursor.burst = run.length > 0 ? Math.min(cursor.burst * 2, REPAIR_BURST) : 1;
			for (const q of run) {
				this.repair(member, cursor, q, now, send);
				cursor.rtoTo = q;
			}

			cursor.fastTo = Math.max(cursor.fastTo, cursor.rtoTo);
		}

		// A gap with later datagrams acknowledged past it: lost, repaired now (a NACK, in effect).
		let repaired = 0;
		for (let q = Math.max(cursor.cum + 1, cursor.fastTo + 1); q + REORDER <= highest && repaired < REPAIR_BURST; q++) {
			if (!this.isSacked(cursor, q) && this.entry(q)) {
				this.repair(member, cursor, q, now, send);
				repaired++;
			}

			cursor.fastTo = q;
		}

		this.judge(member, cursor, now);
		if (before === STALE || this.deadline === STALE) {
			this.deadline = STALE;
			return;
		}

		const after = this.memberDue(member, cursor);
		if (after !== undefined && (this.deadline === undefined || after < this.deadline)) this.deadline = after;
		else if (before !== undefined && before === this.deadline && after !== before) this.deadline = STALE;
	}

	/** When the member's own work is due: its oldest unacknowledged datagram's repair, or the end of its stall. */
	private memberDue(member: HubMember, cursor: Cursor): number | undefined {
		const repair = this.repairDue(member, cursor);
		const stall = cursor.heldSince !== undefined && cursor.until === undefined ? cursor.heldSince + STALL_MS : undefined;
		return repair === undefined ? stall : stall === undefined ? repair : Math.min(repair, stall);
	}

	/**
	 * The clock went back to `now`: times set by the old clock count as now, so repairs, beats and
	 * probes come within their own span instead of when the old clock's time comes again.
	 */
	rebase(now: number): void {
		this.deadline = STALE;
		for (const entry of this.ring) entry.castAt = Math.min(entry.castAt, now);
		for (const cursor of this.cursors.values()) {
			for (const [q, at] of cursor.sent) cursor.sent.set(q, Math.min(at, now));
			cursor.heldSince = cursor.heldSince === undefined ? undefined : Math.min(cursor.heldSince, now);
		}

		for (const [member, probe] of this.probes) this.probes.set(member, {startedAt: Math.min(probe.startedAt, now)});
		for (const [member, at] of this.reprobe) this.reprobe.set(member, Math.min(at, now + REPROBE_MS));
		this.beatAt = Math.min(this.beatAt, now);
	}

	/** Decisions made since last asked: the room puts each in its member's stream. */
	takeDecisions(): ServeDecision[] {
		const taken = this.decisions;
		this.decisions = [];
		return taken;
	}

	/** When `poll` next has something to do by time (a repair, a beat, a probe's end), if ever. */
	nextDeadline(): number | undefined {
		// Asked after every datagram the hub handles: worked out again only after a change.
		if (this.deadline !== STALE) return this.deadline;
		this.deadline = this.computeDeadline();
		return this.deadline;
	}

	private computeDeadline(): number | undefined {
		let next: number | undefined;
		const at = (time: number) => {
			if (next === undefined || time < next) next = time;
		};

		if (this.probes.size > 0) at(this.beatAt);
		if (this.pending.length > 0) at(this.packedAt + CAST_PACE_MS);
		for (const time of this.reprobe.values()) at(time);
		for (const [member, cursor] of this.cursors) {
			const due = this.memberDue(member, cursor);
			if (due !== undefined) at(due);
		}

		return next;
	}

	/**
	 * Sends what is owed now: packs and seals what was appended (one chain per round), casts to the
	 * group within its window, repairs each member's losses that are due, and beats for probes.
	 */
	poll(now: number, group: (datagram: Buffer) => void, send: (member: HubMember, datagram: Buffer) => void): void {
		this.clock = now;
		// Called after every datagram the hub handles: the work for every member only when something
		// is due (the deadline) or there is something to cast, else nothing per member.
		const due = this.nextDeadline();
		const packed = this.pending.length > 0 && !this.paced(now);
		const floor = this.options.rtoFloor;
		// Nothing to pack, cast, drain or do by time: every deadline stands as it was. A cast moves
		// it by the floor alone, where there is one (500 members a round otherwise).
		if ((floor === undefined && (packed || this.castNext < this.head)) || this.draining > 0 || (due !== undefined && now >= due)) this.deadline = STALE;
		if (packed) this.pack(now);
		else if (this.pending.length > 0 && this.deadline !== STALE) this.deadline = Math.min(this.deadline ?? Number.POSITIVE_INFINITY, this.packedAt + CAST_PACE_MS);
		if (packed || this.draining > 0) {
			for (const [member, cursor] of this.cursors) {
				if (member.departedAt !== undefined || (cursor.until !== undefined && this.drained(cursor))) {
					this.drop(member);
				}
			}
		}

		if (this.castNext < this.head) {
			this.castWithinWindow(now, group);
			// A member that had everything now lacks what was cast (its repair due an rto and an ack
			// delay later, no sooner than this); one the window holds stalls (due STALL_MS later).
			if (floor !== undefined && this.deadline !== STALE) this.deadline = Math.min(this.deadline ?? Number.POSITIVE_INFINITY, now + floor + CAST_ACK_MS);
		}

		if (due !== undefined && now >= due) {
			for (const [member, cursor] of this.cursors) {
				if (member.departedAt !== undefined) {
					this.drop(member);
					continue;
				}

				const at = this.repairDue(member, cursor);
				if (at !== undefined && now >= at) {
					// A timeout is no proof of loss (the member may only be slow to ack): `burst` datagrams, oldest first.
					let sent = 0;
					for (let q = cursor.cum + 1; q < this.castNext && sent < cursor.burst; q++) {
						if (!this.isSacked(cursor, q)) {
							this.repair(member, cursor, q, now, send);
							cursor.rtoTo = q;
							sent++;
						}
					}

					cursor.backoff = Math.min(cursor.backoff + 1, 6);
				}

				this.judge(member, cursor, now);
			}

			this.beats(now, group, send);
		}

		if (packed || (due !== undefined && now >= due)) {
			this.trim();
		}
	}

	/** Stops serving the member by the group (it left, or it has all it was owed). */
	private drop(member: HubMember): void {
		const cursor = this.cursors.get(member);
		if (cursor?.until !== undefined) this.draining--;
		if (this.cursors.delete(member)) {
			this.audienceChanged();
			this.retuneAcks();
		}
	}

	/** The member is probed no more. */
	private unprobe(member: HubMember): void {
		if (this.probes.delete(member)) this.audienceChanged();
	}

	/** Who the group's datagrams are for changed: what is worked out from them is worked out again. */
	private audienceChanged(): void {
		this.audienceVersion++;
		this.lowest = undefined;
		this.sized = undefined;
	}

	/** The lowest cumulative ack among the members the group serves (+Infinity: none), kept until it can have changed. */
	private lowestCum(): number {
		if (this.lowest === undefined) {
			let lowest = Number.POSITIVE_INFINITY;
			for (const cursor of this.cursors.values()) lowest = Math.min(lowest, cursor.cum);
			this.lowest = lowest;
		}

		return this.lowest;
	}

	/**
	 * The group's size crossed one of `ackDelayFor`'s steps: members asked for a shorter delay than
	 * its size calls for are told the new one, and so are those asked for four times it or more (the
	 * room shrank by two steps: one step's slack, so a room at a step's edge does not flap).
	 */
	private retuneAcks(): void {
		const target = ackDelayFor(this.cursors.size);
		if (target === this.ackDelayNow) return;
		this.ackDelayNow = target;
		for (const [member, cursor] of this.cursors) {
			if (cursor.ad < target || cursor.ad >= target * 4) {
				cursor.ad = target;
				this.ackDelays.push({member, ad: target});
			}
		}
	}

	/** Members to tell their new ack delay, since last asked: the room puts an `ack-delay` item in each one's stream. */
	takeAckDelays(): Array<{readonly member: HubMember; readonly ad: number}> {
		const taken = this.ackDelays;
		this.ackDelays = [];
		return taken;
	}

	/** The size of the room's datagrams now: the smallest any member the group serves or probes takes. */
	private datagramBytes(): number {
		const of = this.options.datagramBytes;
		if (!of || (this.cursors.size === 0 && this.probes.size === 0)) return BASE_DATAGRAM;
		// Worked out again when the audience changes, else at most every SIZE_CHECK_MS: a path that
		// grew is used a little later; one that shrank meanwhile gets its member resynchronised (judge).
		if (this.sized === undefined || this.clock - this.sized.at >= SIZE_CHECK_MS || this.clock < this.sized.at) {
			let smallest = Number.POSITIVE_INFINITY;
			for (const member of this.audience()) smallest = Math.min(smallest, of(member));
			this.sized = {bytes: Math.max(BASE_DATAGRAM, smallest), at: this.clock};
		}

		return this.sized.bytes;
	}

	/**
	 * Whether what is pending waits (CAST_PACE_MS): the last pack was that recent, and it does not
	 * fill a datagram. A clock that went back does not hold it.
	 */
	private paced(now: number): boolean {
		return now >= this.packedAt && now - this.packedAt < CAST_PACE_MS && this.pendingBytes < recordRoom(this.datagramBytes());
	}

	private pack(now = this.clock): void {
		if (this.pending.length === 0) return;
		this.packedAt = now;
		const plains = packEvents(this.pending, this.pendingFirst, this.datagramBytes());
		const sealed = sealChains(plains, this.head, this.epochNumber, this.key, this.options.signer, this.options.version);
		for (const [index, bytes] of sealed.entries()) {
			this.ring.push({bytes, firstEvent: plains[index]!.firstEvent, castAt: 0});
		}

		this.stats.datagrams += sealed.length;
		this.head += sealed.length;
		this.pending = [];
		this.pendingBytes = 0;
		this.pendingFirst = this.events;
		if (this.cursors.size === 0) {
			// Nobody to cast to: the datagrams stay for repair only until trimmed.
			this.castNext = this.head;
		}
	}

	private castWithinWindow(now: number, group: (datagram: Buffer) => void): void {
		const lowest = this.lowestCum();
		while (this.castNext < this.head && (lowest === Number.POSITIVE_INFINITY || this.castNext <= lowest + GROUP_WINDOW)) {
			const entry = this.entry(this.castNext)!;
			entry.castAt = now;
			group(entry.bytes);
			this.stats.cast++;
			this.castNext++;
		}

		if (this.castNext < this.head) {
			// The window is full: whoever holds it has STALL_MS to catch up.
			for (const cursor of this.cursors.values()) {
				if (cursor.cum === lowest) cursor.heldSince ??= now;
			}
		}
	}

	private judge(member: HubMember, cursor: Cursor, now: number): void {
		if (this.head - (cursor.cum + 1) > RING_MAX) {
			this.forget(member);
			this.decide(member, 'resync', 'fell too far behind the room');
			return;
		}

		const oldest = cursor.cum + 1 < this.castNext ? this.entry(cursor.cum + 1) : undefined;
		if (oldest && oldest.bytes.length > BASE_DATAGRAM) {
			// Timing out again and again on a datagram above 1,200 bytes: its path stopped taking them
			// (RFC 8899's black hole, as for the member's own stream).
			if (cursor.backoff >= BLACK_HOLE_BACKOFF) this.options.blackHole?.(member);
			const fits = this.options.datagramBytes?.(member) ?? BASE_DATAGRAM;
			if (oldest.bytes.length > fits) {
				// A repair is the same bytes, which can no longer reach it: it starts afresh from history,
				// by unicast at the size its path takes, and later datagrams are sealed to fit it.
				this.forget(member);
				this.decide(member, 'resync', `its path no longer takes the room's datagrams of ${oldest.bytes.length} bytes (${fits} at most)`);
				return;
			}
		}

		if (cursor.until !== undefined) return;
		if (cursor.heldSince !== undefined && now - cursor.heldSince >= STALL_MS) {
			cursor.heldSince = undefined;
			this.decide(member, 'unicast', `multicast: it held the room back for ${STALL_MS / 1000} s`);
		} else {
			// The member's own count: what came first by a repair never came by the group in time.
			const group = cursor.byGroup - cursor.judgedGroup;
			const repaired = cursor.byRepair - cursor.judgedRepair;
			// Over LOSS_SPAN datagrams, more than a tenth; or sooner, in a quiet room, when most of the last few came so.
			const quick = repaired >= QUICK_LOSS && repaired * 2 >= group + repaired;
			if (group + repaired >= LOSS_SPAN || quick) {
				if (quick || repaired * 10 > group + repaired) {
					this.decide(member, 'unicast', `multicast: ${Math.round((100 * repaired) / (group + repaired))}% of the group's datagrams came too late or not at all`);
				}

				cursor.judgedGroup = cursor.byGroup;
				cursor.judgedRepair = cursor.byRepair;
			}
		}
	}

	private beats(now: number, group: (datagram: Buffer) => void, send: (member: HubMember, datagram: Buffer) => void): void {
		for (const [member, at] of this.reprobe) {
			if (member.departedAt !== undefined) {
				this.reprobe.delete(member);
				this.probeFailures.delete(member);
			} else if (now >= at) {
				this.probe(member, now);
			}
		}

		for (const [member, probe] of this.probes) {
			if (member.departedAt !== undefined) {
				this.unprobe(member);
			} else if (now - probe.startedAt >= PROBE_MS) {
				this.unprobe(member);
				this.decide(member, 'unicast', 'multicast: no answer to the probe');
				this.probeFailed(member, now);
			}
		}

		if (this.probes.size === 0 || now < this.beatAt) return;
		const beat = sealBeat(this.beat++, this.epochNumber, this.key, this.options.signer, this.options.version);
		group(beat);
		for (const member of this.probes.keys()) send(member, beat);
		this.stats.beats++;
		this.beatAt = now + PROBE_BEAT_MS;
	}

	private decide(member: HubMember, via: ServeDecision['via'], why: string): void {
		this.decisions.push({member, via, why});
		this.reasons.set(member, why);
	}

	/** Why the member is served as it is (the last decision), for /netinfo. */
	why(member: HubMember): string | undefined {
		return this.probes.has(member) ? 'being probed' : this.reasons.get(member);
	}

	private repair(member: HubMember, cursor: Cursor, q: number, now: number, send: (member: HubMember, datagram: Buffer) => void): void {
		const entry = this.entry(q);
		if (!entry) return;
		cursor.sent.set(q, now);
		this.stats.repaired++;
		send(member, entry.bytes);
	}

	/** When the member's oldest unacknowledged datagram is due again, if one is out. */
	private repairDue(member: HubMember, cursor: Cursor): number | undefined {
		const q = cursor.cum + 1;
		if (q >= this.castNext) return undefined;
		const entry = this.entry(q);
		if (!entry) return undefined;
		const last = Math.max(entry.castAt, cursor.sent.get(q) ?? 0);
		// The member's acks wait up to its ack delay (as QUIC's max_ack_delay counts in its timeout).
		return last + (this.options.rto(member) + cursor.ad) * 2 ** cursor.backoff;
	}

	/** Up to `limit` datagrams above the member's ack, not SACKed, whose last send is past its timeout. */
	private overdue(member: HubMember, cursor: Cursor, now: number, limit: number): number[] {
		const wait = this.options.rto(member) + cursor.ad;
		const out: number[] = [];
		for (let q = cursor.cum + 1; q < this.castNext && out.length < limit; q++) {
			const entry = this.entry(q);
			if (!entry) break;
			if (this.isSacked(cursor, q)) continue;
			if (now < Math.max(entry.castAt, cursor.sent.get(q) ?? 0) + wait) break;
			out.push(q);
		}

		return out;
	}

	private isSacked(cursor: Cursor, q: number): boolean {
		return cursor.sacked.some(([from, to]) => q >= from && q <= to);
	}

	/** A draining member has every event before its `until`: no datagram it lacks holds one. */
	private drained(cursor: Cursor): boolean {
		if (this.pending.length > 0 && this.pendingFirst < cursor.until!) return false;
		const next = this.entry(cursor.cum + 1);
		return next === undefined || next.firstEvent >= cursor.until!;
	}

	private entry(q: number): Entry | undefined {
		return q >= this.ringStart && q < this.head ? this.ring[q - this.ringStart] : undefined;
	}

	/** Forgets datagrams every member has (or that nobody is owed). */
	private trim(): void {
		let keep = this.castNext;
		for (const cursor of this.cursors.values()) keep = Math.min(keep, cursor.cum + 1);
		const drop = keep - this.ringStart;
		if (drop > 1024 || (drop > 0 && drop === this.ring.length)) {
			this.ring.splice(0, drop);
			this.ringStart = keep;
		}
	}
}
