import type {FileHandle} from 'node:fs/promises';

/**
 * Writes a stream of chunks to a file at increasing positions without making the reader wait for
 * each write: chunks that arrive while a write is running are gathered and go out together in one
 * `writev` when it ends. The network side keeps reading and hashing while the disk writes, and a
 * gigabyte takes a few thousand system calls instead of one per 64 KiB read.
 *
 * `push` waits only when more than `limitBytes` are waiting for the disk (so memory stays bounded
 * when the disk is the slower side); `flush` waits for everything. The first failed write is
 * kept: every later `push` or `flush` rejects with it, and nothing more is written.
 */
export class WriteBehind {
	#pending: Uint8Array[] = [];
	#pendingBytes = 0;
	#running: Promise<void> | undefined;
	#failure: unknown;
	#failed = false;
	#position: number;

	constructor(
		private readonly file: FileHandle,
		position: number,
		/** Called after each write with the chunks now on disk, in order. */
		private readonly onWritten: (chunks: readonly Uint8Array[]) => void = () => undefined,
		private readonly limitBytes = 16 * 1024 * 1024,
	) {
		this.#position = position;
	}

	/** Queues a chunk (kept by reference: the caller must not change it afterwards). */
	async push(chunk: Uint8Array): Promise<void> {
		this.#throwIfFailed();
		if (chunk.length === 0) return;
		this.#pending.push(chunk);
		this.#pendingBytes += chunk.length;
		this.#running ??= this.#drain();
		while (this.#pendingBytes > this.limitBytes && this.#running) {
			await this.#running;
			this.#throwIfFailed();
		}
	}

	/** Resolves once every pushed chunk is written; rejects with the first write's failure. */
	async flush(): Promise<void> {
		while (this.#running) await this.#running;
		this.#throwIfFailed();
	}

	async #drain(): Promise<void> {
		try {
			while (this.#pending.length > 0 && !this.#failed) {
				const chunks = this.#pending;
				const bytes = this.#pendingBytes;
				this.#pending = [];
				this.#pendingBytes = 0;
				await this.#write(chunks, bytes);
				this.#position += bytes;
				this.onWritten(chunks);
			}
		} catch (error) {
			this.#failed = true;
			this.#failure = error;
			this.#pending = [];
			this.#pendingBytes = 0;
		} finally {
			this.#running = undefined;
		}
	}

	/** All of `chunks` at the current position, going on after a short write. */
	async #write(chunks: Uint8Array[], bytes: number): Promise<void> {
		let done = (await this.file.writev(chunks, this.#position)).bytesWritten;
		while (done < bytes) {
			// A short write (rare: a signal, a nearly full disk): the rest, piece by piece.
			let skip = done;
			const rest: Uint8Array[] = [];
			for (const chunk of chunks) {
				if (skip >= chunk.length) {
					skip -= chunk.length;
				} else {
					rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
					skip = 0;
				}
			}

			const {bytesWritten} = await this.file.writev(rest, this.#position + done);
			if (bytesWritten === 0) throw Object.assign(new Error('no bytes written'), {code: 'EIO'});
			done += bytesWritten;
		}
	}

	#throwIfFailed(): void {
		if (this.#failed) throw this.#failure;
	}
}
