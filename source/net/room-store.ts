import {mkdir, open, readFile, rename, writeFile, type FileHandle} from 'node:fs/promises';
import path from 'node:path';

/** Events kept in memory for catching members up, and kept in the log when it is compacted. */
export const KEPT_EVENTS = 10_000;
/** The log is rewritten with only the kept events once it grows past this. */
const COMPACT_BYTES = 16 * 1024 * 1024;

export type RoomMeta = {
	/** The room secret's salt, so members' keys still match after a restart. */
	salt?: string;
};

/**
 * A room's history on disk: an append-only log of room events (one JSON object per line) and
 * a small meta file. Appends are grouped: `commit` writes everything appended since the last
 * commit in one write and one fdatasync, so the hub can acknowledge only what is durable
 * without paying a sync per event. A torn last line (a crash mid-write) is ignored on open.
 */
export class RoomStore {
	private pending: string[] = [];
	private committing: Promise<void> | undefined;
	private bytes: number;

	private constructor(
		private readonly dir: string,
		private file: FileHandle,
		/** Recent events as JSON, oldest first (at most KEPT_EVENTS). */
		readonly events: string[],
		readonly meta: RoomMeta,
		bytes: number,
	) {
		this.bytes = bytes;
	}

	static async open(dir: string): Promise<RoomStore> {
		await mkdir(dir, {recursive: true});
		const log = path.join(dir, 'events.jsonl');
		const text = await readFile(log, 'utf8').catch(() => '');
		const events: string[] = [];
		let lastSeq = 0;
		for (const line of text.split('\n')) {
			try {
				const event = JSON.parse(line) as {seq?: unknown};
				if (typeof event.seq === 'number' && event.seq > lastSeq) {
					lastSeq = event.seq;
					events.push(line);
				}
			} catch {
				// A torn or empty line: the write it belonged to was never acknowledged.
			}
		}

		const meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8').catch(() => '{}')) as RoomMeta;
		const kept = events.slice(-KEPT_EVENTS);
		const file = await open(log, 'a');
		const store = new RoomStore(dir, file, kept, meta, Buffer.byteLength(text));
		if (store.bytes > COMPACT_BYTES) {
			await store.compact();
		}

		return store;
	}

	/** The last sequence number stamped in this room (0 for a new room). */
	get lastSeq(): number {
		const last = this.events.at(-1);
		return last ? (JSON.parse(last) as {seq: number}).seq : 0;
	}

	async saveMeta(meta: RoomMeta): Promise<void> {
		Object.assign(this.meta, meta);
		const temporary = path.join(this.dir, 'meta.json.tmp');
		await writeFile(temporary, JSON.stringify(this.meta));
		await rename(temporary, path.join(this.dir, 'meta.json'));
	}

	/** Adds an event (as JSON); durable once the next `commit` resolves. */
	append(json: string): void {
		this.pending.push(json);
		this.events.push(json);
		if (this.events.length > KEPT_EVENTS * 1.1) {
			this.events.splice(0, this.events.length - KEPT_EVENTS);
		}
	}

	/** Whether appended events wait for a commit. */
	get dirty(): boolean {
		return this.pending.length > 0;
	}

	/** Writes and syncs everything appended so far; commits in flight are chained, never overlapped. */
	async commit(): Promise<void> {
		const previous = this.committing;
		const next = (async () => {
			await previous;
			if (this.pending.length === 0) {
				return;
			}

			const lines = `${this.pending.join('\n')}\n`;
			this.pending = [];
			await this.file.write(lines);
			await this.file.datasync();
			this.bytes += Buffer.byteLength(lines);
		})();
		this.committing = next;
		try {
			await next;
		} finally {
			if (this.committing === next) {
				this.committing = undefined;
			}
		}
	}

	async close(): Promise<void> {
		await this.commit();
		await this.file.close();
	}

	/** Rewrites the log with only the kept events (atomically: a new file renamed over the old). */
	private async compact(): Promise<void> {
		const log = path.join(this.dir, 'events.jsonl');
		const temporary = `${log}.tmp`;
		await writeFile(temporary, this.events.length > 0 ? `${this.events.join('\n')}\n` : '');
		await this.file.close();
		await rename(temporary, log);
		this.file = await open(log, 'a');
		this.bytes = Buffer.byteLength(this.events.join('\n'));
	}
}
