/**
 * The TCP file-transfer wire format (docs/transfer.md): one JSON header line each way, then the
 * file bytes (raw for an upload, in length-prefixed frames for a download), then a closing line.
 * Pure: no I/O. Decoders never throw; they return a typed error.
 */
import {z} from 'zod';
import {MAX_FOLDER_ENTRIES} from './limits.js';

/** The `v` every line carries. */
export const WIRE_VERSION = 1;
/** A header or closing line, newline included, is at most this long. */
export const MAX_LINE_BYTES = 4096;
/** The largest download frame a sender may use. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** A session token: 8 bytes as lowercase hex. */
export const TOKEN_PATTERN = /^[0-9a-f]{16}$/;
/** An offer id: 8 characters of lowercase RFC 4648 base32. */
export const OFFER_ID_PATTERN = /^[a-z2-7]{8}$/;
/** Longest file name accepted in a request, in UTF-16 code units. */
export const MAX_WIRE_NAME_LENGTH = 1024;

/** Why a request was refused (docs/transfer.md, "Refusals"). */
export type WireErrorCode =
	| 'too-large'
	| 'quota'
	| 'not-member'
	| 'unknown-id'
	| 'size-mismatch'
	| 'bad-request'
	| 'version'
	| 'busy'
	| 'expired'
	| 'failed';

/** A typed refusal or decoding error. */
export type WireError = {readonly code: WireErrorCode; readonly reason: string};

/** A decoded value or why not. */
export type Decoded<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly error: WireError};

const size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const token = z.string().regex(TOKEN_PATTERN, 'token must be 16 lowercase hex characters');
const id = z.string().regex(OFFER_ID_PATTERN, 'id must be 8 base32 characters');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex characters');
const v = z.literal(WIRE_VERSION);

/** For a folder (its tar archive): how many files it holds. Old hosts ignore it and offer a file. */
const files = z.number().int().min(0).max(MAX_FOLDER_ENTRIES).optional();
const uploadRequest = z.object({v, op: z.literal('upload'), token, name: z.string().max(MAX_WIRE_NAME_LENGTH), size, files});
const downloadRequest = z.object({v, op: z.literal('download'), token, id, offset: size});
const transferRequest = z.discriminatedUnion('op', [uploadRequest, downloadRequest]);
const failure = z.object({
	v,
	ok: z.literal(false),
	code: z
		.enum(['too-large', 'quota', 'not-member', 'unknown-id', 'size-mismatch', 'bad-request', 'version', 'busy', 'expired', 'failed'])
		.catch('failed'),
	reason: z.string().max(1024),
});
const uploadAccepted = z.object({v, ok: z.literal(true), stage: z.literal('accepted'), id, name: z.string(), size});
const downloadAccepted = z.object({
	v,
	ok: z.literal(true),
	stage: z.literal('accepted'),
	id,
	name: z.string(),
	size,
	offset: size,
	complete: z.boolean(),
	sha256: sha256.optional(),
});
const done = z.object({v, ok: z.literal(true), stage: z.literal('done'), id, size, sha256});

/** Offer a file: `size` raw bytes follow once accepted. */
export type UploadRequest = z.infer<typeof uploadRequest>;
/** Fetch an offer from byte `offset` (non-zero to resume). */
export type DownloadRequest = z.infer<typeof downloadRequest>;
/** The first line a client sends. */
export type TransferRequest = z.infer<typeof transferRequest>;
/** A refusal line, possible wherever a response line is expected. */
export type Failure = z.infer<typeof failure>;
/** Upload accepted: the client may now send exactly `size` bytes, then end its side. */
export type UploadAccepted = z.infer<typeof uploadAccepted>;
/** Download accepted: frames carrying bytes `offset` to `size` follow. */
export type DownloadAccepted = z.infer<typeof downloadAccepted>;
/** The closing line of a successful upload or download. */
export type TransferDone = z.infer<typeof done>;

const responseSchemas = {'upload-accepted': uploadAccepted, 'download-accepted': downloadAccepted, done} as const;
type ResponseKinds = {'upload-accepted': UploadAccepted; 'download-accepted': DownloadAccepted; done: TransferDone};
/** Which response line a client is waiting for. */
export type ResponseKind = keyof ResponseKinds;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', {fatal: true});

/** Encode a request or response as one JSON line. Throws RangeError past MAX_LINE_BYTES. */
export function encodeLine(message: TransferRequest | Failure | UploadAccepted | DownloadAccepted | TransferDone): Uint8Array {
	const bytes = encoder.encode(`${JSON.stringify(message)}\n`);
	if (bytes.length > MAX_LINE_BYTES) throw new RangeError(`line of ${bytes.length} bytes exceeds ${MAX_LINE_BYTES}`);
	return bytes;
}

/** A refusal line's value. */
export function failureOf(code: WireErrorCode, reason: string): Failure {
	return {v: WIRE_VERSION, ok: false, code, reason: reason.slice(0, 1024)};
}

/** Decode a request line (without or with its newline). */
export function decodeRequest(line: Uint8Array): Decoded<TransferRequest> {
	return decodeWith(line, transferRequest);
}

/** Decode the response line a client expects, or the server's refusal. */
export function decodeResponse<K extends ResponseKind>(line: Uint8Array, kind: K): Decoded<ResponseKinds[K] | Failure> {
	const schema: z.ZodType<ResponseKinds[K]> = responseSchemas[kind] as unknown as z.ZodType<ResponseKinds[K]>;
	return decodeWith(line, z.union([schema, failure]));
}

/** Result of looking for a line at the start of a buffer. */
export type LineSearch =
	| {readonly kind: 'more'}
	| {readonly kind: 'line'; readonly line: Uint8Array; readonly rest: Uint8Array}
	| {readonly kind: 'error'; readonly error: WireError};

/** Find the first newline-terminated line in `buffer`, enforcing MAX_LINE_BYTES. */
export function takeLine(buffer: Uint8Array): LineSearch {
	const end = buffer.indexOf(0x0a);
	if (end === -1 ? buffer.length >= MAX_LINE_BYTES : end + 1 > MAX_LINE_BYTES) {
		return {kind: 'error', error: {code: 'bad-request', reason: `line longer than ${MAX_LINE_BYTES} bytes`}};
	}

	if (end === -1) return {kind: 'more'};
	return {kind: 'line', line: buffer.subarray(0, end), rest: buffer.subarray(end + 1)};
}

/** The 4-byte big-endian length prefix of a download frame; 0 marks the end of the file bytes. */
export function encodeFrameHeader(length: number): Uint8Array {
	if (!Number.isInteger(length) || length < 0 || length > MAX_FRAME_BYTES) throw new RangeError(`bad frame length ${length}`);
	const header = new Uint8Array(4);
	new DataView(header.buffer).setUint32(0, length);
	return header;
}

/** What a chunk of download body bytes contained. */
export type FrameOutput = {
	/** File bytes, views into the chunk given. */
	readonly data: Uint8Array[];
	/** Set once the end frame was seen: the bytes after it (the start of the closing line). */
	readonly rest?: Uint8Array;
	readonly error?: WireError;
};

/** Incremental decoder of download frames: a state machine fed arbitrary chunks. */
export class FrameReader {
	#remaining = 0;
	readonly #header = new Uint8Array(4);
	#headerBytes = 0;
	#finished = false;

	/** Feed the next chunk received after the download's accepted line. */
	push(chunk: Uint8Array): FrameOutput {
		const data: Uint8Array[] = [];
		let at = 0;
		while (at < chunk.length) {
			if (this.#finished) return {data, rest: chunk.subarray(at)};
			if (this.#remaining > 0) {
				const take = Math.min(this.#remaining, chunk.length - at);
				data.push(chunk.subarray(at, at + take));
				this.#remaining -= take;
				at += take;
				continue;
			}

			const take = Math.min(4 - this.#headerBytes, chunk.length - at);
			this.#header.set(chunk.subarray(at, at + take), this.#headerBytes);
			this.#headerBytes += take;
			at += take;
			if (this.#headerBytes < 4) break;
			this.#headerBytes = 0;
			const length = new DataView(this.#header.buffer).getUint32(0);
			if (length > MAX_FRAME_BYTES) {
				return {data, error: {code: 'bad-request', reason: `frame of ${length} bytes exceeds ${MAX_FRAME_BYTES}`}};
			}

			if (length === 0) this.#finished = true;
			this.#remaining = length;
		}

		return this.#finished ? {data, rest: chunk.subarray(at)} : {data};
	}
}

function decodeWith<T>(line: Uint8Array, schema: z.ZodType<T>): Decoded<T> {
	let value: unknown;
	try {
		value = JSON.parse(decoder.decode(line));
	} catch {
		return {ok: false, error: {code: 'bad-request', reason: 'not a JSON line in UTF-8'}};
	}

	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return {ok: false, error: {code: 'bad-request', reason: 'not a JSON object'}};
	}

	const version = (value as {v?: unknown}).v;
	if (version !== WIRE_VERSION && typeof version === 'number') {
		return {ok: false, error: {code: 'version', reason: `unsupported version ${version}, this side speaks ${WIRE_VERSION}`}};
	}

	const parsed = schema.safeParse(value);
	if (parsed.success) return {ok: true, value: parsed.data};
	const issue = parsed.error.issues[0];
	const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
	return {ok: false, error: {code: 'bad-request', reason: `${where}${issue?.message ?? 'invalid'}`.slice(0, 200)}};
}
