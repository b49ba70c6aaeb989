import type {Random} from './random.js';

/**
 * The room store as a disk would keep it: appended events wait in memory; a commit writes them
 * (to the page cache) at once and syncs them some milliseconds later. A crash keeps what was
 * synced, and of what was written but not yet synced, any prefix (the disk may have flushed some
 * of it by itself); nothing that was only appended survives.
 */
export class SimStore {
	/** Synced lines: what any crash keeps. */
	private synced: string[] = [];
	/** Written, not yet synced. */
	private written: string[] = [];
	private pending: string[] = [];
	/** When the commit in progress completes (true time), if one is. */
	syncAt: number | undefined;
	commits = 0;

	constructor(
		private readonly random: Random,
		private readonly syncMs: () => number,
	) {}

	append(json: string): void {
		this.pending.push(json);
	}

	/** Starts a commit at `now` (the hub asked for one): written now, synced at `syncAt`. */
	commit(now: number): void {
		this.written.push(...this.pending);
		this.pending = [];
		this.syncAt = now + this.syncMs();
		this.commits++;
	}

	/** The sync finished. */
	finishSync(): void {
		this.synced.push(...this.written);
		this.written = [];
		this.syncAt = undefined;
	}

	/** What the hub reads back after a crash now; the store keeps it as its whole content. */
	crash(): string[] {
		const survived = this.random.int(0, this.written.length);
		this.synced.push(...this.written.slice(0, survived));
		this.written = [];
		this.pending = [];
		this.syncAt = undefined;
		return [...this.synced];
	}

	/** Every line that is durable now. */
	get durable(): readonly string[] {
		return this.synced;
	}
}
