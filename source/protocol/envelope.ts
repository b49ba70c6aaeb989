import {MAX_DATAGRAM_BYTES} from './limits.js';

/** "SC": every datagram of ours starts with these two bytes. */
export const MAGIC_0 = 0x53;
export const MAGIC_1 = 0x43;
export const HEADER_BYTES = 12;
export const TOKEN_BYTES = 8;
/** Flag bit reserved for an encrypted body (room secret); no other bit may be set. */
export const FLAG_ENCRYPTED = 0x01;
export const NO_TOKEN = '0000000000000000';

export type Envelope = {
	readonly version: number;
	readonly flags: number;
	/** Lowercase hex, 16 characters; NO_TOKEN before a member is welcomed. */
	readonly token: string;
	readonly body: Buffer;
};

export type DecodeErrorCode =
	| 'too-short'
	| 'too-long'
	| 'bad-magic'
	| 'bad-flags'
	| 'bad-json'
	| 'bad-frame'
	| 'bad-payload';

/** A typed decoding failure: the datagram is dropped and counted by its code. */
export type DecodeError = {
	readonly ok: false;
	readonly code: DecodeErrorCode;
	readonly detail: string;
};

export function decodeError(code: DecodeErrorCode, detail: string): DecodeError {
	return {ok: false, code, detail};
}

/** Reads the fixed header. The version is returned as found: the caller decides what it accepts. */
export function decodeEnvelope(datagram: Buffer): ({ok: true} & Envelope) | DecodeError {
	if (datagram.length < HEADER_BYTES) {
		return decodeError('too-short', `${datagram.length} bytes`);
	}

	if (datagram.length > MAX_DATAGRAM_BYTES) {
		return decodeError('too-long', `${datagram.length} bytes`);
	}

	if (datagram[0] !== MAGIC_0 || datagram[1] !== MAGIC_1) {
		return decodeError('bad-magic', 'not a socket-chat datagram');
	}

	const flags = datagram[3]!;
	if ((flags & ~FLAG_ENCRYPTED) !== 0) {
		return decodeError('bad-flags', `flags 0x${flags.toString(16)}`);
	}

	return {
		ok: true,
		version: datagram[2]!,
		flags,
		token: datagram.toString('hex', 4, HEADER_BYTES),
		body: datagram.subarray(HEADER_BYTES),
	};
}

/** The 12-byte header alone (what encryption authenticates as associated data). */
export function encodeHeader(version: number, token: string, flags = 0): Buffer {
	const header = Buffer.allocUnsafe(HEADER_BYTES);
	header[0] = MAGIC_0;
	header[1] = MAGIC_1;
	header[2] = version;
	header[3] = flags;
	header.write(token, 4, TOKEN_BYTES, 'hex');
	return header;
}

/** Builds an encrypted datagram: the header, then `seal(header, body)`. */
export function encodeSealedEnvelope(version: number, token: string, body: string, seal: (header: Buffer, plaintext: Buffer) => Buffer): Buffer {
	const header = encodeHeader(version, token, FLAG_ENCRYPTED);
	return Buffer.concat([header, seal(header, Buffer.from(body, 'utf8'))]);
}

/** Builds a datagram: header, then the body (a JSON array of frames). */
export function encodeEnvelope(version: number, token: string, body: string, flags = 0): Buffer {
	const bodyBytes = Buffer.byteLength(body);
	const datagram = Buffer.allocUnsafe(HEADER_BYTES + bodyBytes);
	datagram[0] = MAGIC_0;
	datagram[1] = MAGIC_1;
	datagram[2] = version;
	datagram[3] = flags;
	datagram.write(token, 4, TOKEN_BYTES, 'hex');
	datagram.write(body, HEADER_BYTES, bodyBytes, 'utf8');
	return datagram;
}
