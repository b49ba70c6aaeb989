import {createHash} from 'node:crypto';
import type {FileHandle} from 'node:fs/promises';
import {open} from 'node:fs/promises';
import type {Socket} from 'node:net';
import prettyBytes from 'pretty-bytes';
import {safeFileName} from '../protocol/file-name.js';
import {encodeLine, failureOf, type UploadRequest, type WireErrorCode, WIRE_VERSION} from '../protocol/transfer-wire.js';
import type {SpoolEntry} from './spool.js';
import {describeFsError} from './transfer-error.js';
import type {ServeContext} from './transfer-server-context.js';
import {type ChunkReader, endWithLine} from './transfer-socket.js';
import {WriteBehind} from './write-behind.js';

class UploadFault extends Error {
	constructor(
		readonly code: WireErrorCode,
		message: string,
	) {
		super(message);
	}
}

/** Receive one upload: authorize, start, announce at once, stream to the spool while hashing and charging the quota. */
export async function serveUpload(socket: Socket, reader: ChunkReader, request: UploadRequest, context: ServeContext): Promise<void> {
	const refuse = (code: WireErrorCode, reason: string) => {
		endWithLine(socket, reader, encodeLine(failureOf(code, reason)), context.lingerMs);
	};

	const member = context.authorize(request.token, context.remoteAddress);
	if (member === undefined) return refuse('not-member', 'not a member of this room');
	if (request.size > context.maxFileSize) {
		return refuse('too-large', `${prettyBytes(request.size)} is over the host's limit of ${prettyBytes(context.maxFileSize)}`);
	}

	const ended = context.begin('upload');
	if (typeof ended === 'string') return refuse('busy', ended);
	try {
		await upload(socket, reader, request, context, member.name, refuse);
	} finally {
		ended();
	}
}

async function upload(
	socket: Socket,
	reader: ChunkReader,
	request: UploadRequest,
	context: ServeContext,
	from: string,
	refuse: (code: WireErrorCode, reason: string) => void,
): Promise<void> {
	const {spool} = context;
	const entry = spool.add(safeFileName(request.name), request.size, from);
	if (entry === undefined) {
		return refuse('quota', `the host's spool has only ${prettyBytes(spool.free)} free for ${prettyBytes(request.size)}`);
	}

	let file: FileHandle;
	try {
		file = await open(entry.path, 'wx', 0o600);
	} catch (error) {
		await spool.fail(entry, describeFsError(error));
		return refuse('failed', `the host could not store the file: ${describeFsError(error)}`);
	}

	// The connection closing, or the offer expiring (then it is cut), stops a wait for memory.
	const gone = new AbortController();
	const onClose = () => gone.abort(new Error('connection closed'));
	const onExpired = () => socket.destroy();
	socket.once('close', onClose);
	entry.expiredSignal.addEventListener('abort', onExpired, {once: true});
	let sha256: string;
	try {
		socket.write(encodeLine({v: WIRE_VERSION, ok: true, stage: 'accepted', id: entry.id, name: entry.name, size: entry.size}));
		context.onOffer({id: entry.id, name: entry.name, size: entry.size, from, ...(request.files === undefined ? {} : {files: request.files})});
		sha256 = await receive(reader, entry, file, context, gone.signal);
	} catch (error) {
		const fault = error instanceof UploadFault ? error : new UploadFault('failed', String(error));
		await file.close().catch(() => undefined);
		if (entry.state === 'expired') return; // Cut by its expiry, told already.
		await spool.fail(entry, fault.message);
		context.onUploadFailed(entry.id, fault.message);
		if (socket.writable) refuse(fault.code, fault.message);
		else socket.destroy();
		return;
	} finally {
		socket.off('close', onClose);
		entry.expiredSignal.removeEventListener('abort', onExpired);
	}

	await file.close().catch(() => undefined);
	if (entry.state === 'expired') return;
	entry.complete(sha256);
	context.onUploadDone(entry.id, sha256);
	socket.end(encodeLine({v: WIRE_VERSION, ok: true, stage: 'done', id: entry.id, size: entry.size, sha256}));
}

async function receive(reader: ChunkReader, entry: SpoolEntry, file: FileHandle, context: ServeContext, signal: AbortSignal): Promise<string> {
	const {spool} = context;
	const hash = createHash('sha256');
	// Downloads see bytes once they are on disk (`stored`); reading goes on while the disk writes.
	const writer = new WriteBehind(file, 0, chunks => {
		for (const chunk of chunks) entry.stored(chunk);
	});
	let taken = 0;
	try {
		for (;;) {
			let chunk: Buffer | null;
			try {
				chunk = await reader.next();
			} catch (error) {
				const why = error instanceof Error ? ` (${error.message})` : '';
				throw new UploadFault('failed', `connection lost after ${taken} of ${entry.size} bytes${why}`);
			}

			if (chunk === null) break;
			if (taken + chunk.length > entry.size) {
				throw new UploadFault('size-mismatch', `the sender sent more than the declared ${entry.size} bytes`);
			}

			if (!spool.charge(entry, chunk.length)) {
				const rest = prettyBytes(entry.size - taken);
				const free = `${prettyBytes(spool.free)} of ${prettyBytes(spool.quota)} free`;
				throw new UploadFault('quota', `the host's spool filled up while this upload ran: ${free}, ${rest} of ${prettyBytes(entry.size)} still to come`);
			}

			// Nothing more is read until the chunk has room in the host's memory budget.
			try {
				await entry.reserve(chunk.length, signal);
			} catch {
				throw new UploadFault('failed', `connection lost after ${taken} of ${entry.size} bytes`);
			}

			hash.update(chunk);
			taken += chunk.length;
			await stored(writer.push(chunk));
		}

		await stored(writer.flush());
	} finally {
		// Nothing may still be writing when the caller closes the file.
		await writer.flush().catch(() => undefined);
	}

	if (taken !== entry.size) {
		throw new UploadFault('size-mismatch', `the upload ended after ${taken} of the declared ${entry.size} bytes`);
	}

	return hash.digest('hex');
}

async function stored(writing: Promise<void>): Promise<void> {
	try {
		await writing;
	} catch (error) {
		throw new UploadFault('failed', `the host could not store the file: ${describeFsError(error)}`);
	}
}
