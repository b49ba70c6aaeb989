import {createHash, type Hash} from 'node:crypto';
import {mkdir, unlink} from 'node:fs/promises';
import type {Socket} from 'node:net';
import {encodeLine, OFFER_ID_PATTERN, WIRE_VERSION} from '../protocol/transfer-wire.js';
import {asTransferError, checkHash, readBody, readResponse, type TransferEndpoint} from './transfer-client-shared.js';
import {onDisk, TransferError} from './transfer-error.js';
import {hashPrefix, openPartial, type PartialFile, placeFile} from './transfer-local-files.js';
import {ChunkReader, connect} from './transfer-socket.js';
import {WriteBehind} from './write-behind.js';

/** Which offer to download, where to, and what to expect of it. */
export type DownloadOptions = TransferEndpoint & {
	/** The offer id. */
	readonly id: string;
	/** The download folder (created if needed). */
	readonly dir: string;
	/** The offered name; the file is saved as `safeFileName(name)`, numbered when taken. */
	readonly name: string;
	/** The offered size in bytes. */
	readonly size: number;
	/** The offered sha256, when known; checked in addition to the host's. */
	readonly sha256?: string;
};

/** A saved download. */
export type DownloadResult = {
	/** Where the file was saved. */
	readonly path: string;
	/** Hex sha256 of the saved file. */
	readonly sha256: string;
	/** Bytes taken from an earlier partial download (0 for a fresh one). */
	readonly resumedFrom: number;
};

/**
 * Download an offered file into `dir`. Bytes go to a partial file (`.ID.part`) which a later call
 * resumes from after an interruption; the file gets its final name only once its sha256 matched.
 * Rejects with a TransferError; the partial file is kept only when the kind is `interrupted`.
 */
export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
	const {signal, id, dir} = options;
	if (!OFFER_ID_PATTERN.test(id)) throw new TransferError('protocol', `not an offer id: ${JSON.stringify(id)}`);
	let socket: Socket | undefined;
	let partial: PartialFile | undefined;
	let keepPartial = false;
	const onAbort = () => socket?.destroy();
	signal?.addEventListener('abort', onAbort, {once: true});
	try {
		signal?.throwIfAborted();
		await onDisk(`creating ${dir}`, async () => mkdir(dir, {recursive: true}));
		partial = await openPartial(dir, id);
		let offset = partial.size;
		if (offset > options.size) {
			await onDisk('resetting the partial file', async () => partial!.file.truncate(0));
			offset = 0;
		}

		const hash = createHash('sha256');
		await hashPrefix(partial.file, offset, hash);
		socket = await connect(options.host, options.port, options.timeoutMs ?? 30_000, signal, options.psk);
		const reader = new ChunkReader(socket);
		socket.write(encodeLine({v: WIRE_VERSION, op: 'download', token: options.token, id, offset}));
		const accepted = await readResponse(reader, 'download-accepted');
		if (accepted.id !== id || accepted.size !== options.size || accepted.offset !== offset) {
			throw new TransferError('protocol', `the host offers ${accepted.size} bytes from ${accepted.offset}, expected ${options.size} from ${offset}`);
		}

		checkHash(options.sha256, accepted.sha256, 'the offer');
		options.onProgress?.(offset, options.size);
		const received = await receiveFrames(reader, partial, hash, offset, options);
		const done = await readResponse(reader, 'done');
		if (received !== options.size || done.size !== options.size) {
			throw new TransferError('protocol', `the host ended the download after ${received} of ${options.size} bytes`);
		}

		const sha256 = hash.digest('hex');
		checkHash(sha256, done.sha256, 'the host');
		checkHash(sha256, options.sha256, 'the offer');
		await partial.file.close();
		const saved = await placeFile(dir, partial.path, options.name);
		partial.release();
		partial = undefined;
		return {path: saved, sha256, resumedFrom: offset};
	} catch (error) {
		const failure = asTransferError(error, signal, 'download');
		keepPartial = failure.kind === 'interrupted' && partial?.resumable === true;
		throw failure;
	} finally {
		signal?.removeEventListener('abort', onAbort);
		socket?.destroy();
		if (partial !== undefined) {
			const stored = await partial.file.stat().then((stat) => stat.size, () => 0);
			await partial.file.close().catch(() => undefined);
			if (!keepPartial || stored === 0) await unlink(partial.path).catch(() => undefined);
			partial.release();
		}
	}
}

async function receiveFrames(
	reader: ChunkReader,
	partial: PartialFile,
	hash: Hash,
	offset: number,
	options: DownloadOptions,
): Promise<number> {
	const saving = `saving ${options.name}`;
	// The disk writes while the next bytes are read and hashed.
	const writer = new WriteBehind(partial.file, offset);
	try {
		const position = await readBody(reader, options.size, offset, async (data, end) => {
			hash.update(data);
			await onDisk(saving, async () => writer.push(data));
			options.onProgress?.(end, options.size);
		});
		await onDisk(saving, async () => writer.flush());
		return position;
	} finally {
		// Whatever ended the loop, what was received is on disk (a resume starts after it) before the file is closed.
		await writer.flush().catch(() => undefined);
	}
}
