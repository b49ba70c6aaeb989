import {createHash} from 'node:crypto';
import {describe, expect, test} from 'vitest';
import {bytesToHex, hexToBytes} from '@noble/hashes/utils.js';
import {
	FINGERPRINT_ALPHABET,
	generateIdentity,
	identityFingerprint,
	identityFromSecretKey,
	sign,
	verify,
} from '../../source/protocol/secure/identity.js';

/** RFC 8032 section 7.1, "Test Vectors for Ed25519", TEST 1, 2 and 3 (copied as data). */
const RFC8032 = [
	{
		name: 'TEST 1 (empty message)',
		secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
		publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
		message: '',
		signature:
			'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155' +
			'5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
	},
	{
		name: 'TEST 2 (one byte)',
		secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
		publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
		message: '72',
		signature:
			'92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da' +
			'085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
	},
	{
		name: 'TEST 3 (two bytes)',
		secretKey: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
		publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
		message: 'af82',
		signature:
			'6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac' +
			'18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
	},
];

/** The Ed25519 group order L. */
const ORDER = 2n ** 252n + 27_742_317_777_372_353_535_851_937_790_883_648_493n;

describe('Ed25519 hub identity (RFC 8032 section 7.1)', () => {
	test.each(RFC8032)('$name: public key, signature and verification byte for byte', (vector) => {
		const identity = identityFromSecretKey(hexToBytes(vector.secretKey));
		expect(bytesToHex(identity.publicKey)).toBe(vector.publicKey);
		const message = hexToBytes(vector.message);
		expect(bytesToHex(sign(message, identity.secretKey))).toBe(vector.signature);
		expect(verify(hexToBytes(vector.signature), message, identity.publicKey)).toBe(true);
	});

	test('generate draws its secret key from the injected random source', () => {
		const identity = generateIdentity((n) => hexToBytes(RFC8032[0]!.secretKey).subarray(0, n));
		expect(bytesToHex(identity.publicKey)).toBe(RFC8032[0]!.publicKey);
		const fresh = generateIdentity();
		expect(fresh.secretKey).toHaveLength(32);
		expect(bytesToHex(fresh.publicKey)).not.toBe(RFC8032[0]!.publicKey);
		expect(() => generateIdentity((n) => new Uint8Array(n - 1))).toThrow(/31 bytes/);
	});

	test('a changed message, key or signature does not verify, and malformed input is false', () => {
		const vector = RFC8032[2]!;
		const signature = hexToBytes(vector.signature);
		const message = hexToBytes(vector.message);
		const publicKey = hexToBytes(vector.publicKey);
		expect(verify(signature, hexToBytes('af83'), publicKey)).toBe(false);
		expect(verify(signature, message, hexToBytes(RFC8032[1]!.publicKey))).toBe(false);
		for (const index of [0, 31, 32, 63]) {
			const altered = Uint8Array.from(signature);
			altered[index]! ^= 1;
			expect(verify(altered, message, publicKey)).toBe(false);
		}

		expect(verify(signature.subarray(0, 63), message, publicKey)).toBe(false);
		expect(verify(signature, message, publicKey.subarray(0, 31))).toBe(false);
		expect(verify(signature, message, new Uint8Array(32).fill(0xff))).toBe(false);
	});

	test('verification is strict: S + L (the same signature, malleated) is refused', () => {
		const vector = RFC8032[1]!;
		const signature = hexToBytes(vector.signature);
		let s = 0n;
		for (let index = 63; index >= 32; index--) {
			s = (s << 8n) | BigInt(signature[index]!);
		}

		let malleated = s + ORDER;
		expect(malleated < 2n ** 256n).toBe(true);
		const forged = Uint8Array.from(signature);
		for (let index = 32; index < 64; index++) {
			forged[index] = Number(malleated & 0xffn);
			malleated >>= 8n;
		}

		expect(verify(forged, hexToBytes(vector.message), hexToBytes(vector.publicKey))).toBe(false);
	});

	test('verification is strict: the neutral element as key "signs" everything under ZIP 215, not here', () => {
		const neutral = new Uint8Array(32);
		neutral[0] = 1;
		// y = p + 1: a non-canonical encoding of the same point.
		const nonCanonical = hexToBytes('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
		for (const key of [neutral, nonCanonical]) {
			const signature = new Uint8Array(64);
			signature.set(key, 0);
			expect(verify(signature, new TextEncoder().encode('anything'), key)).toBe(false);
		}
	});
});

describe('identityFingerprint', () => {
	/** The same definition computed another way: the digest as a string of bits, cut in fives. */
	const expected = (publicKey: Uint8Array) => {
		const digest = createHash('sha256').update('socket-chat-tui hub key fingerprint v2').update(publicKey).digest();
		const bits = [...digest].map((byte) => byte.toString(2).padStart(8, '0')).join('');
		const characters = Array.from({length: 16}, (_, index) => FINGERPRINT_ALPHABET[Number.parseInt(bits.slice(index * 5, index * 5 + 5), 2)]);
		return [0, 4, 8, 12].map((start) => characters.slice(start, start + 4).join('')).join('-');
	};

	test('four groups of four from an alphabet without look-alikes, as the definition says', () => {
		expect(FINGERPRINT_ALPHABET).toHaveLength(32);
		expect(new Set(FINGERPRINT_ALPHABET).size).toBe(32);
		for (const vector of RFC8032) {
			const fingerprint = identityFingerprint(hexToBytes(vector.publicKey));
			expect(fingerprint).toMatch(/^[a-km-np-z2-9]{4}(?:-[a-km-np-z2-9]{4}){3}$/);
			expect(fingerprint).toBe(expected(hexToBytes(vector.publicKey)));
		}
	});

	test('pinned for RFC 8032 TEST 1, and different for each key', () => {
		expect(identityFingerprint(hexToBytes(RFC8032[0]!.publicKey))).toBe('sx6m-643p-gqm8-6hwk');
		const fingerprints = new Set(RFC8032.map((vector) => identityFingerprint(hexToBytes(vector.publicKey))));
		expect(fingerprints.size).toBe(3);
		const flipped = hexToBytes(RFC8032[0]!.publicKey);
		flipped[31]! ^= 0x01;
		expect(identityFingerprint(flipped)).not.toBe(identityFingerprint(hexToBytes(RFC8032[0]!.publicKey)));
		expect(() => identityFingerprint(new Uint8Array(31))).toThrow(/32 bytes/);
	});
});
