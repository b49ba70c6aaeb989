import {type ResourceLimits, Worker} from 'node:worker_threads';
import type {Pixels} from './half-blocks.js';
import type {ImageFormat, ImageSize} from './image-header.js';

/** What the thread sends its worker: one image whose header was read and bounded. */
export type DecodeRequest = {readonly bytes: Uint8Array; readonly format: ImageFormat; readonly size: ImageSize; readonly maxSide: number};
/** What the worker answers: the pixels, or that the file is broken. */
export type DecodeReply = {readonly ok: true; readonly width: number; readonly height: number; readonly data: Uint8Array} | {readonly ok: false};

/** What came of one image: the pixels and the thread that decoded them, or why there are none. */
export type ThreadOutcome = {readonly ok: true; readonly image: Pixels; readonly thread: number} | {readonly ok: false; readonly reason?: string};

export type DecoderOptions = {
	/** The worker's script; tests give their own (one that hangs, or crashes). */
	readonly script?: URL;
	/** How long one image may take before its worker is ended. */
	readonly timeoutMs?: number;
	readonly resourceLimits?: ResourceLimits;
};

/** Ten seconds for one image. */
export const decodeTimeoutMs = 10_000;
/** The worker's own heap: enough for the decoders' bookkeeping; pixels are bounded by the header check. */
export const decoderLimits: ResourceLimits = {maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16, stackSizeMb: 4};

/**
 * The worker's script: beside this module once built (dist/, and so in a package run by npx).
 * Under vitest this module is its TypeScript source, which a worker thread cannot run: the build
 * of the script is used then, so the tests need `npm run build` first (`npm test` does it).
 */
export function defaultWorkerScript(here: string = import.meta.url): URL {
	return here.endsWith('.ts') ? new URL('../../../dist/source/ui/preview/decode-worker.js', here) : new URL('./decode-worker.js', here);
}

type Job = {readonly request: DecodeRequest; readonly settle: (outcome: ThreadOutcome) => void};

const tooLong = (ms: number) => `took too long to decode (over ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`})`;

function crashReason(error: unknown): string {
	const code = (error as {code?: unknown} | undefined)?.code;
	if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'too large to preview (decoding it ran out of memory)';
	const message = error instanceof Error ? error.message : String(error);
	return `could not be decoded (the decoder stopped: ${message})`;
}

/**
 * One worker thread that decodes images, started on first use and kept for the next; images wait
 * their turn, one at a time. One that takes longer than the time bound ends its worker, and so
 * does a worker that crashed or went over its memory: that image gets a reason, the next one a
 * fresh worker. The worker never keeps the process alive.
 */
export class DecoderThread {
	readonly #script: URL;
	readonly #timeoutMs: number;
	readonly #limits: ResourceLimits;
	readonly #queue: Job[] = [];
	#worker: Worker | undefined;
	#current: Job | undefined;
	#timer: NodeJS.Timeout | undefined;

	constructor(options: DecoderOptions = {}) {
		this.#script = options.script ?? defaultWorkerScript();
		this.#timeoutMs = options.timeoutMs ?? decodeTimeoutMs;
		this.#limits = options.resourceLimits ?? decoderLimits;
	}

	/** Decodes the image in the worker; never rejects. */
	decode(request: DecodeRequest): Promise<ThreadOutcome> {
		return new Promise(settle => {
			this.#queue.push({request, settle});
			this.#next();
		});
	}

	/** Ends the worker (and fails what is waiting); a later decode starts a new one. */
	async close(): Promise<void> {
		const worker = this.#worker;
		for (const job of this.#queue.splice(0)) job.settle({ok: false, reason: 'could not be decoded (the decoder was closed)'});
		if (worker) this.#fail(worker, 'could not be decoded (the decoder was closed)');
		await worker?.terminate();
	}

	#next(): void {
		if (this.#current !== undefined) return;
		const job = this.#queue.shift();
		if (job === undefined) return;
		this.#current = job;
		let worker: Worker;
		try {
			worker = this.#worker ?? this.#start();
			this.#timer = setTimeout(() => this.#fail(worker, tooLong(this.#timeoutMs)), this.#timeoutMs);
			this.#timer.unref();
			// The bytes are copied: the caller keeps its own.
			worker.postMessage(job.request);
		} catch (error) {
			if (this.#worker) this.#fail(this.#worker, crashReason(error));
			else this.#finish({ok: false, reason: crashReason(error)});
		}
	}

	#start(): Worker {
		// None of the process's own flags (some, such as --input-type, a worker refuses).
		const worker = new Worker(this.#script, {resourceLimits: this.#limits, execArgv: []});
		worker.on('message', (reply: DecodeReply) => {
			if (worker !== this.#worker) return;
			if (!reply.ok) this.#finish({ok: false});
			else this.#finish({ok: true, image: {width: reply.width, height: reply.height, data: reply.data}, thread: worker.threadId});
		});
		worker.on('error', error => this.#fail(worker, crashReason(error)));
		worker.on('exit', code => this.#fail(worker, `could not be decoded (the decoder stopped, code ${code})`));
		// After the listeners: adding one re-references the worker.
		worker.unref();
		this.#worker = worker;
		return worker;
	}

	/** The worker is done for: drop it, and give the image it had the reason. */
	#fail(worker: Worker, reason: string): void {
		if (worker !== this.#worker) return;
		this.#worker = undefined;
		void worker.terminate();
		if (this.#current !== undefined) this.#finish({ok: false, reason});
	}

	#finish(outcome: ThreadOutcome): void {
		clearTimeout(this.#timer);
		const job = this.#current;
		this.#current = undefined;
		job?.settle(outcome);
		this.#next();
	}
}
