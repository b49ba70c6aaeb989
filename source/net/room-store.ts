import {chmod, mkdir, open, readFile, rename, stat, type FileHandle} from 'node:fs/promises';
import path from 'node:path';
import {HistoryCipher, type HistoryKeyMeta} from './history-cipher.js';

/** Events kept in memory for catching members up, and kept in the log when it is compacted. */
export const KEPT_EVENTS = 10_000;
/** The log is rewritten with only the kept events once it grows past this. */
const COMPACT_BYTES = 16 * 1024 * 1024;

export type RoomMeta = {
	/** A private room's: its history is sealed under a key from its secret (HistoryCipher). */
	history?: HistoryKeyMeta;
};

/** The history holds a private room, but this secret is not the one it was kept under (or none was given). */
export class HistoryKeyError extends Error {
	override readonly name = 'HistoryKeyError';
}

/** The mode of the room's files: the history holds DMs, so only their owner may read them. */
export const ROOM_FILE_MODE = 0o600;
/** The mode of the room's folder, and of the folders made for it. */
export const ROOM_DIR_MODE = 0o700;

/**
 * A room's history on disk: an append-only log of room events (one JSON object per line) and
 * a small meta file. Appends are grouped: `commit` writes everything appended since the last
 * commit in one write and one fdatasync, so the hub can acknowledge only what is durable
 * without paying a sync per event. A torn last line (a crash mid-write) is ignored on open.
 * Files are of mode 0600 in a folder of mode 0700; a room folder made by an older version (0644
 * in 0755) is given those modes on open.
 */
export class RoomStore {
	private pending: string[] = [];
	private committing: Promise<void> | undefined;
	private bytes: number;

	private constructor(
		/** The room's data folder. */
		readonly dir: string,
		private file: FileHandle,
		private readonly cipher: HistoryCipher | undefined,
		/** Recent events as JSON, oldest first (at most KEPT_EVENTS). */
		readonly events: string[],
		readonly meta: RoomMeta,
		bytes: number,
	) {
		this.bytes = bytes;
	}

	/**
	 * Opens (or makes) the history in `dir`. With `secret` (a private room) it is sealed at rest;
	 * a history kept under another secret, or a private one opened without its secret, is a
	 * HistoryKeyError: it is never read, nor written over.
	 */
	static async open(dir: string, options: {secret?: string} = {}): Promise<RoomStore> {
		await mkdir(dir, {recursive: true, mode: ROOM_DIR_MODE});
		await restrict(dir, ROOM_DIR_MODE);
		await restrict(path.join(dir, 'meta.json'), ROOM_FILE_MODE);
		const meta = JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8').catch(() => '{}')) as RoomMeta;
		let cipher: HistoryCipher | undefined;
		if (options.secret !== undefined) {
			const keyed = await HistoryCipher.forSecret(options.secret, meta.history);
			if (!keyed) {
				throw new HistoryKeyError(`the history in ${dir} was kept under another secret`);
			}

			cipher = keyed.cipher;
			meta.history = keyed.meta;
		} else if (meta.history) {
			throw new HistoryKeyError(`${dir} holds a private room's history, and no secret was given`);
		}

		const log = path.join(dir, 'events.jsonl');
		const text = await readFile(log, 'utf8').catch(() => '');
		const events: string[] = [];
		let lastSeq = 0;
		for (const stored of text.split('\n')) {
			try {
				const line = cipher ? cipher.open(stored) : stored;
				if (line === undefined) {
					continue;
				}

				const event = JSON.parse(line) as {seq?: unknown};
				if (typeof event.seq === 'number' && event.seq > lastSeq) {
					lastSeq = event.seq;
					events.push(line);
				}
			} catch {
				// A torn or empty line: the write it belonged to was never acknowledged.
			}
		}

		const kept = events.slice(-KEPT_EVENTS);
		const file = await openPrivate(log, 'a');
		const store = new RoomStore(dir, file, cipher, kept, meta, Buffer.byteLength(text));
		if (cipher) {
			await store.saveMeta({history: meta.history});
		}

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
		await writePrivate(temporary, JSON.stringify(this.meta));
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

			const lines = `${this.pending.map(json => this.encode(json)).join('\n')}\n`;
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

	/** A line as stored: sealed in a private room. */
	private encode(json: string): string {
		return this.cipher ? this.cipher.seal(json) : json;
	}

	/** Rewrites the log with only the kept events (atomically: a new file renamed over the old). */
	private async compact(): Promise<void> {
		const log = path.join(this.dir, 'events.jsonl');
		const temporary = `${log}.tmp`;
		await writePrivate(temporary, this.events.length > 0 ? `${this.events.map(json => this.encode(json)).join('\n')}\n` : '');
		await this.file.close();
		await rename(temporary, log);
		this.file = await openPrivate(log, 'a');
		this.bytes = Buffer.byteLength(this.events.join('\n'));
	}
}

/** Opens (or creates) a file of mode 0600, also when it was there with a wider mode. */
async function openPrivate(file: string, flags: 'a' | 'w'): Promise<FileHandle> {
	const handle = await open(file, flags, ROOM_FILE_MODE);
	try {
		await handle.chmod(ROOM_FILE_MODE);
	} catch (error) {
		await handle.close();
		throw error;
	}

	return handle;
}

/** Writes a whole file of mode 0600 (a stale one left by a crash is truncated and narrowed). */
async function writePrivate(file: string, data: string): Promise<void> {
	const handle = await openPrivate(file, 'w');
	try {
		await handle.writeFile(data);
	} finally {
		await handle.close();
	}
}

/** Takes group and other permissions off an existing file or folder; nothing if it is not there. */
async function restrict(where: string, mode: number): Promise<void> {
	const found = await stat(where).catch(() => undefined);
	if (found !== undefined && (found.mode & 0o077) !== 0) await chmod(where, mode);
}
