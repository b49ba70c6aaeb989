import {hkdfSync} from 'node:crypto';
import {x25519} from '@noble/curves/ed25519.js';
import {drawBytes, systemRandom, type RandomSource} from './random.js';

/**
 * The session's ephemeral key agreement (X25519, RFC 7748, from @noble/curves) and the key
 * schedule (HKDF-SHA256, RFC 5869, from node:crypto) that turns its shared secret, or a CPace
 * ISK, and the handshake's transcript hash into the session's keys.
 */

export const X25519_KEY_BYTES = 32;
/** Each key the schedule gives out. */
export const SESSION_KEY_BYTES = 32;
/** The least the schedule accepts for its secret and for its transcript hash. */
const MINIMUM_INPUT_BYTES = 32;

/**
 * X25519(secretKey, peerPublicKey), or undefined when the peer's key is of small order (the
 * result would be all zeros, RFC 7748 section 6.1: a key the peer does not share secretly).
 */
export function x25519Agree(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array | undefined {
	if (secretKey.length !== X25519_KEY_BYTES || peerPublicKey.length !== X25519_KEY_BYTES) {
		return undefined;
	}

	try {
		const shared = x25519.getSharedSecret(secretKey, peerPublicKey);
		// @noble refuses small-order keys already; this is RFC 7748's own check, in constant time.
		return shared.reduce((bits, byte) => bits | byte, 0) === 0 ? undefined : shared;
	} catch {
		return undefined;
	}
}

/** One session's ephemeral X25519 key: used for one agreement, then erased. */
export type EphemeralKey = {
	/** Ours to send: 32 bytes. */
	readonly publicKey: Uint8Array;
	/** The shared secret with the peer's public key, or undefined for a small-order one. */
	agree(peerPublicKey: Uint8Array): Uint8Array | undefined;
	/** Overwrites the secret key with zeros; `agree` throws afterwards. */
	erase(): void;
};

/** A fresh ephemeral key from 32 random bytes (clamped by X25519 itself). */
export function ephemeralKey(random: RandomSource = systemRandom): EphemeralKey {
	const secretKey = drawBytes(random, X25519_KEY_BYTES);
	let erased = false;
	return {
		publicKey: x25519.getPublicKey(secretKey),
		agree(peerPublicKey) {
			if (erased) {
				throw new Error('this ephemeral key was erased');
			}

			return x25519Agree(secretKey, peerPublicKey);
		},
		erase() {
			secretKey.fill(0);
			erased = true;
		},
	};
}

/** HKDF-SHA256 (RFC 5869): extract with `salt`, expand with `info` to `length` bytes. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array | string, length: number): Uint8Array {
	return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length));
}

/** The HKDF info of each key: versioned, and a distinct label per use and per direction. */
export const SCHEDULE_LABELS = {
	hubToMember: 'socket-chat-tui v2 hub-to-member',
	memberToHub: 'socket-chat-tui v2 member-to-hub',
	transferPsk: 'socket-chat-tui v2 transfer-psk',
} as const;

/** A session's keys: one per direction (never the same key both ways) and the TLS PSK of its transfers. */
export type SessionKeys = {
	readonly hubToMember: Uint8Array;
	readonly memberToHub: Uint8Array;
	readonly transferPsk: Uint8Array;
};

/**
 * The key schedule: HKDF-SHA256 with the shared secret (X25519 output or CPace ISK) as input
 * key material and the transcript hash as salt, expanded once per label of SCHEDULE_LABELS.
 * Both sides get the same keys only if they saw the same transcript.
 */
export function sessionKeys(secret: Uint8Array, transcriptHash: Uint8Array): SessionKeys {
	if (secret.length < MINIMUM_INPUT_BYTES || transcriptHash.length < MINIMUM_INPUT_BYTES) {
		throw new Error(`the key schedule wants a secret and a transcript hash of ${MINIMUM_INPUT_BYTES} bytes or more`);
	}

	const key = (label: string) => hkdfSha256(secret, transcriptHash, label, SESSION_KEY_BYTES);
	return {
		hubToMember: key(SCHEDULE_LABELS.hubToMember),
		memberToHub: key(SCHEDULE_LABELS.memberToHub),
		transferPsk: key(SCHEDULE_LABELS.transferPsk),
	};
}
