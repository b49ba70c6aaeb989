import type {KeyObject} from 'node:crypto';
import {fromBase64} from '../secure/base64.js';
import {CAST_ACK_MS, CAST_ACK_MAX_MS, castHash, castVerifier, openCast, openCastKnown, readCastHead, recordMessage, verifyCast, type CastHead, type CastMessage, type CastOpened, type CastRecord} from './cast-wire.js';
import {PROBE_BEAT_MS, PROBE_BEATS} from './room-cast.js';

/**
 * The room stream's part of a welcome: its group, port, and the epoch key. `g6`, for a member that
 * came over IPv6: the room's IPv6 group, the one it opens (`g` is then the IPv4 group, for members
 * of earlier releases, which read only that).
 */
export type CastInfo = {readonly g: string; readonly g6?: string; readonly p: number; readonly e: number; readonly key: string};

/** The group a member opens: its welcome's IPv6 group when it has one, else the IPv4 group. */
export function castGroup(info: CastInfo): string {
	return info.g6 ?? info.g;
}
/** How the hub serves this member, and why (shown by /netinfo). */
export type Served = {readonly via: 'group' | 'unicast'; readonly why: string};

/** Datagrams received unacknowledged that make an ack go at once. */
const ACK_EVERY = 64;
/** Datagrams held beyond the next one in order, at most; and group datagrams kept before the group serves us. */
const BUFFER_MAX = 4096;
const STASH_MAX = 256;
const MAX_SACK = 16;
const KEYS_KEPT = 256;
/** Candidates kept per datagram number (the newest), and datagrams waiting for their key, at most. */
const CANDIDATES = 4;
const WAITING_MAX = 1024;
/** Beats that came by unicast this soon after the group socket opened are not judged (the join may not have taken yet). */
const PROBE_SETTLE_MS = 20;
/** Beats older than this belong to an earlier probe. */
const PROBE_RECENT_MS = 1000;

/**
 * MemberCasts alive in this process (one is counted out once collected: a join retried under
 * another name leaves one behind). With one (a TUI, a script), the process-wide memo of opened
 * datagrams (`openCastKnown`), which only members sharing a process gain from, would only hold memory.
 */
let live = 0;
const collected = new FinalizationRegistry<undefined>(() => {
	live--;
});

/**
 * The room stream at a member, with no I/O: datagrams from the group or by unicast (`accept`),
 * checked (the hub's signature on the first of each chain, each one's hash in the one before it)
 * and opened under the epoch key, delivered in order from where the hub's marker says (`marker`);
 * acknowledged (`ackFrame`); and the probe's beats counted, both ways, into its answer.
 */
export class MemberCast {
	mode: 'stream' | 'group' | 'draining' = 'stream';
	served: Served | undefined;
	/** The hub's last changes of how it serves us, oldest first (this session). */
	readonly history: Served[] = [];
	info: CastInfo | undefined;
	/** The group socket is open (false: it could not be; undefined: not yet asked). */
	groupOpen: boolean | undefined;
	/** The member turned multicast off (the probe's answer says so, and the hub uses unicast). */
	groupOff = false;
	/** When it opened: beats sent before then never had a chance by the group. */
	groupOpenedAt = 0;
	/** When the hub was last heard by the room stream (an authentic datagram or beat). */
	heardAt = 0;
	/** Counts for /netinfo. */
	readonly stats = {group: 0, unicast: 0, repaired: 0, dropped: 0};
	private verifier: KeyObject | undefined;
	private readonly keys = new Map<number, Uint8Array>();
	private next = 0;
	private from = 0;
	private until = 0;
	private nextEvent = 0;
	private expect: Buffer | undefined;
	/** Datagrams held by number: a few candidates each (a forgery must not keep the real one out). */
	private readonly buffer = new Map<number, Held[]>();
	/** Candidates held whose epoch key has not come yet. */
	private waitingForKey = 0;
	/** The epoch of the last datagram delivered: anything older is not the stream's any more. */
	private epochFloor = 0;
	/** How each held datagram first came (the group, or a repair by unicast). */
	private readonly firstVia = new Map<number, 'group' | 'unicast'>();
	/** Datagrams delivered whose first copy came by the group, and by a unicast repair: the hub's measure of the group's loss. */
	private byGroup = 0;
	private byRepair = 0;
	private stash: Buffer[] = [];
	private partial: Buffer[] | undefined;
	private unacked = 0;
	/** How long a gap-free ack waits: the hub's word (longer in a large room), CAST_ACK_MS until it says. */
	ackDelay = CAST_ACK_MS;
	private ackAt: number | undefined;
	private ackNow = false;
	private readonly beatsByUnicast = new Map<number, number>();
	private readonly beatsByGroup = new Map<number, number>();
	private pendingReport: string | undefined;
	private now = 0;
	/** Back on unicast after draining: repairs still coming are answered with our last ack (the hub may not have it). */
	private drainedAck = false;

	constructor() {
		live++;
		collected.register(this, undefined);
	}

	/** A welcome: the room stream starts afresh (served by our stream until the hub's marker). */
	welcome(info: CastInfo | undefined, hubKey: Uint8Array | undefined): void {
		// A key of a later epoch may have come before this welcome (it was made before a rekey).
		const later = [...this.keys].filter(([epoch]) => info !== undefined && epoch > info.e);
		this.reset();
		for (const [epoch, key] of later) this.keys.set(epoch, key);
		this.info = info;
		this.verifier = hubKey && castVerifier(hubKey);
		const key = info && fromBase64(info.key);
		if (info && key?.length === 32) this.keys.set(info.e, key);
	}

	/** A new epoch key, from our stream. */
	addKey(epoch: number, text: string): StreamEvent[] {
		const key = fromBase64(text);
		if (key?.length !== 32) return [];
		this.keys.set(epoch, key);
		// Keys go once a later epoch's datagram is delivered (see drain); this only bounds the map.
		for (const old of [...this.keys.keys()].sort((a, b) => a - b).slice(0, Math.max(0, this.keys.size - KEYS_KEPT))) this.keys.delete(old);
		return this.drain();
	}

	/**
	 * The hub's marker, in our stream's order: the group serves us from event `e` (its datagrams from
	 * `q`), or unicast does from event `e` (we first take every event before it from the group).
	 */
	marker(via: 'group' | 'unicast', why: string, event: number | undefined, q: number | undefined, ackDelay?: number): StreamEvent[] {
		if (ackDelay !== undefined) this.setAckDelay(ackDelay);
		this.served = {via, why};
		this.history.push(this.served);
		if (this.history.length > 16) this.history.shift();
		if (via === 'group' && event !== undefined && q !== undefined) {
			this.mode = 'group';
			this.drainedAck = false;
			this.next = q;
			this.from = event;
			this.nextEvent = event;
			this.expect = undefined;
			this.partial = undefined;
			const stash = this.stash;
			this.stash = [];
			for (const datagram of stash) this.hold(datagram, readCastHead(datagram)!, 'group');
			return this.drain();
		}

		if (via === 'unicast' && event !== undefined && this.mode === 'group') {
			this.until = event;
			this.mode = this.nextEvent >= event ? 'stream' : 'draining';
			if (this.mode === 'stream') this.leaveGroup();
		}

		return [];
	}

	/** The hub's ack delay for us (a marker's `ad`, or an `ack-delay` item), within CAST_ACK_MS and CAST_ACK_MAX_MS. */
	setAckDelay(ms: number): void {
		this.ackDelay = Math.min(CAST_ACK_MAX_MS, Math.max(CAST_ACK_MS, Math.round(ms)));
		if (this.ackAt !== undefined) this.ackAt = Math.min(this.ackAt, this.now + this.ackDelay);
	}

	/** Our stream's later items wait: we still owe ourselves the room's events before the switch to unicast. */
	get holdsStream(): boolean {
		return this.mode === 'draining';
	}

	/** A datagram of the room stream, from the group or by unicast: the room events it completes, in order. */
	accept(datagram: Buffer, head: CastHead, via: 'group' | 'unicast', now: number): StreamEvent[] {
		this.now = now;
		if (via === 'group') this.stats.group++;
		else this.stats.unicast++;
		if (head.beat) {
			this.beat(datagram, head, via, now);
			return [];
		}

		if (this.mode === 'stream') {
			if (via === 'unicast' && this.drainedAck) {
				this.ackNow = true;
			}

			if (via === 'group') {
				this.stash.push(datagram);
				if (this.stash.length > STASH_MAX) this.stash.shift();
			}

			return [];
		}

		if (head.q < this.next) {
			// Repaired twice, or a copy both ways: the hub should hear we have it.
			this.ackNow = true;
			return [];
		}

		this.hold(datagram, head, via);
		const events = this.drain();
		this.unacked++;
		if (this.buffer.size > 0 || this.unacked >= ACK_EVERY) this.ackNow = true;
		else this.ackAt ??= now + this.ackDelay;
		return events;
	}

	/** Frames to send now (the room stream's ack, the probe's answer), or nothing yet. */
	frames(now: number): string[] {
		const out: string[] = [];
		if (this.pendingReport) {
			out.push(this.pendingReport);
			this.pendingReport = undefined;
		}

		if ((this.mode !== 'stream' || this.drainedAck) && (this.ackNow || (this.ackAt !== undefined && now >= this.ackAt))) {
			this.ackNow = false;
			this.ackAt = undefined;
			this.unacked = 0;
			const ranges = this.ranges();
			out.push(`{"t":"ca","c":${this.next - 1}${ranges.length > 0 ? `,"s":${JSON.stringify(ranges)}` : ''},"g":${this.byGroup},"r":${this.byRepair}}`);
		}

		return out;
	}

	/** Something waits to be sent now. */
	get due(): boolean {
		return this.pendingReport !== undefined || this.ackNow;
	}

	/** When the delayed ack is due. */
	nextDeadline(): number | undefined {
		return this.mode === 'stream' ? undefined : this.ackAt;
	}

	/** The session ended (or restarts): nothing of the old room stream is kept. */
	reset(): void {
		this.mode = 'stream';
		this.served = undefined;
		this.history.length = 0;
		this.keys.clear();
		this.buffer.clear();
		this.waitingForKey = 0;
		this.epochFloor = 0;
		this.firstVia.clear();
		this.byGroup = 0;
		this.byRepair = 0;
		this.stash = [];
		this.partial = undefined;
		this.expect = undefined;
		this.ackAt = undefined;
		this.ackNow = false;
		this.unacked = 0;
		this.ackDelay = CAST_ACK_MS;
		this.beatsByGroup.clear();
		this.beatsByUnicast.clear();
		this.pendingReport = undefined;
		this.drainedAck = false;
	}

	private leaveGroup(): void {
		this.drainedAck = true;
		this.ackNow = true;
		this.buffer.clear();
		this.waitingForKey = 0;
		this.firstVia.clear();
		this.partial = undefined;
		this.ackAt = undefined;
	}

	/**
	 * Holds a datagram until its turn. One that does not open under its epoch's key is dropped at
	 * once (an outsider has no key); one whose key has not come yet waits, a bounded number of them.
	 * Each number keeps its newest few candidates, so a repair always gets in beside a forgery.
	 */
	private hold(datagram: Buffer, head: CastHead, via: 'group' | 'unicast'): void {
		if (head.q < this.next || head.q >= this.next + BUFFER_MAX || head.epoch < this.epochFloor) return;
		const key = this.keys.get(head.epoch);
		if (!key && this.waitingForKey >= WAITING_MAX) return;
		// Its hash: the memo's key, the next link of its chain, and a copy's mark.
		const digest = castHash(datagram);
		const opened = key ? open(datagram, digest, head, key) : undefined;
		if (key && !opened) {
			this.stats.dropped++;
			return;
		}

		const held = this.buffer.get(head.q) ?? [];
		if (held.some(other => other.digest.equals(digest))) return;
		if (held.length >= CANDIDATES) this.release(held.shift()!);
		held.push({bytes: datagram, digest, head, opened, ...(opened ? {} : {waits: true as const})});
		if (!opened) this.waitingForKey++;
		if (held.length === 1) {
			this.buffer.set(head.q, held);
			this.firstVia.set(head.q, via);
		}
	}

	private release(candidate: Held): void {
		if (candidate.waits) {
			candidate.waits = undefined;
			this.waitingForKey--;
		}
	}

	private drain(): StreamEvent[] {
		const events: StreamEvent[] = [];
		while (this.mode !== 'stream') {
			const held = this.buffer.get(this.next);
			if (!held) break;
			let chosen: Held | undefined;
			let waiting = false;
			for (const candidate of held) {
				if (!candidate.opened) {
					const key = this.keys.get(candidate.head.epoch);
					if (!key) {
						waiting = true; // its key is on its way in our stream
						continue;
					}

					this.release(candidate);
					candidate.opened = open(candidate.bytes, candidate.digest, candidate.head, key);
					if (!candidate.opened) continue;
				}

				// The hub's: signed, or the one the datagram before it named.
				const authentic = candidate.head.signed ? this.verifier !== undefined && verifyCast(candidate.bytes, this.verifier, candidate.digest) : this.expect !== undefined && candidate.digest.equals(this.expect);
				if (authentic) {
					chosen = candidate;
					break;
				}

				candidate.opened = undefined;
				candidate.forged = true;
			}

			if (!chosen) {
				if (!waiting) {
					// Not the hub's: dropped; the real one comes again (our ack leaves this number out).
					for (const candidate of held) this.release(candidate);
					this.buffer.delete(this.next);
					this.firstVia.delete(this.next);
					this.stats.dropped++;
					this.ackNow = true;
				} else {
					for (const [index, candidate] of [...held.entries()].reverse()) if (candidate.forged) held.splice(index, 1);
				}

				break;
			}

			for (const candidate of held) this.release(candidate);
			this.buffer.delete(this.next);
			const via = this.firstVia.get(this.next);
			this.firstVia.delete(this.next);
			if (via === 'group') this.byGroup++;
			else this.byRepair++;
			this.next++;
			this.heardAt = this.now;
			this.expect = chosen.opened!.next;
			this.epochFloor = chosen.head.epoch;
			for (const epoch of this.keys.keys()) {
				// Nothing later in the stream is sealed under an older epoch.
				if (epoch < chosen.head.epoch) this.keys.delete(epoch);
			}

			this.records(chosen.opened!.firstEvent, chosen.opened!.records, events);
		}

		return events;
	}

	private records(firstEvent: number, records: readonly CastRecord[], events: StreamEvent[]): void {
		let index = firstEvent;
		for (const record of records) {
			if (record.kind === 4) {
				const message = recordMessage(record, live > 1);
				if (message) this.event(index, message, events);
				index++;
			} else if (record.kind === 0) {
				this.event(index++, Buffer.from(record.bytes), events);
			} else if (record.kind === 1) {
				this.partial = [Buffer.from(record.bytes)];
			} else if (this.partial) {
				this.partial.push(Buffer.from(record.bytes));
				if (record.kind === 3) {
					const whole = Buffer.concat(this.partial);
					this.partial = undefined;
					this.event(index++, whole, events);
				}
			} else if (record.kind === 3) {
				index++;
			}
		}
	}

	private event(index: number, bytes: Buffer | CastMessage, events: StreamEvent[]): void {
		if (this.mode === 'stream' || index < this.from) return;
		if (this.mode === 'draining' && index >= this.until) {
			this.mode = 'stream';
			this.leaveGroup();
			return;
		}

		this.nextEvent = index + 1;
		events.push(bytes);
		if (this.mode === 'draining' && this.nextEvent >= this.until) {
			this.mode = 'stream';
			this.leaveGroup();
		}
	}

	/** A beat: when it came, each way; with enough by unicast, the answer to the probe. */
	private beat(datagram: Buffer, head: CastHead, via: 'group' | 'unicast', now: number): void {
		const key = this.keys.get(head.epoch);
		if (!key || !this.verifier) return;
		const digest = castHash(datagram);
		if (!verifyCast(datagram, this.verifier, digest) || !open(datagram, digest, head, key)) return;
		this.heardAt = now;
		// Unicast beats count from when the group socket is open (or known not to be): the probe is fair then.
		if (via === 'unicast' && (this.groupOpen === undefined || now < this.groupOpenedAt + PROBE_SETTLE_MS)) return;
		const seen = via === 'group' ? this.beatsByGroup : this.beatsByUnicast;
		if (seen.has(head.q)) return;
		seen.set(head.q, now);
		if (seen.size > 64) seen.delete(seen.keys().next().value!);
		if (via === 'group') return;
		// A beat is judged once its group copy has had a beat's time here, counted from when its
		// unicast copy was read: a busy process reads several queued unicast beats in one go, before
		// the group socket's copies of them (judging those at once counted them missed by the group).
		// Only this probe's beats (an earlier probe's say nothing of the link now), and none sent
		// before the first the group brought: the membership may not have taken effect for those
		// (a busy process reads a unicast copy late, after the group socket opened).
		let firstByGroup = Number.POSITIVE_INFINITY;
		for (const beat of this.beatsByGroup.keys()) firstByGroup = Math.min(firstByGroup, beat);
		const judged = [...this.beatsByUnicast]
			.filter(([beat, at]) => beat < head.q && at <= now - PROBE_BEAT_MS && at >= now - PROBE_RECENT_MS && (firstByGroup === Number.POSITIVE_INFINITY || beat >= firstByGroup))
			.slice(-PROBE_BEATS * 2);
		if (judged.length < PROBE_BEATS) return;
		const late = judged.flatMap(([beat, at]) => (this.beatsByGroup.has(beat) ? [this.beatsByGroup.get(beat)! - at] : [])).sort((a, b) => a - b);
		const median = late.length > 0 ? Math.round(late[Math.floor(late.length / 2)]!) : 0;
		this.pendingReport = `{"t":"probe","u":${judged.length},"g":${late.length},"l":${median}${this.groupOff ? ',"o":true' : ''}}`;
	}

	/**
	 * Ranges above the next in order that we hold, for the hub's repairs. Held is not yet checked: a
	 * forged datagram acknowledged here is dropped when its turn comes, and the next ack leaves it
	 * out, so the hub repairs it at its timeout (a forger delays, it cannot stop the stream).
	 */
	private ranges(): Array<[number, number]> {
		// Only numbers with a candidate that opened: an outsider (no key) cannot stop a repair.
		const held = [...this.buffer].filter(([q, candidates]) => q > this.next && candidates.some(candidate => candidate.opened)).map(([q]) => q).sort((a, b) => a - b);
		const out: Array<[number, number]> = [];
		for (const q of held) {
			const last = out.at(-1);
			if (last && last[1] === q - 1) last[1] = q;
			else if (out.length < MAX_SACK) out.push([q, q]);
		}

		return out;
	}
}

/** A datagram opened: through the process's memo when other members share the process. */
function open(datagram: Buffer, digest: Buffer, head: CastHead, key: Uint8Array): CastOpened | undefined {
	return live > 1 ? openCastKnown(datagram, digest, head, key) : openCast(datagram, head, key);
}

/** A datagram held for its turn: opened already when its key was known. */
type Held = {readonly bytes: Buffer; readonly digest: Buffer; readonly head: CastHead; opened?: CastOpened; forged?: true; waits?: true};

/** A room event as the room stream carried it: its JSON bytes, or a message decoded from its binary record. */
export type StreamEvent = Buffer | CastMessage;
