import {randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, rm, unlink} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Where an offered file stands on the host. */
export type SpoolState = 'uploading' | 'complete' | 'failed';

/** Thrown to downloads waiting on an upload that failed; the message is the reason. */
export class SpoolFailure extends Error {
	override readonly name = 'SpoolFailure';
}

const base32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A fresh offer id: 40 random bits as 8 lowercase base32 characters. */
export function newOfferId(): string {
	let value = randomBytes(5).readUIntBE(0, 5);
	let id = '';
	for (let i = 0; i < 8; i++) {
		id = base32[value % 32]! + id;
		value = Math.floor(value / 32);
	}

	return id;
}

/** How much of an upload's latest bytes the host keeps in memory for downloads that follow it. */
export const RECENT_BYTES = 32 * 1024 * 1024;

/** One offered file in the spool; downloads wait on it, woken by the upload's progress. */
export class SpoolEntry {
	#received = 0;
	/** The latest chunks stored, oldest first, at most about RECENT_BYTES (see `recentAt`). */
	readonly #recent: Array<{position: number; data: Uint8Array}> = [];
	#recentHead = 0;
	#recentBytes = 0;
	#state: SpoolState = 'uploading';
	#sha256: string | undefined;
	#failure: string | undefined;
	readonly #waiters = new Set<() => void>();
	/** Bytes of this upload counted in the spool's quota: those received. */
	charged = 0;

	constructor(
		readonly id: string,
		readonly name: string,
		readonly size: number,
		readonly from: string,
		readonly path: string,
	) {}

	/** Bytes of the upload already written to the spool file. */
	get received(): number {
		return this.#received;
	}

	/** Whether the upload is running, complete or failed. */
	get state(): SpoolState {
		return this.#state;
	}

	/** Hex sha256, once complete. */
	get sha256(): string | undefined {
		return this.#sha256;
	}

	/** Why the upload failed, once failed. */
	get failure(): string | undefined {
		return this.#failure;
	}

	/** Resolve once more than `position` bytes are stored; reject with SpoolFailure if the upload fails. */
	async waitBeyond(position: number, signal: AbortSignal): Promise<void> {
		return this.#waitUntil(() => this.#received > position, signal);
	}

	/** Resolve once the upload is complete (all bytes, hash known). */
	async waitComplete(signal: AbortSignal): Promise<void> {
		return this.#waitUntil(() => this.#state === 'complete', signal);
	}

	/**
	 * The upload wrote `chunk` to the spool file, next after what it had stored. The chunk is kept
	 * a while, so a download that follows the upload sends it from memory.
	 */
	stored(chunk: Uint8Array): void {
		this.#recent.push({position: this.#received, data: chunk});
		this.#recentBytes += chunk.length;
		this.#received += chunk.length;
		while (this.#recentBytes > RECENT_BYTES && this.#recentHead < this.#recent.length - 1) {
			this.#recentBytes -= this.#recent[this.#recentHead]!.data.length;
			this.#recent[this.#recentHead++] = undefined as never;
		}

		if (this.#recentHead > 1024) {
			this.#recent.splice(0, this.#recentHead);
			this.#recentHead = 0;
		}

		this.#wake();
	}

	/**
	 * Stored bytes from `position` on, as kept in memory (up to the end of one stored chunk), or
	 * undefined when they are no longer kept: then they are read from the spool file. A download
	 * that keeps pace with its upload never touches the disk to read.
	 */
	recentAt(position: number): Uint8Array | undefined {
		const recent = this.#recent;
		if (this.#recentHead >= recent.length || position < recent[this.#recentHead]!.position || position >= this.#received) return undefined;
		// Chunks are contiguous: search from the newest, where a following download nearly always is.
		for (let index = recent.length - 1; index >= this.#recentHead; index--) {
			const {position: start, data} = recent[index]!;
			if (position >= start) return data.subarray(position - start);
		}

		return undefined;
	}

	/** The upload finished whole. */
	complete(sha256: string): void {
		this.#state = 'complete';
		this.#sha256 = sha256;
		this.#forgetRecent();
		this.#wake();
	}

	/** The upload failed. */
	fail(reason: string): void {
		this.#state = 'failed';
		this.#failure = reason;
		this.#forgetRecent();
		this.#wake();
	}

	/** Once the upload ended, downloads read the file: its memory goes back. */
	#forgetRecent(): void {
		this.#recent.length = 0;
		this.#recentHead = 0;
		this.#recentBytes = 0;
	}

	#wake(): void {
		for (const waiter of [...this.#waiters]) waiter();
	}

	async #waitUntil(ready: () => boolean, signal: AbortSignal): Promise<void> {
		for (;;) {
			if (this.#state === 'failed') throw new SpoolFailure(this.#failure ?? 'upload failed');
			if (ready()) return;
			signal.throwIfAborted();
			await new Promise<void>((resolve) => {
				const done = () => {
					this.#waiters.delete(done);
					signal.removeEventListener('abort', done);
					resolve();
				};

				this.#waiters.add(done);
				signal.addEventListener('abort', done, {once: true});
			});
		}
	}
}

/**
 * The host's folder of offered files (a temporary folder), with a quota charged on the bytes that
 * arrived, not on sizes declared: an upload that never sends holds nothing.
 */
export class Spool {
	/** Create the spool folder inside `parent` (default: the system's temp folder). */
	static async create(quota: number, parent: string = os.tmpdir()): Promise<Spool> {
		await mkdir(parent, {recursive: true, mode: 0o700});
		return new Spool(await mkdtemp(path.join(parent, 'socket-chat-spool-')), quota);
	}

	readonly #entries = new Map<string, SpoolEntry>();
	#used = 0;

	private constructor(
		readonly dir: string,
		readonly quota: number,
	) {}

	/** Bytes received by uploads in progress or complete. */
	get used(): number {
		return this.#used;
	}

	/** Bytes of the quota not used. */
	get free(): number {
		return Math.max(0, this.quota - this.#used);
	}

	/** Start a new upload; undefined when its declared size is over what is free now. */
	add(name: string, size: number, from: string): SpoolEntry | undefined {
		if (size > this.free) return undefined;
		let id = newOfferId();
		while (this.#entries.has(id)) id = newOfferId();
		const entry = new SpoolEntry(id, name, size, from, path.join(this.dir, `${id}.data`));
		this.#entries.set(id, entry);
		return entry;
	}

	/** Count `bytes` more of an upload in the quota; false (nothing counted) when they do not fit. */
	charge(entry: SpoolEntry, bytes: number): boolean {
		if (entry.state !== 'uploading' || this.#used + bytes > this.quota) return false;
		this.#used += bytes;
		entry.charged += bytes;
		return true;
	}

	/** The entry for an offer id (failed ones included). */
	get(id: string): SpoolEntry | undefined {
		return this.#entries.get(id);
	}

	/** Mark an upload failed, release its room and remove its file. */
	async fail(entry: SpoolEntry, reason: string): Promise<void> {
		if (entry.state === 'failed') return;
		entry.fail(reason);
		this.#used -= entry.charged;
		entry.charged = 0;
		await unlink(entry.path).catch(() => undefined);
	}

	/** Remove the spool folder and everything in it. */
	async destroy(): Promise<void> {
		await rm(this.dir, {recursive: true, force: true});
	}
}
