import * as nodeCrypto from 'node:crypto';
import {createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject} from 'node:crypto';
import {HEADER_BYTES, MAGIC_0, MAGIC_1} from '../envelope.js';
import {SAFE_PAYLOAD_BYTES} from '../limits.js';
import {toBase64} from '../secure/base64.js';

/**
 * The room stream's datagrams (docs/protocol.md, "The room stream"): the room's events, sealed
 * once under the room's epoch key and sent once to the room's multicast group (and resent by
 * unicast to a member that missed one). Every byte is fixed here:
 *
 *   0  'S' 'C'   2 version   3 flags: FLAG_ENCRYPTED | FLAG_CAST [| FLAG_BEAT] [| FLAG_SIGNED]
 *   4  epoch (u32)   8 q (u32): the datagram's number in the stream (a beat's own number)
 *   12 ChaCha20-Poly1305 ciphertext and tag (16) of the plaintext, under the epoch key, nonce
 *      kind (0 data, 1 beat) ‖ 0 0 0 ‖ epoch ‖ q, the 12-byte header as associated data
 *   .. with FLAG_SIGNED: the hub's Ed25519 signature (64) of CAST_LABEL ‖ SHA-256(all before it)
 *
 * A data datagram's plaintext: a byte of flags (bit 0: the chain goes on), then with bit 0 the
 * SHA-256 of the whole next datagram, then the index (u32) of the event its first record belongs
 * to, then records: kind (u8: 0 whole, 1 first part, 2 middle part, 3 last part, 4 a message in
 * binary, see `encodeMessage`), length (u16), that many bytes of the event (JSON, but for kind 4). A chain is up to CHAIN_MAX datagrams: its first is signed,
 * each one names the next by hash. So each datagram is the hub's (a member holding the epoch key
 * cannot forge one for the others), at one signature per chain.
 */

/** The room stream's datagrams carry this flag (with FLAG_ENCRYPTED, 0x01). */
export const FLAG_CAST = 0x02;
/** A beat: no events; it tells whether the group reaches a member (the probe). */
export const FLAG_BEAT = 0x04;
/** The last 64 bytes are the hub's signature. */
export const FLAG_SIGNED = 0x08;
const FLAG_ENCRYPTED = 0x01;
const TAG_BYTES = 16;
const SIGNATURE_BYTES = 64;
const HASH_BYTES = 32;
/** Delay of a member's ack of the room stream when nothing is missing (a gap is acknowledged at once). */
export const CAST_ACK_MS = 100;
/** The longest such delay a hub may ask of a member (in a large room: `ackDelayFor`). */
export const CAST_ACK_MAX_MS = 800;

/**
 * The delay a hub asks of each member's gap-free acks, by how many its group serves: 100 ms up to
 * 99 members, then twice as long at 100, 200 and 400 (800 ms). Acks of a room stream that lost
 * nothing only move the hub's window and free its copies (a gap is acknowledged at once, and every
 * 64 datagrams an ack goes anyway), so in a large room they can wait: the hub hears about as many
 * acks a second from 400 members as from 50. What waits longer is the repair of a datagram lost
 * last before a pause (nothing after it shows the gap): up to the member's timeout plus this.
 */
export function ackDelayFor(members: number): number {
	let delay = CAST_ACK_MS;
	for (let size = 100; size <= members && delay < CAST_ACK_MAX_MS; size *= 2) delay *= 2;
	return delay;
}
/** Datagrams per chain, at most (one signature each). */
export const CHAIN_MAX = 64;
const CAST_LABEL = Buffer.from('socket-chat-tui v4 cast', 'utf8');
/** Record bytes a data datagram of `datagramBytes` holds, room kept for a signature and a next hash whatever its place. */
export function recordRoom(datagramBytes: number): number {
	return datagramBytes - HEADER_BYTES - TAG_BYTES - SIGNATURE_BYTES - 1 - HASH_BYTES - 4;
}

/** Record bytes a data datagram of 1,200 bytes (every path's) holds: a binary message always fits this. */
export const RECORD_ROOM = recordRoom(SAFE_PAYLOAD_BYTES);
const RECORD_HEAD = 3;

export type RecordKind = 0 | 1 | 2 | 3 | 4;
export type CastRecord = {readonly kind: RecordKind; readonly bytes: Uint8Array};

/** What one data datagram holds, before it is sealed. */
export type CastPlain = {readonly firstEvent: number; readonly records: readonly CastRecord[]};

/**
 * The room's multicast group, from its hub's public key: 239.255.x.y (administratively scoped,
 * RFC 2365), x and y in 1..254, so never 239.255.255.250 (SSDP) nor .253 (SLP). Two rooms on one
 * network that drew the same group still only read their own: the port differs, or the key does.
 */
export function roomGroup(publicKey: Uint8Array): string {
	const digest = createHash('sha256').update(publicKey).digest();
	return `239.255.${1 + (digest[0]! % 254)}.${1 + (digest[1]! % 254)}`;
}

/** The IPv6 group's id range (RFC 3307 section 4.3, dynamic): 0x80000000 up, below 0xff000000 (solicited-node ids, ff02::1:ffxx:xxxx, share their link-layer address). */
const GROUP6_ID_FIRST = 0x80_00_00_00;
const GROUP6_IDS = 0x7f_00_00_00;

/**
 * The room's IPv6 multicast group, from its hub's public key: ff15::/16 (flags 1, transient; scope
 * 5, site: the counterpart of 239.255.0.0/16, the IPv4 Local Scope of RFC 2365), the 80 bits after the
 * first 16 zero, and the last 32 (the group id, all a link layer maps) 0x80000000 plus bytes 2-5 of
 * SHA-256 of the key (big-endian) modulo 0x7f000000. Written as RFC 5952 says: `ff15::8abc:de`.
 */
export function roomGroup6(publicKey: Uint8Array): string {
	const digest = createHash('sha256').update(publicKey).digest();
	const id = GROUP6_ID_FIRST + (digest.readUInt32BE(2) % GROUP6_IDS);
	return `ff15::${(id >>> 16).toString(16)}:${(id & 0xff_ff).toString(16)}`;
}

/** The hub's signing key as node:crypto wants it (its Ed25519 seed and public key). */
export function castSigner(secretKey: Uint8Array, publicKey: Uint8Array): KeyObject {
	return createPrivateKey({key: {kty: 'OKP', crv: 'Ed25519', d: toBase64(secretKey), x: toBase64(publicKey)}, format: 'jwk'});
}

/** The hub's public key as node:crypto wants it, to check signatures. */
export function castVerifier(publicKey: Uint8Array): KeyObject {
	return createPublicKey({key: {kty: 'OKP', crv: 'Ed25519', x: toBase64(publicKey)}, format: 'jwk'});
}

function header(flags: number, version: number, epoch: number, q: number): Buffer {
	const bytes = Buffer.allocUnsafe(HEADER_BYTES);
	bytes[0] = MAGIC_0;
	bytes[1] = MAGIC_1;
	bytes[2] = version;
	bytes[3] = FLAG_ENCRYPTED | FLAG_CAST | flags;
	bytes.writeUInt32BE(epoch >>> 0, 4);
	bytes.writeUInt32BE(q >>> 0, 8);
	return bytes;
}

/**
 * SHA-256 of some bytes. Each member hashes every datagram of the room stream (its chain link), so
 * this takes node:crypto's one-shot `hash` (Node 20.12 on: no Hash object per call, about 1 µs less
 * a datagram here), and a Hash object where it is missing.
 */
const sha256: (data: Uint8Array) => Buffer =
	typeof nodeCrypto.hash === 'function' ? data => nodeCrypto.hash('sha256', data, 'buffer') : data => createHash('sha256').update(data).digest();

function nonce(beat: boolean, epoch: number, q: number): Buffer {
	const bytes = Buffer.allocUnsafe(12);
	bytes[0] = beat ? 1 : 0;
	bytes[1] = 0;
	bytes[2] = 0;
	bytes[3] = 0;
	bytes.writeUInt32BE(epoch >>> 0, 4);
	bytes.writeUInt32BE(q >>> 0, 8);
	return bytes;
}

function seal(key: Uint8Array, head: Buffer, beat: boolean, plaintext: Buffer): Buffer {
	const cipher = createCipheriv('chacha20-poly1305', key, nonce(beat, head.readUInt32BE(4), head.readUInt32BE(8)), {authTagLength: TAG_BYTES});
	cipher.setAAD(head, {plaintextLength: plaintext.length});
	return Buffer.concat([head, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function signed(signer: KeyObject, unsigned: Buffer): Buffer {
	const digest = sha256(unsigned);
	return Buffer.concat([unsigned, sign(null, Buffer.concat([CAST_LABEL, digest]), signer)]);
}

/** How many record bytes an event of `bytes` takes when whole (its record head counted). */
export function recordSize(bytes: number): number {
	return RECORD_HEAD + bytes;
}

/** An event to pack: its JSON bytes, or a message's binary form (`encodeMessage`, which always fits one record). */
export type CastEvent = Uint8Array | {readonly binary: Uint8Array};

/**
 * Packs events (in order from event `firstEvent`) into datagrams' plaintexts, each to seal into at
 * most `datagramBytes` (1,200 unless the paths of all the group's members take more); long ones in parts.
 */
export function packEvents(input: readonly CastEvent[], firstEvent: number, datagramBytes = SAFE_PAYLOAD_BYTES): CastPlain[] {
	const roomBytes = recordRoom(datagramBytes);
	const out: CastPlain[] = [];
	let records: CastRecord[] = [];
	let room = roomBytes;
	let first = firstEvent;
	let index = firstEvent;
	const close = (next: number) => {
		if (records.length > 0) out.push({firstEvent: first, records});
		records = [];
		room = roomBytes;
		first = next;
	};

	for (const item of input) {
		if (!(item instanceof Uint8Array)) {
			if (recordSize(item.binary.length) > room) close(index);
			records.push({kind: 4, bytes: item.binary});
			room -= recordSize(item.binary.length);
			index++;
			continue;
		}

		const event = item;
		if (recordSize(event.length) <= room) {
			records.push({kind: 0, bytes: event});
			room -= recordSize(event.length);
			index++;
			continue;
		}

		if (recordSize(event.length) <= roomBytes) {
			close(index);
			records.push({kind: 0, bytes: event});
			room -= recordSize(event.length);
			index++;
			continue;
		}

		// Too long for any datagram: parts, the first filling what is left of this one.
		if (room < RECORD_HEAD + 64) close(index);
		let at = 0;
		while (at < event.length) {
			const take = Math.min(room - RECORD_HEAD, event.length - at);
			const kind: RecordKind = at === 0 ? 1 : at + take === event.length ? 3 : 2;
			records.push({kind, bytes: event.subarray(at, at + take)});
			at += take;
			room -= RECORD_HEAD + take;
			if (at < event.length) close(index);
		}

		index++;
	}

	close(index);
	return out;
}

function plainBytes(plain: CastPlain, next: Buffer | undefined): Buffer {
	let size = 1 + (next ? HASH_BYTES : 0) + 4;
	for (const record of plain.records) size += RECORD_HEAD + record.bytes.length;
	const bytes = Buffer.allocUnsafe(size);
	bytes[0] = next ? 1 : 0;
	let at = 1;
	if (next) {
		next.copy(bytes, at);
		at += HASH_BYTES;
	}

	bytes.writeUInt32BE(plain.firstEvent >>> 0, at);
	at += 4;
	for (const record of plain.records) {
		bytes[at] = record.kind;
		bytes.writeUInt16BE(record.bytes.length, at + 1);
		bytes.set(record.bytes, at + RECORD_HEAD);
		at += RECORD_HEAD + record.bytes.length;
	}

	return bytes;
}

/**
 * Seals plaintexts numbered from `firstQ` into chains: built from the last datagram back, so each
 * can carry the hash of the one after it, and the first of each chain is signed.
 */
export function sealChains(plains: readonly CastPlain[], firstQ: number, epoch: number, key: Uint8Array, signer: KeyObject, version: number): Buffer[] {
	const out: Buffer[] = Array.from({length: plains.length});
	for (let start = 0; start < plains.length; start += CHAIN_MAX) {
		const end = Math.min(start + CHAIN_MAX, plains.length);
		let next: Buffer | undefined;
		for (let index = end - 1; index >= start; index--) {
			const head = header(index === start ? FLAG_SIGNED : 0, version, epoch, firstQ + index);
			const sealed = seal(key, head, false, plainBytes(plains[index]!, next));
			out[index] = index === start ? signed(signer, sealed) : sealed;
			next = sha256(out[index]!);
		}
	}

	return out;
}

/** A beat numbered `beat`: signed, no events. */
export function sealBeat(beat: number, epoch: number, key: Uint8Array, signer: KeyObject, version: number): Buffer {
	return signed(signer, seal(key, header(FLAG_BEAT | FLAG_SIGNED, version, epoch, beat), true, Buffer.from([0])));
}

/** A room stream datagram's header, read (nothing opened yet). */
export type CastHead = {readonly version: number; readonly beat: boolean; readonly signed: boolean; readonly epoch: number; readonly q: number};

/** Whether a datagram is the room stream's, and its header; undefined for anything else. */
export function readCastHead(datagram: Buffer): CastHead | undefined {
	if (datagram.length < HEADER_BYTES + TAG_BYTES || datagram.length > SAFE_PAYLOAD_BYTES * 2 || datagram[0] !== MAGIC_0 || datagram[1] !== MAGIC_1) return undefined;
	const flags = datagram[3]!;
	if ((flags & (FLAG_ENCRYPTED | FLAG_CAST)) !== (FLAG_ENCRYPTED | FLAG_CAST) || (flags & ~0x0f) !== 0) return undefined;
	const signedFlag = (flags & FLAG_SIGNED) !== 0;
	if (signedFlag && datagram.length < HEADER_BYTES + TAG_BYTES + SIGNATURE_BYTES) return undefined;
	return {version: datagram[2]!, beat: (flags & FLAG_BEAT) !== 0, signed: signedFlag, epoch: datagram.readUInt32BE(4), q: datagram.readUInt32BE(8)};
}

/**
 * What this process learnt of room stream datagrams, by the SHA-256 of their exact bytes (which a
 * member works out anyway: it is what the datagram before names): whose signature they carry, and
 * what they held under which epoch key. Members of one room sharing a process (a bot with several
 * sessions, the tests, the benchmark's load) each receive every group datagram; the first checks
 * and opens it, the others find it here. Both results depend on nothing but the bytes and the key
 * (the hub's public key, the epoch key), and each is part of the memo's key, so a memo can only
 * say what checking or opening again would: what one room's hub signed is never taken as another's,
 * and bytes opened under one epoch key are never read as opened under another. Only successes are
 * kept: datagrams that fail cannot push the real ones out. A process with one member gains nothing.
 */
const verified = new Map<string, true>();
const opened = new Map<string, CastOpened>();
/** Entries kept: the members sharing a process read a datagram within moments of each other. */
const KNOWN_MAX = 1024;
const keyIds = new WeakMap<object, string>();

/** The hub's public key as text (its JWK `x`), worked out once per key object. */
function verifierId(verifier: KeyObject): string {
	let id = keyIds.get(verifier);
	if (id === undefined) {
		id = String((verifier.export({format: 'jwk'}) as {x?: string}).x);
		keyIds.set(verifier, id);
	}

	return id;
}

/** An epoch key's SHA-256 (as latin-1 text, a character a byte), worked out once per key array: never the key itself. */
function epochKeyId(key: Uint8Array): string {
	let id = keyIds.get(key);
	if (id === undefined) {
		id = sha256(key).toString('latin1');
		keyIds.set(key, id);
	}

	return id;
}

function remember<T>(memo: Map<string, T>, key: string, value: T): void {
	if (memo.size >= KNOWN_MAX) memo.delete(memo.keys().next().value!);
	memo.set(key, value);
}

/**
 * Whether a signed datagram carries the hub's signature of everything before it. `digest`: the
 * datagram's `castHash`, when the caller has it.
 */
export function verifyCast(datagram: Buffer, verifier: KeyObject, digest: Buffer = castHash(datagram)): boolean {
	// Latin-1 maps each byte to one character: an exact key, far cheaper to build than base64.
	const memo = verifierId(verifier) + digest.toString('latin1');
	if (verified.has(memo)) return true;
	let ok = false;
	try {
		const body = datagram.subarray(0, datagram.length - SIGNATURE_BYTES);
		ok = verify(null, Buffer.concat([CAST_LABEL, sha256(body)]), verifier, datagram.subarray(datagram.length - SIGNATURE_BYTES));
	} catch {
		ok = false;
	}

	if (ok) remember(verified, memo, true);
	return ok;
}

/** The SHA-256 of a whole datagram: what its predecessor in the chain names. */
export function castHash(datagram: Buffer): Buffer {
	return sha256(datagram);
}

/** Datagrams the memo of `openCastKnown` holds (for tests). */
export function openedKnown(): number {
	return opened.size;
}

/**
 * `openCast`, through the process's memo: `digest` is the datagram's `castHash`. What it gives is
 * shared with the process's other members of the room, so nobody may change it (it is read-only).
 */
export function openCastKnown(datagram: Buffer, digest: Buffer, head: CastHead, key: Uint8Array): CastOpened | undefined {
	const memo = epochKeyId(key) + digest.toString('latin1');
	const known = opened.get(memo);
	if (known) return known;
	const result = openCast(datagram, head, key);
	if (result) remember(opened, memo, result);
	return result;
}

/** What an opened data datagram holds. */
export type CastOpened = CastPlain & {readonly next: Buffer | undefined};

/** Opens a data datagram or a beat under the epoch key: undefined when it does not open or does not parse. */
export function openCast(datagram: Buffer, head: CastHead, key: Uint8Array): CastOpened | undefined {
	const end = datagram.length - (head.signed ? SIGNATURE_BYTES : 0);
	const headBytes = datagram.subarray(0, HEADER_BYTES);
	let plain: Buffer;
	try {
		const decipher = createDecipheriv('chacha20-poly1305', key, nonce(head.beat, head.epoch, head.q), {authTagLength: TAG_BYTES});
		const ciphertext = datagram.subarray(HEADER_BYTES, end - TAG_BYTES);
		decipher.setAAD(headBytes, {plaintextLength: ciphertext.length});
		decipher.setAuthTag(datagram.subarray(end - TAG_BYTES, end));
		plain = decipher.update(ciphertext);
		// An AEAD's final() gives no bytes: it checks the tag (and throws when it does not match).
		decipher.final();
	} catch {
		return undefined;
	}

	if (head.beat) return plain.length === 1 ? {firstEvent: 0, records: [], next: undefined} : undefined;
	if (plain.length < 5 || (plain[0]! & ~1) !== 0) return undefined;
	let at = 1;
	let next: Buffer | undefined;
	if (plain[0] === 1) {
		if (plain.length < 1 + HASH_BYTES + 4) return undefined;
		next = plain.subarray(1, 1 + HASH_BYTES);
		at += HASH_BYTES;
	}

	const firstEvent = plain.readUInt32BE(at);
	at += 4;
	const records: CastRecord[] = [];
	while (at < plain.length) {
		if (at + RECORD_HEAD > plain.length) return undefined;
		const kind = plain[at]!;
		const length = plain.readUInt16BE(at + 1);
		if (kind > 4 || at + RECORD_HEAD + length > plain.length) return undefined;
		records.push({kind: kind as RecordKind, bytes: plain.subarray(at + RECORD_HEAD, at + RECORD_HEAD + length)});
		at += RECORD_HEAD + length;
	}

	return {firstEvent, records, next};
}

/** A room message, as the room stream's binary record carries it. */
export type CastMessage = {readonly k: 'msg'; readonly seq: number; readonly time: number; readonly from: string; readonly text: string; readonly me?: boolean; readonly mid?: string};

const MESSAGE_HEAD = 4 + 6 + 1 + 1;

/**
 * A message's binary record (kind 4): seq (u32), time (u48, ms), flags (u8: bit 0 `me`, bit 1 a
 * `mid` follows), the sender's name (u8 length, UTF-8), the `mid` (u8 length, ASCII) when flagged,
 * then the text (UTF-8) to the record's end. Undefined when it cannot be (a number beyond those
 * widths, a name over 255 bytes) or would not fit one record: the event then goes as JSON.
 */
export function encodeMessage(event: CastMessage): Uint8Array | undefined {
	const fromBytes = Buffer.byteLength(event.from);
	const midBytes = event.mid === undefined ? 0 : Buffer.byteLength(event.mid);
	const textBytes = Buffer.byteLength(event.text);
	const size = MESSAGE_HEAD + fromBytes + (event.mid === undefined ? 0 : 1 + midBytes) + textBytes;
	if (event.seq > 0xff_ff_ff_ff || event.time > 2 ** 48 - 1 || event.time < 0 || fromBytes > 255 || midBytes > 255 || recordSize(size) > RECORD_ROOM) return undefined;
	const bytes = Buffer.allocUnsafe(size);
	bytes.writeUInt32BE(event.seq, 0);
	bytes.writeUIntBE(event.time, 4, 6);
	bytes[10] = (event.me ? 1 : 0) | (event.mid === undefined ? 0 : 2);
	bytes[11] = fromBytes;
	let at = MESSAGE_HEAD + bytes.write(event.from, MESSAGE_HEAD, 'utf8');
	if (event.mid !== undefined) {
		bytes[at] = midBytes;
		at += 1 + bytes.write(event.mid, at + 1, 'latin1');
	}

	bytes.write(event.text, at, 'utf8');
	return bytes;
}

/** A kind-4 record back into its message; undefined when malformed (the room's own checks follow). */
export function decodeMessage(bytes: Uint8Array): CastMessage | undefined {
	if (bytes.length < MESSAGE_HEAD) return undefined;
	const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const flags = view[10]!;
	const fromBytes = view[11]!;
	if ((flags & ~3) !== 0 || MESSAGE_HEAD + fromBytes > view.length) return undefined;
	let at = MESSAGE_HEAD + fromBytes;
	let mid: string | undefined;
	if ((flags & 2) !== 0) {
		const midBytes = view[at];
		if (midBytes === undefined || at + 1 + midBytes > view.length) return undefined;
		mid = view.toString('latin1', at + 1, at + 1 + midBytes);
		at += 1 + midBytes;
	}

	const message: {-readonly [K in keyof CastMessage]: CastMessage[K]} = {
		k: 'msg',
		seq: view.readUInt32BE(0),
		time: view.readUIntBE(4, 6),
		from: view.toString('utf8', MESSAGE_HEAD, MESSAGE_HEAD + fromBytes),
		text: view.toString('utf8', at),
	};
	if ((flags & 1) !== 0) message.me = true;
	if (mid !== undefined) message.mid = mid;
	return message;
}

/** Messages decoded from records `openCastKnown` shares (null: the record is malformed). */
const recordMessages = new WeakMap<CastRecord, CastMessage | null>();

/**
 * A kind-4 record of an opened datagram, decoded once for every member of the process that opened
 * it (`shared`: the record came through the memo of `openCastKnown`, so is what it decodes to);
 * frozen either way, for a message held by several sessions must not be changed by one.
 */
export function recordMessage(record: CastRecord, shared = true): CastMessage | undefined {
	if (!shared) {
		const decoded = decodeMessage(record.bytes);
		return decoded && Object.freeze(decoded);
	}

	let message = recordMessages.get(record);
	if (message === undefined) {
		const decoded = decodeMessage(record.bytes);
		message = decoded ? Object.freeze(decoded) : null;
		recordMessages.set(record, message);
	}

	return message ?? undefined;
}
