import type {EntryDraft} from './entries.js';
import type {ChatEntry, SessionSnapshot} from './types.js';

/** An entry to add: its kind and text, the rest defaulted (now, live, no mention). */
export type NewEntry = Partial<EntryDraft> & Pick<EntryDraft, 'kind' | 'text'>;

/** Entries kept for the messages pane by default. */
export const SCROLLBACK = 10_000;

/**
 * A session's state for its front ends: an immutable snapshot (the same object until something
 * changes), the entries bounded by the scrollback, and listeners told once per burst of changes.
 * No rules about the room live here: the session decides what changes, the store keeps it.
 */
export class SessionStore {
	private current: SessionSnapshot;
	private entries: ChatEntry[] = [];
	private snapshot: SessionSnapshot | undefined;
	private readonly listeners = new Set<() => void>();
	private readonly entryListeners = new Set<(entry: ChatEntry) => void>();
	private notifyQueued = false;
	private nextId = 1;

	/**
	 * @param initial The snapshot to start from (its entries are ignored: entries are added).
	 * @param scrollback Entries kept; older ones are dropped, in batches.
	 */
	constructor(
		initial: SessionSnapshot,
		private readonly scrollback = SCROLLBACK,
	) {
		this.current = {...initial, entries: []};
	}

	/** Everything but the entries, as it is now (`entries` is always empty here). */
	get state(): SessionSnapshot {
		return this.current;
	}

	/** The snapshot with its entries: the same object until something changes. */
	getSnapshot = (): SessionSnapshot => {
		this.snapshot ??= {...this.current, entries: this.entries.slice()};
		return this.snapshot;
	};

	/** Calls `listener` after changes, once per burst (a microtask later). */
	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	/** Calls `listener` with each entry as it is added, at once. */
	onEntry(listener: (entry: ChatEntry) => void): () => void {
		this.entryListeners.add(listener);
		return () => this.entryListeners.delete(listener);
	}

	/** Merges `patch` into the state. */
	update(patch: Partial<SessionSnapshot>): void {
		this.current = {...this.current, ...patch};
		this.changed();
	}

	/** Adds an entry (with the next id), drops the oldest past the scrollback, tells entry listeners. */
	addEntry(draft: NewEntry): ChatEntry {
		const entry: ChatEntry = {time: Date.now(), fromHistory: false, mentionsMe: false, ...draft, id: this.nextId++};
		this.entries.push(entry);
		const limit = this.scrollback;
		if (this.entries.length > limit + Math.max(50, limit / 10)) {
			this.entries.splice(0, this.entries.length - limit);
		}

		for (const listener of this.entryListeners) {
			listener(entry);
		}

		this.changed();
		return entry;
	}

	/** Empties the messages pane (ids go on increasing). */
	clearEntries(): void {
		this.entries = [];
		this.changed();
	}

	private changed(): void {
		this.snapshot = undefined;
		if (this.notifyQueued) {
			return;
		}

		this.notifyQueued = true;
		queueMicrotask(() => {
			this.notifyQueued = false;
			for (const listener of this.listeners) {
				listener();
			}
		});
	}
}
