import type {FileHandle} from 'node:fs/promises';
import {open} from 'node:fs/promises';
import type {Socket} from 'node:net';
import {
	type DownloadRequest,
	encodeFrameHeader,
	encodeLine,
	failureOf,
	type WireErrorCode,
	WIRE_VERSION,
} from '../protocol/transfer-wire.js';
import {type SpoolEntry, SpoolFailure} from './spool.js';
import {describeFsError} from './transfer-error.js';
import type {ServeContext} from './transfer-server-context.js';
import {type ChunkReader, drained, endWithLine, writeWithBackpressure} from './transfer-socket.js';

const frameBytes = 256 * 1024;

class ReadFault extends Error {}

/** Send one offered file from `offset`, following a growing spool file while its upload runs. */
export async function serveDownload(socket: Socket, reader: ChunkReader, request: DownloadRequest, context: ServeContext): Promise<void> {
	const refuse = (code: WireErrorCode, reason: string) => {
		endWithLine(socket, reader, encodeLine(failureOf(code, reason)), context.lingerMs);
	};

	const member = context.authorize(request.token, context.remoteAddress);
	if (member === undefined) return refuse('not-member', 'not a member of this room');
	const entry = context.spool.get(request.id);
	if (entry === undefined) return refuse('unknown-id', `no file is offered with id ${request.id}`);
	if (entry.state === 'failed') return refuse('failed', `the upload of ${entry.name} failed: ${entry.failure ?? ''}`);
	if (entry.state === 'expired') return refuse('expired', expiredReason(entry));
	if (request.offset > entry.size) return refuse('bad-request', `offset ${request.offset} is past the size ${entry.size}`);
	const ended = context.begin('download');
	if (typeof ended === 'string') return refuse('busy', ended);
	try {
		await download(socket, reader, request, context, entry, member.name, refuse);
	} finally {
		ended();
	}
}

function expiredReason(entry: SpoolEntry): string {
	return `${entry.name} is no longer offered: it ${entry.failure ?? 'expired'}`;
}

async function download(
	socket: Socket,
	reader: ChunkReader,
	request: DownloadRequest,
	context: ServeContext,
	entry: SpoolEntry,
	from: string,
	refuse: (code: WireErrorCode, reason: string) => void,
): Promise<void> {
	let file: FileHandle;
	try {
		file = await open(entry.path, 'r');
	} catch (error) {
		if (entry.state === 'expired') return refuse('expired', expiredReason(entry));
		return refuse('failed', entry.failure ?? `the host could not read the file: ${describeFsError(error)}`);
	}

	const closed = new AbortController();
	socket.once('close', () => closed.abort());
	if (socket.destroyed) closed.abort();
	try {
		context.onDownload({id: entry.id, from, offset: request.offset});
		socket.write(
			encodeLine({
				v: WIRE_VERSION,
				ok: true,
				stage: 'accepted',
				id: entry.id,
				name: entry.name,
				size: entry.size,
				offset: request.offset,
				complete: entry.state === 'complete',
				...(entry.sha256 === undefined ? {} : {sha256: entry.sha256}),
			}),
		);
		void reader.discardRest();
		await sendFrames(socket, file, entry, request.offset, closed.signal);
		await entry.waitComplete(closed.signal);
		const done = encodeLine({v: WIRE_VERSION, ok: true, stage: 'done', id: entry.id, size: entry.size, sha256: entry.sha256 ?? ''});
		socket.end(Buffer.concat([encodeFrameHeader(0), done]));
	} catch (error) {
		const expired = entry.state === 'expired';
		const reason = expired
			? expiredReason(entry)
			: error instanceof SpoolFailure
				? `the upload of ${entry.name} failed: ${error.message}`
				: error instanceof ReadFault
					? error.message
					: undefined;
		if (reason !== undefined && socket.writable) {
			socket.end(Buffer.concat([encodeFrameHeader(0), encodeLine(failureOf(expired ? 'expired' : 'failed', reason))]));
		} else {
			socket.destroy();
		}
	} finally {
		await file.close().catch(() => undefined);
	}
}

async function sendFrames(socket: Socket, file: FileHandle, entry: SpoolEntry, offset: number, signal: AbortSignal): Promise<void> {
	for (let position = offset; position < entry.size; ) {
		await entry.waitBeyond(position, signal);
		const recent = recentFrame(entry, position);
		if (recent.length > 0) {
			// Following the upload: its bytes are still in memory, sent as they came (no read, no copy).
			if (socket.destroyed || !socket.writable) throw new Error('connection closed while sending');
			const length = recent.reduce((sum, part) => sum + part.length, 0);
			socket.cork();
			socket.write(encodeFrameHeader(length));
			let flowing = true;
			for (const part of recent) flowing = socket.write(part);
			socket.uncork();
			if (!flowing) await drained(socket);
			position += length;
			continue;
		}

		const length = Math.min(entry.received - position, frameBytes);
		const frame = Buffer.allocUnsafe(4 + length);
		frame.set(encodeFrameHeader(length));
		await readFully(file, frame.subarray(4), position);
		await writeWithBackpressure(socket, frame);
		position += length;
	}
}

/** Up to one frame of the upload's bytes from `position`, as far as they are still in memory. */
function recentFrame(entry: SpoolEntry, position: number): Uint8Array[] {
	const parts: Uint8Array[] = [];
	for (let length = 0; length < frameBytes; ) {
		const part = entry.recentAt(position + length)?.subarray(0, frameBytes - length);
		if (!part) break;
		parts.push(part);
		length += part.length;
	}

	return parts;
}

async function readFully(file: FileHandle, target: Buffer, position: number): Promise<void> {
	try {
		for (let done = 0; done < target.length; ) {
			const {bytesRead} = await file.read(target, done, target.length - done, position + done);
			if (bytesRead === 0) throw new Error('the spool file is shorter than expected');
			done += bytesRead;
		}
	} catch (error) {
		throw new ReadFault(`the host could not read the file: ${describeFsError(error)}`);
	}
}
