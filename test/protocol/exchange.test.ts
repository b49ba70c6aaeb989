import {describe, expect, test} from 'vitest';
import {hkdf} from '@noble/hashes/hkdf.js';
import {sha256} from '@noble/hashes/sha2.js';
import {bytesToHex, hexToBytes, utf8ToBytes} from '@noble/hashes/utils.js';
import {
	SCHEDULE_LABELS,
	ephemeralKey,
	hkdfSha256,
	sessionKeys,
	x25519Agree,
} from '../../source/protocol/secure/exchange.js';

/** RFC 7748 section 5.2, the two X25519 test vectors (the second u has its top bit set). */
const RFC7748_SECTION_5_2 = [
	{
		scalar: 'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
		u: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
		output: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
	},
	{
		scalar: '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
		u: 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
		output: '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
	},
];
/** RFC 7748 section 5.2, the iterated test: k = u = 9, then k, u = X25519(k, u), k. */
const RFC7748_ITERATED = {
	1: '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079',
	1000: '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51',
};
/** RFC 7748 section 6.1, Alice and Bob. */
const RFC7748_SECTION_6_1 = {
	alicePrivate: '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a',
	alicePublic: '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
	bobPrivate: '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb',
	bobPublic: 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
	shared: '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742',
};
/** RFC 5869 appendix A.1, Test Case 1 (HKDF-SHA256, basic), and A.3, Test Case 3 (empty salt and info). */
const RFC5869 = [
	{
		ikm: '0b'.repeat(22),
		salt: '000102030405060708090a0b0c',
		info: 'f0f1f2f3f4f5f6f7f8f9',
		length: 42,
		okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
	},
	{
		ikm: '0b'.repeat(22),
		salt: '',
		info: '',
		length: 42,
		okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
	},
];
/** u-coordinates of small order (on the curve or its twist, some non-canonical), as libsodium blocks them. */
const SMALL_ORDER = [
	'0000000000000000000000000000000000000000000000000000000000000000',
	'0100000000000000000000000000000000000000000000000000000000000000',
	'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
	'5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
	'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
	'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
	'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];

const fixed = (value: string) => (n: number) => hexToBytes(value).subarray(0, n);

describe('X25519 (RFC 7748)', () => {
	test.each(RFC7748_SECTION_5_2)('section 5.2: X25519($scalar, …) byte for byte', ({scalar, u, output}) => {
		expect(bytesToHex(x25519Agree(hexToBytes(scalar), hexToBytes(u))!)).toBe(output);
	});

	test('section 5.2: after 1 and 1,000 iterations', () => {
		let k: Uint8Array = hexToBytes(`09${'00'.repeat(31)}`);
		let u = k;
		for (let iteration = 1; iteration <= 1000; iteration++) {
			[k, u] = [x25519Agree(k, u)!, k];
			if (iteration === 1 || iteration === 1000) {
				expect(bytesToHex(k)).toBe(RFC7748_ITERATED[iteration]);
			}
		}
	});

	test('section 6.1: Alice and Bob derive the same shared secret through ephemeralKey', () => {
		const vector = RFC7748_SECTION_6_1;
		const alice = ephemeralKey(fixed(vector.alicePrivate));
		const bob = ephemeralKey(fixed(vector.bobPrivate));
		expect(bytesToHex(alice.publicKey)).toBe(vector.alicePublic);
		expect(bytesToHex(bob.publicKey)).toBe(vector.bobPublic);
		expect(bytesToHex(alice.agree(bob.publicKey)!)).toBe(vector.shared);
		expect(bytesToHex(bob.agree(alice.publicKey)!)).toBe(vector.shared);
	});

	test('small-order and malformed public keys give no shared secret', () => {
		const key = ephemeralKey();
		for (const u of SMALL_ORDER) {
			expect(key.agree(hexToBytes(u)), u).toBeUndefined();
		}

		expect(key.agree(new Uint8Array(31))).toBeUndefined();
		expect(key.agree(ephemeralKey().publicKey)).toHaveLength(32);
	});

	test('an erased key agrees no more', () => {
		const key = ephemeralKey();
		const peer = ephemeralKey();
		expect(key.agree(peer.publicKey)).toBeDefined();
		key.erase();
		expect(() => key.agree(peer.publicKey)).toThrow(/erased/);
	});
});

describe('HKDF-SHA256 and the session key schedule', () => {
	test.each(RFC5869)('RFC 5869 OKM $okm', ({ikm, salt, info, length, okm}) => {
		expect(bytesToHex(hkdfSha256(hexToBytes(ikm), hexToBytes(salt), hexToBytes(info), length))).toBe(okm);
	});

	const secret = sha256(utf8ToBytes('a shared secret'));
	const transcript = sha256(utf8ToBytes('a transcript'));

	test('each key is HKDF-SHA256(secret, salt = transcript hash, info = its label), as @noble/hashes computes it too', () => {
		const keys = sessionKeys(secret, transcript);
		for (const name of ['hubToMember', 'memberToHub', 'transferPsk'] as const) {
			expect(bytesToHex(keys[name])).toBe(bytesToHex(hkdf(sha256, secret, transcript, utf8ToBytes(SCHEDULE_LABELS[name]), 32)));
		}
	});

	test('a different key per direction and for transfers, and the same on both sides', () => {
		const keys = sessionKeys(secret, transcript);
		const all = [keys.hubToMember, keys.memberToHub, keys.transferPsk].map((key) => bytesToHex(key));
		expect(new Set(all).size).toBe(3);
		expect(all.every((key) => key.length === 64)).toBe(true);
		expect(sessionKeys(Uint8Array.from(secret), Uint8Array.from(transcript))).toEqual(keys);
		expect(new Set(Object.values(SCHEDULE_LABELS)).size).toBe(3);
	});

	test('another transcript or another secret changes every key', () => {
		const keys = sessionKeys(secret, transcript);
		const otherTranscript = sessionKeys(secret, sha256(utf8ToBytes('a transcript, altered')));
		const otherSecret = sessionKeys(sha256(utf8ToBytes('another secret')), transcript);
		for (const other of [otherTranscript, otherSecret]) {
			for (const name of ['hubToMember', 'memberToHub', 'transferPsk'] as const) {
				expect(bytesToHex(other[name])).not.toBe(bytesToHex(keys[name]));
			}
		}
	});

	test('accepts a 64-byte CPace ISK, refuses inputs shorter than 32 bytes', () => {
		expect(sessionKeys(new Uint8Array(64).fill(7), transcript).hubToMember).toHaveLength(32);
		expect(() => sessionKeys(new Uint8Array(16), transcript)).toThrow(/32 bytes/);
		expect(() => sessionKeys(secret, new Uint8Array(0))).toThrow(/32 bytes/);
	});
});
