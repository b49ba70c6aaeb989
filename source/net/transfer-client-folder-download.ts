import {createHash} from 'node:crypto';
import {mkdir} from 'node:fs/promises';
import type {Socket} from 'node:net';
import path from 'node:path';
import {folderNameOf} from '../protocol/folder-archive.js';
import {encodeLine, OFFER_ID_PATTERN, WIRE_VERSION} from '../protocol/transfer-wire.js';
import {FolderExtractor, type LeftOut, placeFolder, removeExtracted} from './folder-extract.js';
import type {DownloadOptions} from './transfer-client-download.js';
import {asTransferError, checkHash, readBody, readResponse} from './transfer-client-shared.js';
import {onDisk, TransferError} from './transfer-error.js';
import {ChunkReader, connect} from './transfer-socket.js';

/** A saved folder. */
export type FolderDownloadResult = {
	/** The folder made in the download folder. */
	readonly path: string;
	/** Hex sha256 of the archive it came in. */
	readonly sha256: string;
	readonly files: number;
	/** Entries not extracted (symlinks, links, devices, unsafe or duplicate names). */
	readonly leftOut: readonly LeftOut[];
};

/**
 * Download an offered folder (its tar archive) into `dir`: the archive is unpacked as it arrives
 * into a hidden folder `.ID.folder` beside the target, hashed on the way; only once the whole
 * archive's sha256 matched does that folder get its final name (`NAME`, `NAME (1)`, ...).
 * Anything else (a mismatch, a cut connection, a cancel, a bad archive) removes it: nothing
 * half-made is left. A folder download does not resume: getting it again starts over.
 */
export async function downloadFolder(options: DownloadOptions & {readonly files: number}): Promise<FolderDownloadResult> {
	const {signal, id, dir} = options;
	if (!OFFER_ID_PATTERN.test(id)) throw new TransferError('protocol', `not an offer id: ${JSON.stringify(id)}`);
	let socket: Socket | undefined;
	let extractor: FolderExtractor | undefined;
	let placed = false;
	const onAbort = () => socket?.destroy();
	signal?.addEventListener('abort', onAbort, {once: true});
	const temporary = path.join(path.resolve(dir), `.${id}.folder`);
	try {
		signal?.throwIfAborted();
		await onDisk(`creating ${dir}`, async () => mkdir(dir, {recursive: true}));
		await removeExtracted(temporary); // A leftover of a run that crashed: ours, by its name.
		socket = await connect(options.host, options.port, options.timeoutMs ?? 30_000, signal, options.psk);
		const reader = new ChunkReader(socket);
		socket.write(encodeLine({v: WIRE_VERSION, op: 'download', token: options.token, id, offset: 0}));
		const accepted = await readResponse(reader, 'download-accepted');
		if (accepted.id !== id || accepted.size !== options.size || accepted.offset !== 0) {
			throw new TransferError('protocol', `the host offers ${accepted.size} bytes from ${accepted.offset}, expected ${options.size} from 0`);
		}

		const hash = createHash('sha256');
		let bytes = 0;
		const report = () => options.onProgress?.(bytes, options.size, {done: extractor?.filesDone ?? 0, total: options.files});
		const into = new FolderExtractor(temporary, report);
		extractor = into;
		report();
		bytes = await readBody(reader, options.size, 0, async (data, end) => {
			hash.update(data);
			bytes = end;
			await into.push(data);
			report();
		});

		const done = await readResponse(reader, 'done');
		if (bytes !== options.size || done.size !== options.size) {
			throw new TransferError('protocol', `the host ended the download after ${bytes} of ${options.size} bytes`);
		}

		const sha256 = hash.digest('hex');
		checkHash(sha256, done.sha256, 'the host');
		checkHash(sha256, options.sha256, 'the offer');

		await extractor.end();
		const saved = await placeFolder(dir, temporary, folderNameOf(options.name));
		placed = true;
		report();
		return {path: saved, sha256, files: extractor.filesDone, leftOut: extractor.leftOut};
	} catch (error) {
		throw asTransferError(error, signal, 'download');
	} finally {
		signal?.removeEventListener('abort', onAbort);
		socket?.destroy();
		await extractor?.stop();
		if (!placed) await removeExtracted(temporary);
	}
}
