import prettyBytes from 'pretty-bytes';
import type {TransferPort} from './ports.js';
import type {FileOffer, Transfer, TransferDirection} from './types.js';

type Mutable<T> = {-readonly [K in keyof T]: T[K]};
type Record_ = Mutable<Transfer> & {sampleAt: number; sampleBytes: number; emittedAt: number};

/** Progress is shown at most this often; starts and ends always at once. */
const PROGRESS_EVERY_MS = 100;

/**
 * The member's transfers: starts uploads and downloads through the port, keeps their state,
 * smooths their speed, and reports changes (progress throttled so a fast copy cannot flood the
 * front ends). Uploads are known by a local id ("u1") until the host names the offer.
 */
export class TransferBook {
	private readonly records = new Map<string, Record_>();
	private readonly controllers = new Map<string, AbortController>();
	private uploads = 0;
	private cached: Transfer[] | undefined;
	/** Downloads cut off by a lost connection: their partial files stay, to resume. */
	private readonly interrupted = new Map<string, FileOffer>();

	constructor(
		private readonly port: TransferPort,
		private readonly changed: () => void,
		/** `file`: the path of a file a download saved (the front end may preview it), and `offerId` the offer it came from. */
		private readonly say: (kind: 'notice' | 'error', text: string, file?: string, offerId?: string) => void,
	) {}

	list(): readonly Transfer[] {
		this.cached ??= [...this.records.values()].map(({sampleAt, sampleBytes, emittedAt, ...transfer}) => transfer);
		return this.cached;
	}

	/** Uploads one file to the host; the room sees the offer as soon as the upload starts. */
	send(typed: string): void {
		const file = this.port.resolvePath(typed);
		const id = `u${++this.uploads}`;
		const record = this.start(id, 'upload', typed.replace(/(?<=.)[\\/]+$/, '').split(/[\\/]/).pop() ?? typed, 0);
		this.run(id, async signal =>
			this.port.upload(file, {signal, onProgress: (bytes, total, files) => this.progress(record, bytes, total, files)}).then(result => {
				record.name = result.name;
				record.size = result.size;
				const sha = `sha256 ${result.sha256.slice(0, 16)}...`;
				if (result.files === undefined) return `sent ${result.name} to the room (offer ${result.id}, ${sha})`;
				record.files = result.files;
				record.filesDone = result.files;
				return `sent the folder ${result.name} to the room: ${count(result.files, 'file')}, ${prettyBytes(result.size)} (offer ${result.id}, ${sha})${leftOut(result.skipped ?? [], 'symlinks and special files')}`;
			}),
		);
	}

	/** Downloads an offer into the download folder. */
	get(offer: FileOffer): void {
		const running = this.records.get(offer.id);
		if (running && (running.state === 'started' || running.state === 'progress')) {
			this.say('error', `${offer.name} is already downloading`);
			return;
		}

		this.interrupted.delete(offer.id);
		const record = this.start(offer.id, 'download', offer.name, offer.size, offer.files === undefined ? {} : {files: offer.files, filesDone: 0});
		this.run(offer.id, async signal =>
			this.port
				.download(offer, {signal, onProgress: (bytes, total, files) => this.progress(record, bytes, total, files)})
				.then(result => {
					record.path = result.path;
					if (result.files === undefined) return {text: `saved ${offer.name} to ${result.path} (sha256 verified)`, file: result.path};
					record.filesDone = result.files;
					return `saved the folder ${offer.name} to ${result.path}: ${count(result.files, 'file')} (sha256 verified)${leftOut(result.leftOut ?? [], 'entries')}`;
				})
				.catch((error: unknown) => {
					if ((error as {kind?: string}).kind === 'interrupted' && !signal.aborted) {
						this.interrupted.set(offer.id, offer);
						throw new Error(`${(error as Error).message}; it resumes when the connection is back, or with /get ${offer.id}`);
					}

					throw error;
				}),
		);
	}

	/** Resumes the downloads a lost connection cut off (their partial files are kept). */
	resumeInterrupted(): void {
		for (const offer of [...this.interrupted.values()]) {
			this.get(offer);
		}
	}

	/** Stops a running transfer; its partial file is removed. */
	cancel(id: string): boolean {
		const controller = this.controllers.get(id);
		if (!controller) {
			return false;
		}

		controller.abort();
		return true;
	}

	/** Whether a transfer with this id is running. */
	running(id: string): boolean {
		return this.controllers.has(id);
	}

	private start(id: string, direction: TransferDirection, name: string, size: number, folder: Pick<Transfer, 'files' | 'filesDone'> = {}): Record_ {
		const now = Date.now();
		const record: Record_ = {id, direction, name, size, bytes: 0, state: 'started', speed: 0, startedAt: now, sampleAt: now, sampleBytes: 0, emittedAt: now, ...folder};
		this.records.set(id, record);
		this.emit();
		return record;
	}

	private run(id: string, work: (signal: AbortSignal) => Promise<string | {readonly text: string; readonly file: string}>): void {
		const controller = new AbortController();
		this.controllers.set(id, controller);
		const record = this.records.get(id)!;
		work(controller.signal).then(
			message => {
				record.state = 'done';
				record.bytes = record.size;
				if (typeof message === 'string') this.say('notice', message);
				else this.say('notice', message.text, message.file, id);
			},
			(error: unknown) => {
				const cancelled = controller.signal.aborted;
				record.state = cancelled ? 'cancelled' : 'failed';
				record.error = cancelled ? 'cancelled' : (error as Error).message;
				this.say(cancelled ? 'notice' : 'error', `${record.direction} of ${record.name} ${cancelled ? 'cancelled' : `failed: ${record.error}`}`);
			},
		).finally(() => {
			this.controllers.delete(id);
			this.emit();
		});
	}

	private progress(record: Record_, bytes: number, total: number, files?: {readonly done: number; readonly total: number}): void {
		const now = Date.now();
		record.bytes = bytes;
		record.size = total;
		if (files) {
			record.files = files.total;
			record.filesDone = files.done;
		}

		record.state = 'progress';
		const elapsed = now - record.sampleAt;
		if (elapsed >= 250) {
			const instant = ((bytes - record.sampleBytes) / elapsed) * 1000;
			record.speed = record.speed === 0 ? instant : 0.7 * record.speed + 0.3 * instant;
			record.sampleAt = now;
			record.sampleBytes = bytes;
		}

		if (now - record.emittedAt >= PROGRESS_EVERY_MS) {
			record.emittedAt = now;
			this.emit();
		}
	}

	private emit(): void {
		this.cached = undefined;
		this.changed();
	}
}

function count(n: number, noun: string): string {
	return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

/** "; left out 2 symlinks and special files: a, b" (at most three named). */
function leftOut(names: readonly string[], what: string): string {
	if (names.length === 0) return '';
	const shown = names.slice(0, 3).join(', ');
	return `; left out ${names.length} ${what}: ${shown}${names.length > 3 ? ', ...' : ''}`;
}
