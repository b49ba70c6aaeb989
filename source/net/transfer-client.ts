import {createHash} from 'node:crypto';
import {type FileHandle, open} from 'node:fs/promises';
import type {Socket} from 'node:net';
import path from 'node:path';
import {safeFileName} from '../protocol/file-name.js';
import {encodeLine, WIRE_VERSION} from '../protocol/transfer-wire.js';
import {asTransferError, readResponse, type TransferEndpoint} from './transfer-client-shared.js';
import {onDisk, TransferError} from './transfer-error.js';
import {ChunkReader, connect, writeWithBackpressure} from './transfer-socket.js';

export {downloadFile, type DownloadOptions, type DownloadResult} from './transfer-client-download.js';
export type {TransferEndpoint} from './transfer-client-shared.js';
export {TransferError, type TransferErrorKind} from './transfer-error.js';

/** What to upload, and where. */
export type UploadOptions = TransferEndpoint & {
	/** The local file to send. */
	readonly path: string;
	/** The name to offer (default: the file's base name); passed through `safeFileName`. */
	readonly name?: string;
};

/** A finished upload, confirmed by the host. */
export type UploadResult = {
	/** The offer id the host gave the file. */
	readonly id: string;
	/** Hex sha256 of what was sent, confirmed by the host. */
	readonly sha256: string;
	/** The name offered to the room. */
	readonly name: string;
	readonly size: number;
	/** For a folder: how many files its archive holds. */
	readonly files?: number;
};

const chunkBytes = 256 * 1024;

/**
 * Upload a file to the host's transfer server, hashing while streaming; resolves once the host
 * confirmed the same sha256. Rejects with a TransferError.
 */
export async function uploadFile(options: UploadOptions): Promise<UploadResult> {
	let file: FileHandle | undefined;
	try {
		options.signal?.throwIfAborted();
		file = await onDisk(`opening ${options.path}`, async () => open(options.path, 'r'));
		const stat = await onDisk(`reading ${options.path}`, async () => file!.stat());
		if (!stat.isFile()) throw new TransferError('disk', `${options.path} is not a regular file`);
		const opened = file;
		return await uploadBody(options, {
			name: safeFileName(options.name ?? path.basename(options.path)),
			size: stat.size,
			send: async (socket, stop) => sendBody(socket, opened, options.path, stat.size, stop, options.onProgress),
		});
	} catch (error) {
		throw asTransferError(error, options.signal, 'upload');
	} finally {
		await file?.close().catch(() => undefined);
	}
}

/** What an upload sends: its name and size as offered, and how its bytes go out (resolving to their sha256). */
export type UploadBody = {
	readonly name: string;
	readonly size: number;
	/** For a folder: the number of files in its archive (the offer says so). */
	readonly files?: number;
	send(socket: Socket, stop: AbortSignal): Promise<string>;
};

/** The upload conversation around a body: the request, the acceptance, the bytes, the host's sha256. */
export async function uploadBody(options: TransferEndpoint, body: UploadBody): Promise<UploadResult> {
	const {signal} = options;
	let socket: Socket | undefined;
	const onAbort = () => socket?.destroy();
	signal?.addEventListener('abort', onAbort, {once: true});
	try {
		signal?.throwIfAborted();
		const {name, size} = body;
		socket = await connect(options.host, options.port, options.timeoutMs ?? 30_000, signal, options.psk);
		const reader = new ChunkReader(socket);
		const files = body.files === undefined ? {} : {files: body.files};
		socket.write(encodeLine({v: WIRE_VERSION, op: 'upload', token: options.token, name, size, ...files}));
		const accepted = await readResponse(reader, 'upload-accepted');
		const answer = readResponse(reader, 'done');
		const stop = new AbortController();
		answer.then(
			() => stop.abort(),
			() => stop.abort(),
		);
		let sha256: string;
		try {
			sha256 = await body.send(socket, stop.signal);
		} catch (error) {
			if (error instanceof TransferError && error.kind === 'disk') throw error;
			await answer;
			throw error;
		}

		socket.end();
		const done = await answer;
		if (done.id !== accepted.id || done.size !== size) throw new TransferError('protocol', 'the host confirmed a different upload');
		if (done.sha256 !== sha256) {
			throw new TransferError('hash-mismatch', `the host stored different bytes (sha256 ${done.sha256}, sent ${sha256})`);
		}

		return {id: accepted.id, sha256, name: accepted.name, size, ...files};
	} catch (error) {
		throw asTransferError(error, signal, 'upload');
	} finally {
		signal?.removeEventListener('abort', onAbort);
		socket?.destroy();
	}
}

async function sendBody(
	socket: Socket,
	file: FileHandle,
	filePath: string,
	size: number,
	stop: AbortSignal,
	onProgress: TransferEndpoint['onProgress'],
): Promise<string> {
	const hash = createHash('sha256');
	// Read buffers go back to a pool once the socket has taken their bytes: a fresh 256 KiB buffer
	// per read made a garbage collection every few dozen reads (a fifth of the sender's time).
	const free: Buffer[] = [];
	for (let sent = 0; sent < size; ) {
		if (stop.aborted) throw new TransferError('protocol', 'the host answered before the upload ended');
		const buffer = free.pop() ?? Buffer.allocUnsafe(chunkBytes);
		const length = Math.min(chunkBytes, size - sent);
		const {bytesRead} = await onDisk(`reading ${filePath}`, async () => file.read(buffer, 0, length, sent));
		if (bytesRead === 0) throw new TransferError('disk', `${filePath} shrank while it was being sent`);
		const data = buffer.subarray(0, bytesRead);
		hash.update(data);
		await writeWithBackpressure(socket, data, () => free.push(buffer));
		sent += bytesRead;
		onProgress?.(sent, size);
	}

	return hash.digest('hex');
}
