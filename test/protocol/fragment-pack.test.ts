import {describe, expect, test} from 'vitest';
import fc from 'fast-check';
import {splitPayload} from '../../source/protocol/fragment.js';
import {packFrames} from '../../source/protocol/pack.js';
import {FRAGMENT_CHUNK_BYTES, SAFE_PAYLOAD_BYTES} from '../../source/protocol/limits.js';
import {HEADER_BYTES} from '../../source/protocol/envelope.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const isHigh = (unit: number) => unit >= 0xd8_00 && unit <= 0xdb_ff;
const isLow = (unit: number) => unit >= 0xdc_00 && unit <= 0xdf_ff;

/** True when a chunk boundary falls between the two halves of a surrogate pair. */
function splitsAPair(chunks: string[]): boolean {
	for (let i = 1; i < chunks.length; i++) {
		const before = chunks[i - 1]!;
		const after = chunks[i]!;
		if (before.length > 0 && after.length > 0 && isHigh(before.charCodeAt(before.length - 1)) && isLow(after.charCodeAt(0))) {
			return true;
		}
	}

	return false;
}

/** Strings that stress the cost model: escapes, controls, every UTF-8 length, surrogate pairs. */
const trickyString = fc.string({
	unit: fc.oneof(
		{arbitrary: fc.string({unit: 'binary', minLength: 1, maxLength: 1}), weight: 4},
		{arbitrary: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '€', '🦊', '\u2028'), weight: 2},
	),
	maxLength: 3000,
});

/** Includes lone surrogates too (fast-check's 'binary' unit never makes them). */
const withLoneSurrogates = fc.string({
	unit: fc.oneof(fc.string({unit: 'binary', minLength: 1, maxLength: 1}), fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83E')),
	maxLength: 500,
});

describe('splitPayload', () => {
	test('ASCII splits into full chunks of the budget', () => {
		const chunks = splitPayload('a'.repeat(2000), FRAGMENT_CHUNK_BYTES);
		expect(chunks.map(chunk => chunk.length)).toEqual([960, 960, 80]);
	});

	test('a payload within the budget is one chunk', () => {
		expect(splitPayload('{"k":"say","text":"hi"}', 960)).toEqual(['{"k":"say","text":"hi"}']);
		expect(splitPayload('a'.repeat(960), 960)).toEqual(['a'.repeat(960)]);
	});

	test('quotes and backslashes count twice (they are escaped)', () => {
		expect(splitPayload('"'.repeat(10), 6)).toEqual(['"""', '"""', '"""', '"']);
		expect(splitPayload('\\\\\\\\', 4)).toEqual(['\\\\', '\\\\']);
	});

	test('a control character counts six bytes', () => {
		expect(splitPayload('\u0001\u0001a', 6)).toEqual(['\u0001', '\u0001', 'a']);
	});

	test('an emoji that would straddle the budget moves to the next chunk whole', () => {
		const chunks = splitPayload(`${'a'.repeat(958)}🦊b`, 960);
		expect(chunks).toEqual(['a'.repeat(958), '🦊b']);
	});

	test('a budget smaller than one character still makes progress, one character per chunk', () => {
		expect(splitPayload('🦊🦊', 2)).toEqual(['🦊', '🦊']);
	});

	test('property: chunks join back to the input, with no empty chunk', () => {
		fc.assert(
			fc.property(fc.oneof(trickyString, withLoneSurrogates), fc.integer({min: 1, max: 1200}), (input, budget) => {
				const chunks = splitPayload(input, budget);
				expect(chunks.join('')).toBe(input);
				if (input.length > 0) {
					for (const chunk of chunks) expect(chunk.length).toBeGreaterThan(0);
				}
			}),
			{numRuns: 500},
		);
	});

	test('property: no chunk JSON-encodes to more than the budget plus its two quotes', () => {
		fc.assert(
			fc.property(trickyString, fc.integer({min: 6, max: 1200}), (input, budget) => {
				for (const chunk of splitPayload(input, budget)) {
					expect(bytes(JSON.stringify(chunk))).toBeLessThanOrEqual(budget + 2);
				}
			}),
			{numRuns: 500},
		);
	});

	test('property: real payloads (JSON text of any value) stay within the fragment budget', () => {
		fc.assert(
			fc.property(fc.oneof(fc.jsonValue({stringUnit: 'binary'}), withLoneSurrogates, trickyString), value => {
				const json = JSON.stringify(value);
				for (const chunk of splitPayload(json, FRAGMENT_CHUNK_BYTES)) {
					expect(bytes(JSON.stringify(chunk))).toBeLessThanOrEqual(FRAGMENT_CHUNK_BYTES + 2);
				}
			}),
			{numRuns: 300},
		);
	});

	test('property: surrogate pairs are never split', () => {
		fc.assert(
			fc.property(
				fc.oneof(fc.string({unit: 'binary', maxLength: 400}), fc.string({unit: fc.constantFrom('🦊', 'a', '\u{10FFFF}', '"'), maxLength: 400}), withLoneSurrogates),
				fc.integer({min: 1, max: 64}),
				(input, budget) => {
					const chunks = splitPayload(input, budget);
					expect(splitsAPair(chunks)).toBe(false);
					expect(chunks.join('')).toBe(input);
				},
			),
			{numRuns: 1000},
		);
	});
});

describe('packFrames', () => {
	const limit = SAFE_PAYLOAD_BYTES - HEADER_BYTES;

	test('frames that fit share one body, in order', () => {
		expect(packFrames(['{"t":"ping","ts":1}', '{"t":"ack","g":0,"c":3}'], limit)).toEqual(['[{"t":"ping","ts":1},{"t":"ack","g":0,"c":3}]']);
	});

	test('no frames, no bodies', () => {
		expect(packFrames([], limit)).toEqual([]);
	});

	test('a frame too big for any body still goes out, alone', () => {
		const big = JSON.stringify('x'.repeat(100));
		expect(packFrames(['1', big, '2'], 50)).toEqual(['[1]', `[${big}]`, '[2]']);
	});

	test('a full body starts a new one', () => {
		const frame = JSON.stringify('y'.repeat(8)); // 10 bytes
		expect(packFrames([frame, frame, frame], 30)).toEqual([`[${frame},${frame}]`, `[${frame}]`]);
	});

	test('two frames whose joined body is exactly the limit share one body ("as few bodies as fit")', () => {
		// ["aaaa","bbbb"] is 15 bytes: it fits a 15-byte limit.
		expect(packFrames(['"aaaa"', '"bbbb"'], 15)).toEqual(['["aaaa","bbbb"]']);
	});

	const smallFrames = (max: number) =>
		fc.array(
			fc.record({i: fc.nat(), pad: fc.string({unit: 'binary', maxLength: 80})}).map(value => JSON.stringify(value)),
			{maxLength: 60},
		).map(frames => frames.filter(frame => bytes(frame) + 2 <= max));

	test('property: every body is within the limit, valid JSON, and frames appear once each, in order', () => {
		fc.assert(
			fc.property(
				fc.integer({min: 40, max: 1200}).chain(max => fc.tuple(fc.constant(max), smallFrames(max))),
				([max, frames]) => {
					const bodies = packFrames(frames, max);
					for (const body of bodies) {
						expect(bytes(body)).toBeLessThanOrEqual(max);
					}

					const unpacked = bodies.flatMap(body => JSON.parse(body) as unknown[]);
					expect(unpacked).toEqual(frames.map(frame => JSON.parse(frame) as unknown));
					expect(bodies.length).toBeLessThanOrEqual(frames.length);
					for (const body of bodies) {
						expect((JSON.parse(body) as unknown[]).length).toBeGreaterThan(0);
					}
				},
			),
			{numRuns: 500},
		);
	});

	test('property: bodies are the frames joined, in order, with nothing else', () => {
		fc.assert(
			fc.property(fc.array(fc.jsonValue({maxDepth: 2}).map(value => JSON.stringify(value)), {maxLength: 40}), fc.integer({min: 3, max: 600}), (frames, max) => {
				const bodies = packFrames(frames, max);
				const inner = bodies.map(body => {
					expect(body.startsWith('[')).toBe(true);
					expect(body.endsWith(']')).toBe(true);
					return body.slice(1, -1);
				});
				expect(inner.join(',')).toBe(frames.join(','));
			}),
			{numRuns: 300},
		);
	});
});
