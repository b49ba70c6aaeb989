import {ed25519} from '@noble/curves/ed25519.js';
import {sha256} from '@noble/hashes/sha2.js';
import {concatBytes, utf8ToBytes} from '@noble/hashes/utils.js';
import {drawBytes, systemRandom, type RandomSource} from './random.js';

/**
 * A hub's long-term identity: an Ed25519 key pair (RFC 8032, from @noble/curves). The hub signs
 * its handshake transcripts with it; members pin the public key and compare its fingerprint.
 */

/** An Ed25519 secret key (the 32-byte RFC 8032 seed) and its public key. */
export type HubIdentity = {
	readonly secretKey: Uint8Array;
	readonly publicKey: Uint8Array;
};

export const SECRET_KEY_BYTES = 32;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/** A new identity from 32 random bytes. */
export function generateIdentity(random: RandomSource = systemRandom): HubIdentity {
	const secretKey = drawBytes(random, SECRET_KEY_BYTES);
	const identity = identityFromSecretKey(secretKey);
	secretKey.fill(0);
	return identity;
}

/** The identity of a stored secret key (32 bytes), e.g. read back from the data folder. */
export function identityFromSecretKey(secretKey: Uint8Array): HubIdentity {
	if (secretKey.length !== SECRET_KEY_BYTES) {
		throw new Error(`an Ed25519 secret key has ${SECRET_KEY_BYTES} bytes, not ${secretKey.length}`);
	}

	const copy = Uint8Array.from(secretKey);
	return {secretKey: copy, publicKey: ed25519.getPublicKey(copy)};
}

/** The Ed25519 signature (64 bytes, deterministic) of `message`. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
	return ed25519.sign(message, secretKey);
}

/**
 * Whether `signature` is `publicKey`'s signature of `message`, checked strictly as RFC 8032 says
 * (canonical S and encodings, not the laxer ZIP 215 rules), so a signature cannot be altered into
 * another valid one. False, never an exception, for malformed input.
 */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
	if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) {
		return false;
	}

	try {
		return ed25519.verify(signature, message, publicKey, {zip215: false});
	} catch {
		return false;
	}
}

/** Base32 without the look-alikes l, o, 0 and 1 (the alphabet of the room fingerprint before it). */
export const FINGERPRINT_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const FINGERPRINT_DOMAIN = utf8ToBytes('socket-chat-tui hub key fingerprint v2');
/** 16 characters of 5 bits: the first 80 bits of the hash. */
const FINGERPRINT_CHARACTERS = 16;

/**
 * What people compare aloud: SHA-256("socket-chat-tui hub key fingerprint v2" || publicKey), its
 * first 80 bits in base32 (FINGERPRINT_ALPHABET, most significant bit first), as four groups of
 * four, e.g. "sx6m-643p-gqm8-6hwk" (the key of RFC 8032 TEST 1). Finding another key with a given fingerprint costs about 2^80
 * hashes. The domain string keeps it apart from every other hash of the key.
 */
export function identityFingerprint(publicKey: Uint8Array): string {
	if (publicKey.length !== PUBLIC_KEY_BYTES) {
		throw new Error(`an Ed25519 public key has ${PUBLIC_KEY_BYTES} bytes, not ${publicKey.length}`);
	}

	const digest = sha256(concatBytes(FINGERPRINT_DOMAIN, publicKey));
	let characters = '';
	let buffer = 0;
	let bits = 0;
	for (const byte of digest) {
		buffer = ((buffer << 8) | byte) & 0xffff;
		bits += 8;
		while (bits >= 5 && characters.length < FINGERPRINT_CHARACTERS) {
			bits -= 5;
			characters += FINGERPRINT_ALPHABET[(buffer >> bits) & 0x1f];
		}

		if (characters.length === FINGERPRINT_CHARACTERS) {
			break;
		}
	}

	return characters.match(/.{4}/g)!.join('-');
}
