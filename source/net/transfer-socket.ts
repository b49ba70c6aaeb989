import type net from 'node:net';
import type {Readable} from 'node:stream';
import {type LineSearch, takeLine} from '../protocol/transfer-wire.js';
import {transferConnect, type TransferPsk} from './transfer-tls.js';

/** Pull-based reading of a stream, one chunk at a time, with push-back. Backpressure for free. */
export class ChunkReader {
	readonly #iterator: AsyncIterator<Buffer>;
	#held: Buffer | undefined;

	constructor(stream: Readable) {
		this.#iterator = stream.iterator({destroyOnReturn: false}) as AsyncIterator<Buffer>;
	}

	/** The next chunk, or null at the end of the stream; rejects if the stream fails or is cut. */
	async next(): Promise<Buffer | null> {
		if (this.#held !== undefined) {
			const held = this.#held;
			this.#held = undefined;
			return held;
		}

		const result = await this.#iterator.next();
		return result.done === true ? null : result.value;
	}

	/** Give bytes back; the next `next()` returns them. */
	unread(chunk: Buffer): void {
		if (chunk.length > 0) this.#held = chunk;
	}

	/** Read one newline-terminated line (MAX_LINE_BYTES); null if the stream ends first. */
	async readLine(): Promise<Exclude<LineSearch, {kind: 'more'}> | null> {
		let buffer: Buffer = Buffer.alloc(0);
		for (;;) {
			const chunk = await this.next();
			if (chunk === null) return null;
			buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
			const found = takeLine(buffer);
			if (found.kind === 'more') continue;
			if (found.kind === 'line') this.unread(Buffer.from(found.rest.buffer, found.rest.byteOffset, found.rest.length));
			return found;
		}
	}

	/** Read and drop everything until the end of the stream (or its failure). */
	async discardRest(): Promise<void> {
		try {
			while ((await this.next()) !== null);
		} catch {}
	}
}

/** Open a TCP connection (TLS with a room's transfer key), honouring an AbortSignal and a timeout. */
export async function connect(host: string, port: number, timeoutMs: number, signal?: AbortSignal, psk?: TransferPsk): Promise<net.Socket> {
	signal?.throwIfAborted();
	const {socket, ready} = transferConnect(host, port, psk);
	try {
		await new Promise<void>((resolve, reject) => {
			const fail = (error: unknown) => {
				cleanup();
				reject(error instanceof Error ? error : new Error(String(error)));
			};

			const timer = setTimeout(() => fail(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
			const onAbort = () => fail(signal?.reason);
			const cleanup = () => {
				clearTimeout(timer);
				signal?.removeEventListener('abort', onAbort);
				socket.off('error', fail);
				socket.off(ready, onConnect);
			};

			const onConnect = () => {
				cleanup();
				resolve();
			};

			socket.once(ready, onConnect);
			socket.once('error', fail);
			signal?.addEventListener('abort', onAbort, {once: true});
		});
	} catch (error) {
		socket.destroy();
		throw error;
	}

	socket.on('error', () => {});
	socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`connection idle for ${timeoutMs} ms`)));
	return socket;
}

/**
 * Write a chunk; if the socket's buffer is full, wait until it drains (or the socket closes).
 * `written`, if given, is called once the socket no longer needs the chunk's bytes (not if the
 * write fails: then the chunk may still be referenced).
 */
export async function writeWithBackpressure(socket: net.Socket, chunk: Uint8Array, written?: () => void): Promise<void> {
	if (socket.destroyed || !socket.writable) throw new Error('connection closed while sending');
	const flowing = written ? socket.write(chunk, error => error ?? written()) : socket.write(chunk);
	if (flowing) return;
	await drained(socket);
}

/** Resolves when a socket whose write returned false drains; rejects if it closes first. */
export async function drained(socket: net.Socket): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const onDrain = () => {
			socket.off('close', onClose);
			resolve();
		};

		const onClose = () => {
			socket.off('drain', onDrain);
			reject(new Error('connection closed while sending'));
		};

		socket.once('drain', onDrain);
		socket.once('close', onClose);
	});
}

/**
 * End our side with a last line and read and drop whatever the peer still sends, so it sees the
 * line rather than a reset; destroy after `lingerMs` at the latest.
 */
export function endWithLine(socket: net.Socket, reader: ChunkReader, line: Uint8Array, lingerMs: number): void {
	if (socket.destroyed) return;
	const timer = setTimeout(() => socket.destroy(), lingerMs);
	socket.once('close', () => clearTimeout(timer));
	socket.end(line);
	void reader.discardRest();
}
