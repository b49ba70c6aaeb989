import prettyBytes from 'pretty-bytes';
import {PEEK_MAX_BYTES, type TransferPort} from './ports.js';
import type {FileOffer} from './types.js';

/** Fetched into memory at the same time, at most (the rest wait their turn). */
const AT_ONCE = 2;

/**
 * Small offers fetched into memory, written nowhere: what an image preview shows before anyone
 * downloads the file. One fetch per offer at a time (asked again while running: the same
 * promise), at most AT_ONCE together; all stopped by `close`. Refusals are errors in words.
 */
export class Peeks {
	readonly #running = new Map<string, Promise<Uint8Array>>();
	readonly #waiting: Array<() => void> = [];
	readonly #stop = new AbortController();
	#active = 0;

	constructor(
		private readonly port: TransferPort | undefined,
		private readonly offers: () => readonly FileOffer[],
	) {}

	/** The bytes of the offer `id`: rejects when it is unknown, failed, still uploading, a folder, or over PEEK_MAX_BYTES. */
	peek(id: string): Promise<Uint8Array> {
		const running = this.#running.get(id);
		if (running) return running;
		const offer = this.offers().find(candidate => candidate.id === id);
		const refusal = this.refusal(offer);
		if (refusal !== undefined) return Promise.reject(new Error(refusal));
		const fetching = this.turn(async () => this.port!.peek!(offer!, {signal: this.#stop.signal})).finally(() => this.#running.delete(id));
		this.#running.set(id, fetching);
		return fetching;
	}

	/** Stops every fetch (they reject) and refuses new ones. */
	close(): void {
		this.#stop.abort();
		for (const wake of this.#waiting.splice(0)) wake();
	}

	private refusal(offer: FileOffer | undefined): string | undefined {
		if (this.#stop.signal.aborted) return 'the session has ended';
		if (offer === undefined) return 'no such file offer';
		if (this.port?.peek === undefined) return 'no file transfer in this room';
		if (offer.failed !== undefined) return `its upload failed (${offer.failed})`;
		if (!offer.complete) return 'it is still being uploaded';
		if (offer.files !== undefined) return 'it is a folder';
		if (offer.size > PEEK_MAX_BYTES) return `it is ${prettyBytes(offer.size)}, over the ${prettyBytes(PEEK_MAX_BYTES)} fetched before a download`;
		return undefined;
	}

	private async turn<T>(work: () => Promise<T>): Promise<T> {
		while (this.#active >= AT_ONCE) {
			await new Promise<void>(wake => this.#waiting.push(wake));
			if (this.#stop.signal.aborted) throw new Error('the session has ended');
		}

		this.#active++;
		try {
			return await work();
		} finally {
			this.#active--;
			this.#waiting.shift()?.();
		}
	}
}
