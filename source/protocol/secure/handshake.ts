import {createCipheriv, createDecipheriv, createHash} from 'node:crypto';
import {concatBytes, utf8ToBytes} from '@noble/hashes/utils.js';
import {lvCat} from './cpace-strings.js';
import {cpaceStart} from './cpace.js';
import {ephemeralKey, hkdfSha256, sessionKeys, type SessionKeys} from './exchange.js';
import {sign, verify} from './identity.js';
import {drawBytes, type RandomSource} from './random.js';

/*
 * The join handshake's glue (docs/protocol.md, "Joining"). Four messages: the member's query
 * (its nonce), the hub's answer (its nonce, its long-term Ed25519 key, its share), the member's
 * hello (its share, and its name and the rest sealed under a key only the two ends have), the
 * hub's accept (signed by the hub's key over the transcript, sealed in the new session). The
 * shares are CPace (ristretto255) over the room secret in a private room, ephemeral X25519 in an
 * open one. Session keys come from that shared secret and the transcript hash.
 */

/** Nonces: 16 random bytes from each side, together the CPace session id. */
export const NONCE_BYTES = 16;
const VERSION_LABEL = 'socket-chat-tui v2';

/** What both ends hash: every public value of the handshake, each with its length. */
export type TranscriptParts = {
	readonly mode: 'private' | 'open';
	readonly cid: string;
	readonly memberNonce: Uint8Array;
	readonly hubNonce: Uint8Array;
	readonly hubKey: Uint8Array;
	readonly hubShare: Uint8Array;
	readonly memberShare: Uint8Array;
};

export function transcriptHash(parts: TranscriptParts): Uint8Array {
	const encoded = lvCat(
		utf8ToBytes(`${VERSION_LABEL} handshake`),
		utf8ToBytes(parts.mode),
		utf8ToBytes(parts.cid),
		parts.memberNonce,
		parts.hubNonce,
		parts.hubKey,
		parts.hubShare,
		parts.memberShare,
	);
	return new Uint8Array(createHash('sha256').update(encoded).digest());
}

/** The keys a finished handshake gives both ends: the hello's, and the session's. */
export type HandshakeKeys = {readonly transcript: Uint8Array; readonly hello: Uint8Array; readonly session: SessionKeys};

function keysFor(secret: Uint8Array, parts: TranscriptParts): HandshakeKeys {
	const transcript = transcriptHash(parts);
	return {transcript, hello: hkdfSha256(secret, transcript, `${VERSION_LABEL} hello`, 32), session: sessionKeys(secret, transcript)};
}

/** CPace's inputs for a room secret: the password, and a channel id bound to the hub's key. */
function cpaceInputs(secret: string, hubKey: Uint8Array, memberNonce: Uint8Array, hubNonce: Uint8Array) {
	return {prs: utf8ToBytes(secret.normalize('NFC')), ci: concatBytes(utf8ToBytes(`${VERSION_LABEL} room`), hubKey), sid: concatBytes(memberNonce, hubNonce)};
}

/** The hub's half of one join, made when the query comes: its nonce and share, then the keys. */
export type HubOffer = {
	readonly nonce: Uint8Array;
	readonly share: Uint8Array;
	/** The keys from the member's share; undefined when that share is invalid. Usable once. */
	finish(memberShare: Uint8Array): HandshakeKeys | undefined;
};

export function hubOffer(options: {cid: string; memberNonce: Uint8Array; hubKey: Uint8Array; secret: string | undefined; random: RandomSource}): HubOffer {
	const {cid, memberNonce, hubKey, secret, random} = options;
	const nonce = drawBytes(random, NONCE_BYTES);
	const mode = secret === undefined ? 'open' : 'private';
	if (secret === undefined) {
		const key = ephemeralKey(random);
		return {
			nonce,
			share: key.publicKey,
			finish(memberShare) {
				const shared = key.agree(memberShare);
				key.erase();
				return shared && keysFor(shared, {mode, cid, memberNonce, hubNonce: nonce, hubKey, hubShare: key.publicKey, memberShare});
			},
		};
	}

	// The hub speaks first, so it is CPace's initiator; its key is its associated data.
	const run = cpaceStart({role: 'initiator', ...cpaceInputs(secret, hubKey, memberNonce, nonce), ad: hubKey, random});
	return {
		nonce,
		share: run.message,
		finish(memberShare) {
			const isk = run.finish(memberShare);
			return isk && keysFor(isk, {mode, cid, memberNonce, hubNonce: nonce, hubKey, hubShare: run.message, memberShare});
		},
	};
}

/** The member's half, made when the hub's answer comes: its share and the keys, or undefined for an invalid share. */
export function memberReply(options: {
	cid: string;
	memberNonce: Uint8Array;
	hubNonce: Uint8Array;
	hubKey: Uint8Array;
	hubShare: Uint8Array;
	secret: string | undefined;
	random: RandomSource;
}): {share: Uint8Array; keys: HandshakeKeys} | undefined {
	const {cid, memberNonce, hubNonce, hubKey, hubShare, secret, random} = options;
	if (secret === undefined) {
		const key = ephemeralKey(random);
		const shared = key.agree(hubShare);
		key.erase();
		return shared && {share: key.publicKey, keys: keysFor(shared, {mode: 'open', cid, memberNonce, hubNonce, hubKey, hubShare, memberShare: key.publicKey})};
	}

	const run = cpaceStart({role: 'responder', ...cpaceInputs(secret, hubKey, memberNonce, hubNonce), random});
	const isk = run.finish(hubShare, hubKey);
	return isk && {share: run.message, keys: keysFor(isk, {mode: 'private', cid, memberNonce, hubNonce, hubKey, hubShare, memberShare: run.message})};
}

const ZERO_NONCE = new Uint8Array(12);

/** Seals the hello's fields under its one-use key, bound to the transcript. */
export function sealHello(keys: HandshakeKeys, plaintext: string): Uint8Array {
	const cipher = createCipheriv('chacha20-poly1305', keys.hello, ZERO_NONCE, {authTagLength: 16});
	cipher.setAAD(keys.transcript, {plaintextLength: Buffer.byteLength(plaintext)});
	return concatBytes(cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag());
}

/** The hello's fields, or undefined when they were not sealed under these keys (a wrong secret). */
export function openHello(keys: HandshakeKeys, sealed: Uint8Array): string | undefined {
	if (sealed.length < 16) {
		return undefined;
	}

	try {
		const decipher = createDecipheriv('chacha20-poly1305', keys.hello, ZERO_NONCE, {authTagLength: 16});
		const body = sealed.subarray(0, sealed.length - 16);
		decipher.setAAD(keys.transcript, {plaintextLength: body.length});
		decipher.setAuthTag(sealed.subarray(sealed.length - 16));
		return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
	} catch {
		return undefined;
	}
}

function acceptMessage(transcript: Uint8Array, token: string): Uint8Array {
	return lvCat(utf8ToBytes(`${VERSION_LABEL} accept`), transcript, utf8ToBytes(token));
}

/** The hub's signature on an accept: its long-term key vouches for this transcript and token. */
export function signAccept(secretKey: Uint8Array, transcript: Uint8Array, token: string): Uint8Array {
	return sign(acceptMessage(transcript, token), secretKey);
}

export function verifyAccept(hubKey: Uint8Array, signature: Uint8Array, transcript: Uint8Array, token: string): boolean {
	return verify(signature, acceptMessage(transcript, token), hubKey);
}

function goneMessage(token: string, ts: number): Uint8Array {
	return lvCat(utf8ToBytes(`${VERSION_LABEL} gone`), utf8ToBytes(token), utf8ToBytes(String(ts)));
}

/** The hub's signature on "I do not know this session" (after a restart it has no session key left). */
export function signGone(secretKey: Uint8Array, token: string, ts: number): Uint8Array {
	return sign(goneMessage(token, ts), secretKey);
}

export function verifyGone(hubKey: Uint8Array, signature: Uint8Array, token: string, ts: number): boolean {
	return verify(signature, goneMessage(token, ts), hubKey);
}

/**
 * The TLS PSK identity of a session's transfers: named by a hash of its key, not by the session
 * token, so the transfer connection's clear ClientHello does not tie it to the chat session.
 */
export function transferIdentity(transferPsk: Uint8Array): string {
	return createHash('sha256').update(`${VERSION_LABEL} transfer identity`).update(transferPsk).digest('hex').slice(0, 32);
}
