import {describe, expect, test} from 'vitest';
import {sha512} from '@noble/hashes/sha2.js';
import {bytesToHex, hexToBytes, utf8ToBytes} from '@noble/hashes/utils.js';
import {bytesToNumberLE} from '@noble/curves/utils.js';
import {ristretto255} from '@noble/curves/ed25519.js';
import {
	CPACE_DSI,
	SHA512_BLOCK_BYTES,
	calculateGenerator,
	cpaceStart,
	deriveIsk,
	isIdentity,
	sampleScalar,
	scalarMult,
	scalarMultVfy,
	sidOutput,
	type CpaceRole,
} from '../../source/protocol/secure/cpace.js';
import {
	generatorString,
	lexicographicallyLarger,
	lvCat,
	oCat,
	prependLen,
	transcriptIr,
	transcriptOc,
} from '../../source/protocol/secure/cpace-strings.js';
import {RISTRETTO255_SHA512 as V, STRINGS} from './cpace-vectors.js';

const hex = bytesToHex;
const text = utf8ToBytes;
/** A "random" source that returns the given bytes once, as the draft's vectors fix ya and yb. */
const fixed = (value: string) => (n: number) => {
	const bytes = hexToBytes(value);
	expect(bytes.length).toBe(n);
	return bytes;
};

const inputs = {prs: text(V.prs), ci: hexToBytes(V.ci), sid: hexToBytes(V.sid)};
const ya = bytesToNumberLE(hexToBytes(V.ya));
const yb = bytesToNumberLE(hexToBytes(V.yb));

describe('CPace string utilities (draft 21, appendix A)', () => {
	test('prepend_len and lv_cat', () => {
		expect(hex(prependLen(new Uint8Array(0)))).toBe(STRINGS.prependLenEmpty);
		expect(hex(prependLen(text('1234')))).toBe(STRINGS.prependLen1234);
		const range = (n: number) => Uint8Array.from({length: n}, (_, index) => index);
		expect(hex(prependLen(range(127)))).toBe(STRINGS.prependLen127Prefix + hex(range(127)));
		expect(hex(prependLen(range(128)))).toBe(STRINGS.prependLen128Prefix + hex(range(128)));
		expect(hex(lvCat(...STRINGS.lvCat.parts.map((part) => text(part))))).toBe(STRINGS.lvCat.expected);
	});

	test('LEB128 lengths past one and two bytes', () => {
		expect(hex(prependLen(new Uint8Array(300)).subarray(0, 2))).toBe('ac02');
		expect(hex(prependLen(new Uint8Array(16_384)).subarray(0, 3))).toBe('808001');
	});

	test('lexicographic order and o_cat', () => {
		for (const [a, b, larger] of STRINGS.lexicographicallyLarger) {
			expect(lexicographicallyLarger(text(a), text(b)), `${JSON.stringify(a)} > ${JSON.stringify(b)}`).toBe(larger);
		}

		expect(lexicographicallyLarger(text('same'), text('same'))).toBe(false);
		for (const {a, b, expected} of STRINGS.oCat) {
			expect(hex(oCat(text(a), text(b)))).toBe(expected);
		}
	});

	test('transcript_ir and transcript_oc', () => {
		for (const vector of STRINGS.transcripts) {
			const args = [text(vector.ya), text(vector.ada), text(vector.yb), text(vector.adb)] as const;
			expect(hex(transcriptIr(...args))).toBe(vector.ir);
			expect(hex(transcriptOc(...args))).toBe(vector.oc);
		}
	});
});

describe('CPACE-RISTR255-SHA512 (draft 21, appendix B.3)', () => {
	test('generator string, its hash and the generator g', () => {
		const string = generatorString(CPACE_DSI, inputs.prs, inputs.ci, inputs.sid, SHA512_BLOCK_BYTES);
		expect(hex(CPACE_DSI)).toBe(hex(text(V.dsi)));
		expect(hex(string)).toBe(V.generatorString);
		expect(string[2 + CPACE_DSI.length + inputs.prs.length]).toBe(V.zeroPadding);
		expect(hex(sha512(string))).toBe(V.generatorHash);
		expect(hex(calculateGenerator(inputs.prs, inputs.ci, inputs.sid).toBytes())).toBe(V.g);
	});

	test('Ya, Yb, K from the published scalars', () => {
		const g = calculateGenerator(inputs.prs, inputs.ci, inputs.sid);
		expect(sampleScalar(fixed(V.ya))).toBe(ya);
		expect(hex(scalarMult(ya, g))).toBe(V.Ya);
		expect(hex(scalarMult(yb, g))).toBe(V.Yb);
		expect(hex(scalarMultVfy(ya, hexToBytes(V.Yb)))).toBe(V.K);
		expect(hex(scalarMultVfy(yb, hexToBytes(V.Ya)))).toBe(V.K);
	});

	test('transcripts, ISK_IR, ISK_SY and sid_output', () => {
		const args = [hexToBytes(V.Ya), text(V.ada), hexToBytes(V.Yb), text(V.adb)] as const;
		expect(hex(transcriptIr(...args))).toBe(V.transcriptIr);
		expect(hex(transcriptOc(...args))).toBe(V.transcriptOc);
		expect(hex(deriveIsk(inputs.sid, hexToBytes(V.K), transcriptIr(...args)))).toBe(V.iskIr);
		expect(hex(deriveIsk(inputs.sid, hexToBytes(V.K), transcriptOc(...args)))).toBe(V.iskSy);
		expect(hex(sidOutput(transcriptIr(...args)))).toBe(V.sidOutputIr);
		expect(hex(sidOutput(transcriptOc(...args)))).toBe(V.sidOutputOc);
	});

	test('scalar_mult and scalar_mult_vfy on the valid case', () => {
		const {s, X, expected} = V.scalarMultValid;
		const scalar = bytesToNumberLE(hexToBytes(s));
		expect(hex(scalarMult(scalar, ristretto255.Point.fromBytes(hexToBytes(X))))).toBe(expected);
		expect(hex(scalarMultVfy(scalar, hexToBytes(X)))).toBe(expected);
	});

	test('scalar_mult_vfy gives G.I for a non-element and for the identity', () => {
		const scalar = bytesToNumberLE(hexToBytes(V.invalid.s));
		for (const bad of [V.invalid.notAnElement, V.invalid.identity]) {
			const k = scalarMultVfy(scalar, hexToBytes(bad));
			expect(hex(k)).toBe(V.invalid.identity);
			expect(isIdentity(k)).toBe(true);
		}
	});

	test('a whole run of cpaceStart reproduces the published Ya, Yb and both ISKs', () => {
		const run = (roles: [CpaceRole, CpaceRole]) => {
			const a = cpaceStart({role: roles[0], ...inputs, ad: text(V.ada), random: fixed(V.ya)});
			const b = cpaceStart({role: roles[1], ...inputs, ad: text(V.adb), random: fixed(V.yb)});
			expect(hex(a.message)).toBe(V.Ya);
			expect(hex(b.message)).toBe(V.Yb);
			return [a.finish(b.message, b.ad), b.finish(a.message, a.ad)].map((isk) => isk && hex(isk));
		};

		expect(run(['initiator', 'responder'])).toEqual([V.iskIr, V.iskIr]);
		expect(run(['symmetric', 'symmetric'])).toEqual([V.iskSy, V.iskSy]);
	});
});

describe('cpaceStart', () => {
	const start = (role: CpaceRole, prs = 'correct horse', ad = role) =>
		cpaceStart({role, prs: text(prs), ci: text('hub|member'), sid: text('nonce-a|nonce-b'), ad: text(ad)});

	test('both sides agree on a 64-byte ISK, and each run differs', () => {
		const first = [start('initiator'), start('responder')] as const;
		const one = first[0].finish(first[1].message, first[1].ad);
		expect(one).toHaveLength(64);
		expect(hex(first[1].finish(first[0].message, first[0].ad)!)).toBe(hex(one!));
		const second = [start('initiator'), start('responder')] as const;
		expect(hex(second[0].finish(second[1].message, second[1].ad)!)).not.toBe(hex(one!));
	});

	test('a wrong password, another AD or swapped roles give different ISKs', () => {
		const cases: Array<[ReturnType<typeof start>, ReturnType<typeof start>]> = [
			[start('initiator'), start('responder', 'correct horsf')],
			[start('initiator'), start('responder')],
			[start('initiator'), start('initiator')],
		];
		const results = cases.map(([a, b], index) => {
			const peerAd = index === 1 ? text('tampered') : b.ad;
			return [a.finish(b.message, peerAd), b.finish(a.message, a.ad)].map((isk) => hex(isk!));
		});
		for (const [a, b] of results) {
			expect(a).not.toBe(b);
		}
	});

	test('the identity, a non-element and a wrong length are refused', () => {
		for (const bad of [new Uint8Array(32), hexToBytes(V.invalid.notAnElement), new Uint8Array(31), new Uint8Array(33)]) {
			expect(start('responder').finish(bad, text('x'))).toBeUndefined();
		}

		const nonCanonical = new Uint8Array(32).fill(0xff);
		expect(start('responder').finish(nonCanonical)).toBeUndefined();
	});

	test('finish works once: the secret scalar is not reused', () => {
		const a = start('initiator');
		const b = start('responder');
		expect(a.finish(b.message, b.ad)).toBeDefined();
		expect(() => a.finish(b.message, b.ad)).toThrow(/already finished/);
	});

	test('sampled scalars keep 252 bits and are never zero', () => {
		const ones = (n: number) => new Uint8Array(n).fill(0xff);
		expect(sampleScalar(ones)).toBe(2n ** 252n - 1n);
		let calls = 0;
		const zeroOnce = (n: number) => (calls++ === 0 ? new Uint8Array(n) : ones(n));
		expect(sampleScalar(zeroOnce)).toBe(2n ** 252n - 1n);
		expect(calls).toBe(2);
		expect(sampleScalar()).toBeGreaterThan(0n);
	});
});
