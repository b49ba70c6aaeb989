import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {fastFrame, frameSchema} from '../../source/protocol/frames.js';
import {decodeHubItem, fastMessage, fastSay, hubItemSchema, memberRequestSchema} from '../../source/protocol/items.js';

/** Values near the hot shapes: right and wrong types, missing and extra keys, edge numbers. */
const number = fc.oneof(fc.integer({min: -2, max: 5}), fc.constantFrom(0, 1, 0xff_ff_ff_ff, 2 ** 32, Number.MAX_SAFE_INTEGER, 1.5, -0), fc.double());
const loose = fc.oneof(number, fc.string({maxLength: 40}), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.integer(), {maxLength: 3}));

const nearFrame = fc.record(
	{
		t: fc.constantFrom('d', 'ack', 'ca', 'ping', 'x'),
		g: loose,
		n: loose,
		c: loose,
		r: loose,
		e: fc.anything(),
		p: fc.oneof(fc.tuple(fc.integer({min: -1, max: 3}), fc.integer({min: 0, max: 4})), loose),
		x: loose,
		s: fc.oneof(fc.constant([[1, 2]]), loose),
		extra: loose,
	},
	{requiredKeys: ['t']},
);

const nearMessage = fc.record(
	{
		k: fc.constantFrom('msg', 'dm', 'join'),
		seq: loose,
		time: loose,
		from: fc.oneof(fc.string({minLength: 0, maxLength: 140}), loose),
		text: fc.oneof(fc.string({maxLength: 50}), fc.constant('x'.repeat(8001)), loose),
		me: loose,
		mid: fc.oneof(fc.string({maxLength: 40}), loose),
		to: loose,
		extra: loose,
	},
	{requiredKeys: ['k']},
);

/** Mostly valid numbers, sometimes not. */
const mostlyValid = fc.oneof({arbitrary: fc.nat(), weight: 4}, {arbitrary: number, weight: 1});

/** Exactly the hot shapes, with values that are mostly valid. */
const hotFrame = fc.oneof(
	fc.record({t: fc.constant('d'), g: mostlyValid, n: mostlyValid, e: fc.anything()}),
	fc.record({t: fc.constant('ack'), g: mostlyValid, c: mostlyValid}),
	fc.record({t: fc.constant('ca'), c: mostlyValid, g: mostlyValid, r: mostlyValid}, {requiredKeys: ['t', 'c']}),
);
const hotMessage = fc.record(
	{
		k: fc.constant('msg'),
		seq: mostlyValid,
		time: mostlyValid,
		from: fc.oneof({arbitrary: fc.string({minLength: 1, maxLength: 20}), weight: 6}, fc.constant(''), fc.constant('n'.repeat(129))),
		text: fc.oneof({arbitrary: fc.string({maxLength: 50}), weight: 6}, fc.constant('x'.repeat(8001))),
		me: fc.oneof({arbitrary: fc.boolean(), weight: 3}, {arbitrary: loose, weight: 1}),
		mid: fc.oneof({arbitrary: fc.string({minLength: 1, maxLength: 32}), weight: 6}, fc.constant(''), fc.constant('m'.repeat(33))),
	},
	{requiredKeys: ['k', 'seq', 'time', 'from', 'text']},
);

/**
 * A fast path against its schema over 5,000 values a run: whatever it accepts, the schema accepts
 * and parses to the same value; and it accepts more than a hundred (else it checks nothing).
 */
function agrees(fast: (value: unknown) => unknown, schema: {safeParse(value: unknown): {success: boolean; data?: unknown}}, values: fc.Arbitrary<unknown>): void {
	let accepted = 0;
	fc.assert(
		fc.property(values, value => {
			const taken = fast(value);
			if (taken !== undefined) {
				accepted++;
				const parsed = schema.safeParse(value);
				expect(parsed.success).toBe(true);
				expect(parsed.data).toEqual(taken);
			}
		}),
		{numRuns: 5000},
	);
	expect(accepted).toBeGreaterThan(100);
}

describe('the decoders\' fast paths never accept what the schemas reject', () => {
	test('fastFrame agrees with the frame schema', () => {
		agrees(fastFrame, frameSchema, fc.oneof(hotFrame, nearFrame, fc.anything()));
	});

	test('fastMessage agrees with the hub item schema', () => {
		agrees(fastMessage, hubItemSchema, fc.oneof(hotMessage, nearMessage, fc.anything()));
	});

	test('fastSay agrees with the member request schema', () => {
		const nearSay = fc.record(
			{
				k: fc.oneof({arbitrary: fc.constant('say'), weight: 4}, fc.constantFrom('me', 'dm', 'x')),
				text: fc.oneof({arbitrary: fc.string({maxLength: 50}), weight: 6}, fc.constant('x'.repeat(8001)), loose),
				id: fc.oneof({arbitrary: fc.string({minLength: 1, maxLength: 32}), weight: 4}, fc.constant(''), fc.constant('m'.repeat(33)), loose),
				re: fc.oneof({arbitrary: fc.integer({min: 1, max: 1000}), weight: 4}, number, loose),
				extra: loose,
			},
			{requiredKeys: ['k', 'text']},
		);
		agrees(fastSay, memberRequestSchema, fc.oneof(nearSay, fc.anything()));
	});

	test('the fast paths do take the common shapes (else they would be dead code)', () => {
		expect(fastSay({k: 'say', text: 'hi', id: 'abc'})).toBeDefined();
		expect(fastSay({k: 'say', text: 'hi', re: 4})).toBeDefined();
		expect(fastSay({k: 'say', text: 'hi', re: 2 ** 53})).toBeUndefined();
		expect(fastSay({k: 'say', text: 'hi', extra: 1})).toBeUndefined();
		expect(fastFrame({t: 'd', g: 0, n: 1, e: {k: 'msg'}})).toBeDefined();
		expect(fastFrame({t: 'ack', g: 0, c: 7})).toBeDefined();
		expect(fastFrame({t: 'ca', c: 7, g: 3, r: 0})).toBeDefined();
		expect(fastFrame({t: 'ack', g: 0, c: 7, s: [[9, 9]]})).toBeUndefined();
		expect(fastFrame({t: 'd', g: 0, n: 0, e: 1})).toBeUndefined();
		expect(fastMessage({k: 'msg', seq: 3, time: 5, from: 'alice', text: 'hi', mid: 'abc'})).toBeDefined();
		expect(fastMessage({k: 'msg', seq: 3, time: 5, from: '', text: 'hi'})).toBeUndefined();
		expect(fastMessage({k: 'msg', seq: 3, time: 5, from: 'a', text: 'hi', extra: 1})).toBeUndefined();
	});
});

describe('decodeHubItem remembers frozen messages it found valid (a message shared by the members of a process)', () => {
	test('a frozen message is checked once, the same finding after; an unfrozen one is checked each time, so a change after the check counts', () => {
		const frozen = Object.freeze({k: 'msg', seq: 3, time: 5, from: 'alice', text: 'hi'});
		const first = decodeHubItem(frozen);
		expect(first.ok).toBe(true);
		expect(decodeHubItem(frozen)).toBe(first);
		const open: Record<string, unknown> = {k: 'msg', seq: 3, time: 5, from: 'alice', text: 'hi'};
		expect(decodeHubItem(open).ok).toBe(true);
		open.from = '';
		expect(decodeHubItem(open).ok).toBe(false);
		// Refused is never remembered: the schema says why each time.
		const bad = Object.freeze({k: 'msg', seq: -1, time: 5, from: 'alice', text: 'hi'});
		expect(decodeHubItem(bad).ok).toBe(false);
		expect(decodeHubItem(bad).ok).toBe(false);
	});
});
