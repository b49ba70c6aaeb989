import type {TransferPsk} from './transfer-tls.js';
import {decodeResponse, type Failure, type ResponseKind, type TransferDone, type UploadAccepted, type DownloadAccepted} from '../protocol/transfer-wire.js';
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
