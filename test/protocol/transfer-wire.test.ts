import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {
	decodeRequest,
	decodeResponse,
	encodeFrameHeader,
	encodeLine,
	failureOf,
	FrameReader,
	MAX_FRAME_BYTES,
	MAX_LINE_BYTES,
	takeLine,
	type TransferRequest,
} from '../../source/protocol/transfer-wire.js';

const text = new TextEncoder();
const line = (value: unknown) => text.encode(JSON.stringify(value));
const token = '0123456789abcdef';

describe('requests', () => {
	const valid: TransferRequest[] = [
		{v: 1, op: 'upload', token, name: 'a.txt', size: 0},
		{v: 1, op: 'upload', token, name: '', size: Number.MAX_SAFE_INTEGER},
		{v: 1, op: 'download', token, id: 'abcdefgh', offset: 0},
		{v: 1, op: 'download', token, id: 'a2b3c4d5', offset: 12_345},
	];

	test.each(valid)('%j round-trips', (request) => {
		const encoded = encodeLine(request);
		expect(encoded.at(-1)).toBe(0x0a);
		expect(decodeRequest(encoded.subarray(0, -1))).toEqual({ok: true, value: request});
	});

	test('unknown fields are ignored', () => {
		expect(decodeRequest(line({v: 1, op: 'download', token, id: 'abcdefgh', offset: 1, extra: true}))).toEqual({
			ok: true,
			value: {v: 1, op: 'download', token, id: 'abcdefgh', offset: 1},
		});
	});

	test.each([
		['not JSON', text.encode('hello'), 'bad-request'],
		['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'bad-request'],
		['an array', line([1]), 'bad-request'],
		['null', line(null), 'bad-request'],
		['no version', line({op: 'upload', token, name: 'a', size: 1}), 'bad-request'],
		['version 2', line({v: 2, op: 'upload', token, name: 'a', size: 1}), 'version'],
		['an unknown op', line({v: 1, op: 'delete', token}), 'bad-request'],
		['an upper-case token', line({v: 1, op: 'upload', token: token.toUpperCase(), name: 'a', size: 1}), 'bad-request'],
		['a short token', line({v: 1, op: 'upload', token: 'abc', name: 'a', size: 1}), 'bad-request'],
		['a negative size', line({v: 1, op: 'upload', token, name: 'a', size: -1}), 'bad-request'],
		['a fractional size', line({v: 1, op: 'upload', token, name: 'a', size: 1.5}), 'bad-request'],
		['an unsafe size', line({v: 1, op: 'upload', token, name: 'a', size: 2 ** 60}), 'bad-request'],
		['a string size', line({v: 1, op: 'upload', token, name: 'a', size: '1'}), 'bad-request'],
		['a long name', line({v: 1, op: 'upload', token, name: 'a'.repeat(1025), size: 1}), 'bad-request'],
		['a bad id', line({v: 1, op: 'download', token, id: '../../x', offset: 0}), 'bad-request'],
		['an upper-case id', line({v: 1, op: 'download', token, id: 'ABCDEFGH', offset: 0}), 'bad-request'],
	])('%s is a typed error', (_, bytes, code) => {
		const decoded = decodeRequest(bytes);
		expect(decoded.ok).toBe(false);
		if (!decoded.ok) {
			expect(decoded.error.code).toBe(code);
			expect(decoded.error.reason.length).toBeGreaterThan(0);
		}
	});

	test('arbitrary bytes never throw', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 600}), (bytes) => {
				const decoded = decodeRequest(bytes);
				expect(typeof decoded.ok).toBe('boolean');
				for (const kind of ['upload-accepted', 'download-accepted', 'done'] as const) {
					expect(typeof decodeResponse(bytes, kind).ok).toBe('boolean');
				}
			}),
			{numRuns: 3000},
		);
	});

	test('arbitrary JSON values never throw', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				expect(typeof decodeRequest(text.encode(JSON.stringify(value) ?? 'null')).ok).toBe('boolean');
			}),
			{numRuns: 2000},
		);
	});
});

describe('responses', () => {
	const sha256 = 'a'.repeat(64);
	test('each kind decodes, and a refusal decodes wherever an answer is expected', () => {
		const accepted = {v: 1, ok: true, stage: 'accepted', id: 'abcdefgh', name: 'a', size: 5} as const;
		expect(decodeResponse(encodeLine(accepted).subarray(0, -1), 'upload-accepted')).toEqual({ok: true, value: accepted});
		const download = {...accepted, offset: 2, complete: false} as const;
		expect(decodeResponse(encodeLine(download), 'download-accepted')).toEqual({ok: true, value: download});
		const done = {v: 1, ok: true, stage: 'done', id: 'abcdefgh', size: 5, sha256} as const;
		expect(decodeResponse(encodeLine(done), 'done')).toEqual({ok: true, value: done});
		const refusal = failureOf('quota', 'full');
		for (const kind of ['upload-accepted', 'download-accepted', 'done'] as const) {
			expect(decodeResponse(encodeLine(refusal), kind)).toEqual({ok: true, value: refusal});
		}
	});

	test('a done line without a valid sha256 is an error', () => {
		const decoded = decodeResponse(line({v: 1, ok: true, stage: 'done', id: 'abcdefgh', size: 5, sha256: 'xyz'}), 'done');
		expect(decoded.ok).toBe(false);
	});
});

describe('takeLine', () => {
	test('finds the first line and returns the rest', () => {
		const found = takeLine(text.encode('{"a":1}\nrest'));
		expect(found.kind).toBe('line');
		if (found.kind === 'line') {
			expect(new TextDecoder().decode(found.line)).toBe('{"a":1}');
			expect(new TextDecoder().decode(found.rest)).toBe('rest');
		}
	});

	test('asks for more below the limit and refuses at it', () => {
		expect(takeLine(new Uint8Array(MAX_LINE_BYTES - 1)).kind).toBe('more');
		expect(takeLine(new Uint8Array(MAX_LINE_BYTES)).kind).toBe('error');
		const exact = new Uint8Array(MAX_LINE_BYTES).fill(0x20);
		exact[MAX_LINE_BYTES - 1] = 0x0a;
		expect(takeLine(exact).kind).toBe('line');
	});

	test('encodeLine refuses what would not fit', () => {
		expect(() => encodeLine({v: 1, op: 'upload', token, name: '\u0001'.repeat(1000), size: 1})).toThrow(RangeError);
	});
});

describe('FrameReader', () => {
	const frames = (...payloads: Uint8Array[]) => {
		const parts = payloads.flatMap((payload) => [encodeFrameHeader(payload.length), payload]);
		return Buffer.concat([...parts, encodeFrameHeader(0), text.encode('{"trailer":1}\n')]);
	};

	test('any split of the stream yields the same bytes and the same rest', () => {
		fc.assert(
			fc.property(fc.array(fc.uint8Array({minLength: 1, maxLength: 50}), {maxLength: 6}), fc.array(fc.nat(400)), (payloads, cuts) => {
				const stream = frames(...payloads);
				const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
				const reader = new FrameReader();
				const data: Uint8Array[] = [];
				let rest: Uint8Array | undefined;
				let start = 0;
				for (const end of [...points, stream.length]) {
					const output = reader.push(stream.subarray(start, end));
					data.push(...output.data);
					if (output.rest !== undefined) rest = Buffer.concat([rest ?? new Uint8Array(), output.rest]);
					start = end;
				}

				expect(Buffer.concat(data)).toEqual(Buffer.concat(payloads));
				expect(new TextDecoder().decode(rest)).toBe('{"trailer":1}\n');
			}),
			{numRuns: 1000},
		);
	});

	test('an oversized frame is a typed error, and arbitrary bytes never throw', () => {
		const header = new Uint8Array(4);
		new DataView(header.buffer).setUint32(0, MAX_FRAME_BYTES + 1);
		expect(new FrameReader().push(header).error?.code).toBe('bad-request');
		fc.assert(
			fc.property(fc.array(fc.uint8Array({maxLength: 64})), (chunks) => {
				const reader = new FrameReader();
				for (const chunk of chunks) reader.push(chunk);
			}),
		);
	});
});

describe('forward compatibility', () => {
	test('a refusal with a code this side does not know reads as failed', () => {
		const decoded = decodeResponse(line({v: 1, ok: false, code: 'banned', reason: 'go away'}), 'done');
		expect(decoded).toEqual({ok: true, value: {v: 1, ok: false, code: 'failed', reason: 'go away'}});
	});
});
