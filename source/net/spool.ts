import {randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, rm, unlink} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Where an offered file stands on the host. */
export type SpoolState = 'uploading' | 'complete' | 'failed' | 'expired';

/** Thrown to downloads waiting on an upload that failed or an offer that expired; the message is the reason. */
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

/** Failed and expired offers remembered (their downloads are told why), at most; older ones are forgotten. */
const MAX_ENDED = 4096;

/**
 * The upload bytes the host holds in memory, over all uploads: those read and waiting for the
 * disk, and the recent windows kept for downloads that follow an upload. An upload reserves each
 * chunk it read before it reads the next; when the budget is spent, the windows (copies of bytes
 * already on disk) are dropped first, and if that is not enough the upload waits, first come first
 * served, and reads nothing meanwhile: TCP backpressure, not more memory.
 */
export class MemoryBudget {
	#used = 0;
	readonly #queue: Array<{bytes: number; grant: () => void}> = [];
	/** Entries holding a recent window, which can be dropped to make room. */
	readonly #windows = new Set<SpoolEntry>();

	constructor(readonly limit: number) {}

	/** Bytes reserved now. */
	get used(): number {
		return this.#used;
	}

	/** Whether an upload waits for room: recent windows are not kept meanwhile. */
	get waiting(): boolean {
		return this.#queue.length > 0;
	}

	/** Resolves once `bytes` are reserved (drops windows first, then waits); rejects if `signal` aborts first. */
	async acquire(bytes: number, signal?: AbortSignal): Promise<void> {
		signal?.throwIfAborted();
		if (this.#queue.length === 0 && !this.#fits(bytes)) {
			for (const entry of [...this.#windows]) {
				entry.dropRecent();
				if (this.#fits(bytes)) break;
			}
		}

		if (this.#queue.length === 0 && this.#fits(bytes)) {
			this.#used += bytes;
			return;
		}

		await new Promise<void>((resolve, reject) => {
			const waiter = {
				bytes,
				grant: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				},
			};
			const onAbort = () => {
				const index = this.#queue.indexOf(waiter);
				if (index !== -1) this.#queue.splice(index, 1);
				reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
				this.#grant();
			};

			this.#queue.push(waiter);
			signal?.addEventListener('abort', onAbort, {once: true});
			// Windows others hold go first; what this frees goes to the first in line.
			for (const entry of [...this.#windows]) entry.dropRecent();
		});
	}

	/** Gives reserved bytes back; those waiting get them in order. */
	release(bytes: number): void {
		this.#used = Math.max(0, this.#used - bytes);
		this.#grant();
	}

	/** An entry now holds (or no longer holds) a recent window. */
	holdsWindow(entry: SpoolEntry, holds: boolean): void {
		if (holds) this.#windows.add(entry);
		else this.#windows.delete(entry);
	}

	/** A chunk larger than the whole budget still passes, alone. */
	#fits(bytes: number): boolean {
		return this.#used === 0 || this.#used + bytes <= this.limit;
	}

	#grant(): void {
		while (this.#queue.length > 0 && this.#fits(this.#queue[0]!.bytes)) {
			const waiter = this.#queue.shift()!;
			this.#used += waiter.bytes;
			waiter.grant();
		}
	}
}

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
	/** Bytes of this upload counted in the memory budget: waiting for the disk, or in the window. */
	#memory = 0;
	/** Bytes of this upload counted in the spool's quota: those received. */
	charged = 0;
	readonly #expired = new AbortController();

	constructor(
		readonly id: string,
		readonly name: string,
		readonly size: number,
		readonly from: string,
		readonly path: string,
		private readonly budget: MemoryBudget = new MemoryBudget(Number.POSITIVE_INFINITY),
	) {}

	/** Aborted when the offer expires (a running upload is then cut). */
	get expiredSignal(): AbortSignal {
		return this.#expired.signal;
	}

	/** Bytes of this upload held in memory, as the budget counts them. */
	get memory(): number {
		return this.#memory;
	}

	/**
	 * Reserve room in the memory budget for a chunk just read, before it goes to the disk: waits
	 * while the budget is spent (the caller reads nothing more meanwhile).
	 */
	async reserve(bytes: number, signal?: AbortSignal): Promise<void> {
		await this.budget.acquire(bytes, signal);
		if (this.#state === 'uploading') {
			this.#memory += bytes;
		} else {
			this.budget.release(bytes);
		}
	}

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
		// An expired upload's last writes: nothing is served from it any more.
		if (this.#state !== 'uploading') return;
		this.#recent.push({position: this.#received, data: chunk});
		this.#recentBytes += chunk.length;
		this.#received += chunk.length;
		this.budget.holdsWindow(this, true);
		while (this.#recentBytes > RECENT_BYTES && this.#recentHead < this.#recent.length - 1) {
			this.#dropOldest();
		}

		if (this.#recentHead > 1024) {
			this.#recent.splice(0, this.#recentHead);
			this.#recentHead = 0;
		}

		this.#wake();
		// An upload waits for memory: this window is not kept (its bytes are on disk).
		if (this.budget.waiting) this.dropRecent();
	}

	/** Forget the window (downloads read the spool file instead) and give its memory back. */
	dropRecent(): void {
		while (this.#recentHead < this.#recent.length) this.#dropOldest();
		this.#recent.length = 0;
		this.#recentHead = 0;
		this.#recentBytes = 0;
		this.budget.holdsWindow(this, false);
	}

	#dropOldest(): void {
		const {length} = this.#recent[this.#recentHead]!.data;
		this.#recentBytes -= length;
		this.#recent[this.#recentHead++] = undefined as never;
		// Bytes stored without a reservation (tests) were never counted.
		const counted = Math.min(length, this.#memory);
		this.#memory -= counted;
		this.budget.release(counted);
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
		if (this.#state !== 'uploading') return;
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

	/** The offer expired: no more downloads, and a running upload is cut. */
	expire(reason: string): void {
		this.#state = 'expired';
		this.#failure = reason;
		this.#forgetRecent();
		this.#wake();
		this.#expired.abort(new SpoolFailure(reason));
	}

	/** Once the upload ended, downloads read the file: its memory goes back, all of it. */
	#forgetRecent(): void {
		this.dropRecent();
		this.budget.release(this.#memory);
		this.#memory = 0;
	}

	#wake(): void {
		for (const waiter of [...this.#waiters]) waiter();
	}

	async #waitUntil(ready: () => boolean, signal: AbortSignal): Promise<void> {
		for (;;) {
			if (this.#state === 'failed' || this.#state === 'expired') throw new SpoolFailure(this.#failure ?? 'upload failed');
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
	static async create(quota: number, parent: string = os.tmpdir(), memory: MemoryBudget = new MemoryBudget(Number.POSITIVE_INFINITY)): Promise<Spool> {
		await mkdir(parent, {recursive: true, mode: 0o700});
		return new Spool(await mkdtemp(path.join(parent, 'socket-chat-spool-')), quota, memory);
	}

	readonly #entries = new Map<string, SpoolEntry>();
	/** Failed and expired offers, oldest first (MAX_ENDED are remembered). */
	readonly #ended: string[] = [];
	#used = 0;

	private constructor(
		readonly dir: string,
		readonly quota: number,
		readonly memory: MemoryBudget,
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
		const entry = new SpoolEntry(id, name, size, from, path.join(this.dir, `${id}.data`), this.memory);
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

	/** The entry for an offer id (failed and expired ones included, the latest MAX_ENDED of them). */
	get(id: string): SpoolEntry | undefined {
		return this.#entries.get(id);
	}

	/** Mark an upload failed, release its room and remove its file. */
	async fail(entry: SpoolEntry, reason: string): Promise<void> {
		if (entry.state === 'failed' || entry.state === 'expired') return;
		entry.fail(reason);
		await this.#end(entry);
	}

	/** An offer expired: mark it, cut its upload if it runs, release its room and remove its file. */
	async expire(entry: SpoolEntry, reason: string): Promise<void> {
		if (entry.state === 'failed' || entry.state === 'expired') return;
		entry.expire(reason);
		await this.#end(entry);
	}

	async #end(entry: SpoolEntry): Promise<void> {
		this.#used -= entry.charged;
		entry.charged = 0;
		this.#ended.push(entry.id);
		if (this.#ended.length > MAX_ENDED) this.#entries.delete(this.#ended.shift()!);
		await unlink(entry.path).catch(() => undefined);
	}

	/** Remove the spool folder and everything in it. */
	async destroy(): Promise<void> {
		await rm(this.dir, {recursive: true, force: true});
	}
}
