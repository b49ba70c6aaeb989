import {createHash} from 'node:crypto';
import type {Socket} from 'node:net';
import {encodeLine, OFFER_ID_PATTERN, WIRE_VERSION} from '../protocol/transfer-wire.js';
import {PEEK_MAX_BYTES} from '../session/ports.js';
import {asTransferError, checkHash, readBody, readResponse, type TransferEndpoint} from './transfer-client-shared.js';
import {TransferError} from './transfer-error.js';
import {ChunkReader, connect} from './transfer-socket.js';

/** The largest file fetched into memory (an image's preview before anyone downloads it). */
export const maxPeekBytes = PEEK_MAX_BYTES;

/** Which offer to fetch, and what to expect of it. */
export type PeekOptions = TransferEndpoint & {
	readonly id: string;
	/** The offered size in bytes: at most `maxPeekBytes`. */
	readonly size: number;
	/** The offered sha256, when known; checked in addition to the host's. */
	readonly sha256?: string;
};

/**
 * An offered file's bytes, in memory and nowhere on disk: the same download conversation as
 * `downloadFile`, with the bytes kept in a buffer of exactly the offered size, and the sha256
 * checked against the host's and the offer's before they are handed over. For files of at most
 * `maxPeekBytes`; rejects with a TransferError.
 */
export async function peekFile(options: PeekOptions): Promise<Uint8Array> {
	const {signal, id, size} = options;
	if (!OFFER_ID_PATTERN.test(id)) throw new TransferError('protocol', `not an offer id: ${JSON.stringify(id)}`);
	if (!Number.isSafeInteger(size) || size < 0 || size > maxPeekBytes) {
		throw new TransferError('refused', `${size} bytes is more than is fetched without a download (at most ${maxPeekBytes})`);
	}

	let socket: Socket | undefined;
	const onAbort = () => socket?.destroy();
	signal?.addEventListener('abort', onAbort, {once: true});
	try {
		signal?.throwIfAborted();
		socket = await connect(options.host, options.port, options.timeoutMs ?? 30_000, signal, options.psk);
		const reader = new ChunkReader(socket);
		socket.write(encodeLine({v: WIRE_VERSION, op: 'download', token: options.token, id, offset: 0}));
		const accepted = await readResponse(reader, 'download-accepted');
		if (accepted.id !== id || accepted.size !== size || accepted.offset !== 0) {
			throw new TransferError('protocol', `the host offers ${accepted.size} bytes from ${accepted.offset}, expected ${size} from 0`);
		}

		checkHash(options.sha256, accepted.sha256, 'the offer');
		const bytes = new Uint8Array(size);
		const hash = createHash('sha256');
		const position = await readBody(reader, size, 0, (data, end) => {
			bytes.set(data, end - data.length);
			hash.update(data);
			options.onProgress?.(end, size);
		});
		const done = await readResponse(reader, 'done');
		if (position !== size || done.size !== size) throw new TransferError('protocol', `the host ended the download after ${position} of ${size} bytes`);
		const sha256 = hash.digest('hex');
		checkHash(sha256, done.sha256, 'the host');
		checkHash(sha256, options.sha256, 'the offer');
		return bytes;
	} catch (error) {
		throw asTransferError(error, signal, 'download');
	} finally {
		signal?.removeEventListener('abort', onAbort);
		socket?.destroy();
	}
}
