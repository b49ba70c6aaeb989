import {describe, expect, test} from 'vitest';
import fc from 'fast-check';
import {
	decodeEnvelope,
	encodeEnvelope,
	FLAG_ENCRYPTED,
	HEADER_BYTES,
	MAGIC_0,
	MAGIC_1,
	NO_TOKEN,
	type DecodeErrorCode,
} from '../../source/protocol/envelope.js';
import {MAX_DATAGRAM_BYTES, PROTOCOL_VERSION} from '../../source/protocol/limits.js';

/** A well-formed header (magic, version 1, no flags, zero token) followed by `bodyBytes` of "x". */
function datagram(bodyBytes: number, patch: Record<number, number> = {}): Buffer {
	const buffer = Buffer.alloc(HEADER_BYTES + bodyBytes, 0x78);
	buffer[0] = MAGIC_0;
	buffer[1] = MAGIC_1;
	buffer[2] = PROTOCOL_VERSION;
	buffer[3] = 0;
	buffer.fill(0, 4, HEADER_BYTES);
	for (const [index, value] of Object.entries(patch)) {
		buffer[Number(index)] = value;
	}

	return buffer;
}

const hexToken = fc.string({unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16});

describe('decodeEnvelope: typed errors', () => {
	const cases: Array<[string, Buffer, DecodeErrorCode]> = [
		['empty', Buffer.alloc(0), 'too-short'],
		['one byte', Buffer.from([MAGIC_0]), 'too-short'],
		['11 bytes (header minus one)', datagram(0).subarray(0, HEADER_BYTES - 1), 'too-short'],
		['65,508 bytes (one over the dgram limit)', datagram(MAX_DATAGRAM_BYTES + 1 - HEADER_BYTES), 'too-long'],
		['100,000 bytes', datagram(100_000), 'too-long'],
		['first magic byte wrong', datagram(2, {0: 0x54}), 'bad-magic'],
		['second magic byte wrong', datagram(2, {1: 0x44}), 'bad-magic'],
		['magic swapped ("CS")', datagram(2, {0: MAGIC_1, 1: MAGIC_0}), 'bad-magic'],
		['lowercase "sc"', datagram(2, {0: 0x73, 1: 0x63}), 'bad-magic'],
		['flag bit 0x02', datagram(2, {3: 0x02}), 'bad-flags'],
		['flag bits 0x80', datagram(2, {3: 0x80}), 'bad-flags'],
		['encrypted plus an unknown bit (0x03)', datagram(2, {3: 0x03}), 'bad-flags'],
		['all flag bits (0xff)', datagram(2, {3: 0xff}), 'bad-flags'],
	];

	test.each(cases)('%s -> %s', (_label, input, code) => {
		const result = decodeEnvelope(input);
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.code).toBe(code);
			expect(typeof result.detail).toBe('string');
			expect(result.detail.length).toBeGreaterThan(0);
		}
	});

	test('the size details name the length', () => {
		expect(decodeEnvelope(Buffer.alloc(5))).toEqual({ok: false, code: 'too-short', detail: '5 bytes'});
		const long = decodeEnvelope(datagram(MAX_DATAGRAM_BYTES + 1 - HEADER_BYTES));
		expect(long).toEqual({ok: false, code: 'too-long', detail: '65508 bytes'});
	});

	test('the edges are accepted: exactly 12 bytes and exactly 65,507 bytes', () => {
		const header = decodeEnvelope(datagram(0));
		expect(header.ok).toBe(true);
		if (header.ok) {
			expect(header.body.length).toBe(0);
			expect(header.token).toBe(NO_TOKEN);
		}

		const largest = decodeEnvelope(datagram(MAX_DATAGRAM_BYTES - HEADER_BYTES));
		expect(largest.ok).toBe(true);
		if (largest.ok) {
			expect(largest.body.length).toBe(MAX_DATAGRAM_BYTES - HEADER_BYTES);
		}
	});

	test('the encrypted flag alone is allowed', () => {
		const result = decodeEnvelope(datagram(1, {3: FLAG_ENCRYPTED}));
		expect(result).toMatchObject({ok: true, flags: FLAG_ENCRYPTED});
	});

	test('the version is returned as found, even one this build does not speak', () => {
		expect(decodeEnvelope(datagram(1, {2: 0}))).toMatchObject({ok: true, version: 0});
		expect(decodeEnvelope(datagram(1, {2: 0xff}))).toMatchObject({ok: true, version: 0xff});
	});
});

describe('encodeEnvelope / decodeEnvelope round trip', () => {
	test('a concrete datagram has the documented layout', () => {
		const bytes = encodeEnvelope(1, '0123456789abcdef', '[{"t":"ping","ts":1}]', FLAG_ENCRYPTED);
		expect([...bytes.subarray(0, HEADER_BYTES)]).toEqual([0x53, 0x43, 1, 1, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
		expect(bytes.subarray(HEADER_BYTES).toString('utf8')).toBe('[{"t":"ping","ts":1}]');
		expect(decodeEnvelope(bytes)).toEqual({
			ok: true,
			version: 1,
			flags: 1,
			token: '0123456789abcdef',
			body: Buffer.from('[{"t":"ping","ts":1}]'),
		});
	});

	test('flags default to 0 and a multi-byte body keeps its UTF-8 length', () => {
		const body = '[{"t":"gone","reason":"日本語 🎉"}]';
		const bytes = encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, body);
		expect(bytes.length).toBe(HEADER_BYTES + Buffer.byteLength(body));
		const result = decodeEnvelope(bytes);
		expect(result).toMatchObject({ok: true, flags: 0, token: NO_TOKEN});
		if (result.ok) {
			expect(result.body.toString('utf8')).toBe(body);
		}
	});

	test('property: version, flags, token and body survive', () => {
		fc.assert(
			fc.property(
				fc.integer({min: 0, max: 255}),
				fc.constantFrom(0, FLAG_ENCRYPTED),
				hexToken,
				fc.string({unit: 'binary', maxLength: 300}),
				(version, flags, token, body) => {
					const result = decodeEnvelope(encodeEnvelope(version, token, body, flags));
					expect(result.ok).toBe(true);
					if (result.ok) {
						expect(result.version).toBe(version);
						expect(result.flags).toBe(flags);
						expect(result.token).toBe(token);
						expect(result.body.toString('utf8')).toBe(body);
					}
				},
			),
			{numRuns: 300},
		);
	});
});

describe('decodeEnvelope never throws', () => {
	const codes = new Set<string>(['too-short', 'too-long', 'bad-magic', 'bad-flags']);

	test('property: arbitrary bytes give a value or a typed error', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 2000}), bytes => {
				const result = decodeEnvelope(Buffer.from(bytes));
				if (result.ok) {
					expect(bytes.length).toBeGreaterThanOrEqual(HEADER_BYTES);
					expect(bytes[0]).toBe(MAGIC_0);
					expect(bytes[1]).toBe(MAGIC_1);
					expect(result.flags & ~FLAG_ENCRYPTED).toBe(0);
					expect(result.token).toMatch(/^[0-9a-f]{16}$/);
					expect(result.body.length).toBe(bytes.length - HEADER_BYTES);
				} else {
					expect(codes.has(result.code)).toBe(true);
					expect(typeof result.detail).toBe('string');
				}
			}),
			{numRuns: 500},
		);
	});

	test('property: bytes behind a valid magic give a value or a typed error', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 200}), tail => {
				const bytes = Buffer.concat([Buffer.from([MAGIC_0, MAGIC_1]), Buffer.from(tail)]);
				const result = decodeEnvelope(bytes);
				if (result.ok) {
					expect(bytes[3]! & ~FLAG_ENCRYPTED).toBe(0);
				} else {
					expect(result.code).toBe(bytes.length < HEADER_BYTES ? 'too-short' : 'bad-flags');
				}
			}),
			{numRuns: 500},
		);
	});
});
