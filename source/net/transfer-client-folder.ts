import {createHash} from 'node:crypto';
import type {Socket} from 'node:net';
import {folderOfferName} from '../protocol/folder-archive.js';
import {packFolder} from './folder-pack.js';
import {scanFolder} from './folder-scan.js';
import {type UploadResult, uploadBody} from './transfer-client.js';
import {asTransferError, type TransferEndpoint} from './transfer-client-shared.js';
import {TransferError} from './transfer-error.js';
import {writeWithBackpressure} from './transfer-socket.js';

/** A finished folder upload: the offer, and what the scan left out (symlinks, devices, ...). */
export type FolderUploadResult = UploadResult & {readonly files: number; readonly skipped: readonly string[]};

/**
 * Offer a folder: list it (no symlink followed), offer its tar archive under `NAME.tar` with its
 * exact size and file count, then stream the archive file by file, hashing as it goes.
 */
export async function uploadFolder(options: TransferEndpoint & {readonly path: string}): Promise<FolderUploadResult> {
	try {
		options.signal?.throwIfAborted();
		const scan = await scanFolder(options.path);
		const files = scan.files;
		let filesDone = 0;
		let sent = 0;
		const report = () => options.onProgress?.(sent, scan.size, {done: filesDone, total: files});
		const result = await uploadBody(options, {
			name: folderOfferName(scan.name),
			size: scan.size,
			files,
			async send(socket: Socket, stop: AbortSignal) {
				const hash = createHash('sha256');
				const archive = packFolder(scan, done => {
					filesDone = done;
					report();
				});
				for await (const chunk of archive) {
					if (stop.aborted) throw new TransferError('protocol', 'the host answered before the upload ended');
					if (sent + chunk.length > scan.size) throw new TransferError('protocol', 'the archive came out larger than computed');
					hash.update(chunk);
					await writeWithBackpressure(socket, chunk);
					sent += chunk.length;
					report();
				}

				if (sent !== scan.size) throw new TransferError('protocol', `the archive came out at ${sent} bytes, not the ${scan.size} computed`);
				return hash.digest('hex');
			},
		});
		return {...result, files, skipped: scan.skipped};
	} catch (error) {
		throw asTransferError(error, options.signal, 'upload');
	}
}
