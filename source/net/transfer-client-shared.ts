import type {TransferPsk} from './transfer-tls.js';
import {decodeResponse, type Failure, FrameReader, type ResponseKind, type TransferDone, type UploadAccepted, type DownloadAccepted} from '../protocol/transfer-wire.js';
import {TransferError} from './transfer-error.js';
import type {ChunkReader} from './transfer-socket.js';

/** Progress of a folder in files: how many are done, of how many. */
export type FileCount = {readonly done: number; readonly total: number};

/** Options both client calls share. */
export type TransferEndpoint = {
	readonly host: string;
	readonly port: number;
	/** The member's session token: 16 lowercase hex characters. */
	readonly token: string;
	readonly signal?: AbortSignal;
	/** Bytes done so far (including resumed bytes) and the total; for a folder, its files done and in all. */
	readonly onProgress?: (bytes: number, total: number, files?: FileCount) => void;
	/** Give up on a connection that is silent this long, in ms (default 30 s). */
	readonly timeoutMs?: number;
	/** The room's transfer key, in a room with a secret: the connection is then TLS. */
	readonly psk?: TransferPsk;
};

type Responses = {'upload-accepted': UploadAccepted; 'download-accepted': DownloadAccepted; done: TransferDone};

/** Read the answer line a client expects; a refusal becomes a `refused` TransferError. */
export async function readResponse<K extends ResponseKind>(reader: ChunkReader, kind: K): Promise<Responses[K]> {
	const line = await reader.readLine();
	if (line === null) throw new TransferError('interrupted', 'the host closed the connection without an answer');
	if (line.kind === 'error') throw new TransferError('protocol', `the host's answer was not understood: ${line.error.reason}`);
	const decoded = decodeResponse(line.line, kind);
	if (!decoded.ok) throw new TransferError('protocol', `the host's answer was not understood: ${decoded.error.reason}`);
	const value = decoded.value as Responses[K] | Failure;
	if (!value.ok) throw new TransferError('refused', value.reason, value.code);
	return value as Responses[K];
}

/** Whatever went wrong, as a TransferError: `cancelled` when our signal fired, `interrupted` for network failures. */
export function asTransferError(error: unknown, signal: AbortSignal | undefined, what: 'upload' | 'download'): TransferError {
	if (signal?.aborted === true) return new TransferError('cancelled', `${what} cancelled`, undefined, {cause: error});
	if (error instanceof TransferError) return error;
	const message = error instanceof Error ? error.message : String(error);
	return new TransferError('interrupted', `${what} interrupted: ${message}`, undefined, {cause: error});
}

/**
 * A download's body, read to its end (the `done` line is left to read): each chunk of data is
 * handed to `take` with the position after it, in order, awaited. `from` is the offset asked for.
 * Rejects as `interrupted` when the connection closes first, `protocol` on a bad frame or more
 * bytes than `size`. Resolves with the position reached.
 */
export async function readBody(reader: ChunkReader, size: number, from: number, take: (data: Uint8Array, end: number) => Promise<void> | void): Promise<number> {
	const frames = new FrameReader();
	let position = from;
	for (;;) {
		const chunk = await reader.next();
		if (chunk === null) throw new TransferError('interrupted', `the connection closed after ${position} of ${size} bytes`);
		const output = frames.push(chunk);
		for (const data of output.data) {
			if (position + data.length > size) throw new TransferError('protocol', 'the host sent more bytes than offered');
			await take(data, position + data.length);
			position += data.length;
		}

		if (output.error !== undefined) throw new TransferError('protocol', output.error.reason);
		if (output.rest !== undefined) {
			reader.unread(Buffer.from(output.rest.buffer, output.rest.byteOffset, output.rest.length));
			return position;
		}
	}
}

/** A `hash-mismatch` TransferError when both sha256 are known and differ (`source` says whose `expected` is). */
export function checkHash(actual: string | undefined, expected: string | undefined, source: string): void {
	if (actual !== undefined && expected !== undefined && actual !== expected) {
		throw new TransferError('hash-mismatch', `sha256 mismatch: got ${actual}, ${source} says ${expected}`);
	}
}
