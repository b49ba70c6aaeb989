import {HISTORY_EVENTS} from '../limits.js';
import type {RoomEvent} from '../items.js';
import {nameKey} from '../names.js';

type Logged = {readonly seq: number; readonly json: string; readonly dm?: {readonly from: string; readonly to: string}};

/** Recent events kept for catching a returning member up. */
export const LOG_EVENTS = 10_000;
/** Message ids (each with its sender) remembered to drop a message resent after a reconnect. */
export const REMEMBERED_IDS = 20_000;

/**
 * The room's one numbered history: the last number given, the recent events for a new member's
 * welcome (public ones only) and for catching a returning member up (its direct messages too),
 * and the message ids already stamped, each scoped to its sender's name: ids are the member's
 * own, so nobody can pre-empt another's message by sending its id first. Bounded: old entries are
 * dropped in batches.
 */
export class RoomLog {
	private seq = 0;
	private readonly history: string[] = [];
	private readonly log: Logged[] = [];
	private readonly ids = new Set<string>();
	/** The same ids, oldest first, in a ring: which to forget next (no walk over a set's deleted slots). */
	private readonly idRing: string[] = [];
	private idNext = 0;

	/**
	 * @param recent Events from the store, oldest first: the room goes on from them (same numbers).
	 * @param replay Told each of them, parsed once here (the room's reactions are rebuilt from them).
	 */
	constructor(recent: readonly string[] = [], replay?: (event: RoomEvent) => void) {
		for (const json of recent) {
			const event = JSON.parse(json) as RoomEvent;
			replay?.(event);
			this.remember(event, json);
			this.seq = Math.max(this.seq, event.seq);
		}
	}

	/** The last number given to an event. */
	get lastSeq(): number {
		return this.seq;
	}

	/** The number of the oldest event kept, if any. */
	get oldest(): number | undefined {
		return this.log[0]?.seq;
	}

	/** The next event number (never one given before). */
	next(): number {
		return ++this.seq;
	}

	/** Whether a message from `from` with this id was stamped already (among the last `REMEMBERED_IDS`). */
	stamped(from: string, id: string): boolean {
		return this.ids.has(idKey(from, id));
	}

	/** The recent public events a new member's welcome carries. */
	recent(): string[] {
		return this.history.slice(-HISTORY_EVENTS);
	}

	/** Every kept event after `since` that `name` may see: public, and with `dms` its direct messages. */
	missedBy(name: string, since: number, dms: boolean): string[] {
		return this.log.filter(entry => entry.seq > since && (!entry.dm || (dms && (entry.dm.from === name || entry.dm.to === name)))).map(entry => entry.json);
	}

	/** Keeps an event for history, catch-up and duplicate detection. */
	remember(event: RoomEvent, json: string): void {
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

		const mid = 'mid' in event && event.mid !== undefined ? idKey(event.from, event.mid) : undefined;
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
}

/** A message id as the sender scopes it: its name (as names compare) and the id. */
function idKey(from: string, id: string): string {
	return `${nameKey(from)}\n${id}`;
}
