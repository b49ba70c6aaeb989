/**
 * The wrapped-line cache gives what wrapping afresh gives, for any text and width (wide CJK,
 * emoji, combining marks, line breaks, with and without colours), and wraps each entry once.
 */
import fc from 'fast-check';
import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import {afterEach, describe, expect, test, vi} from 'vitest';
import type {ChatEntry} from '../../source/session/types.js';
import {entryLines} from '../../source/ui/messages/format-entry.js';
import {LineCache} from '../../source/ui/messages/line-cache.js';

afterEach(() => {
	vi.unstubAllEnvs();
});

const pieces = ['a', 'word ', ' ', '日本語', 'テキスト', '🎉', '👍🏽', '👨‍👩‍👧', 'e\u0301', '漢', '\n', '  ', 'x'.repeat(30), 'ü'];
const text = fc.array(fc.constantFrom(...pieces), {maxLength: 40}).map(parts => parts.join(''));
const kind = fc.constantFrom<ChatEntry['kind']>('message', 'action', 'direct', 'notice', 'error', 'join', 'history-start', 'history-end');

function entryOf(id: number, kindOf: ChatEntry['kind'], body: string, mentionsMe: boolean): ChatEntry {
	return {id, kind: kindOf, text: body, from: 'alice', to: 'bob', time: Date.UTC(2026, 0, 1, 9, 5), fromHistory: false, mentionsMe};
}

describe('LineCache', () => {
	test.each(['', '1'])('the same lines as wrapping afresh, none wider than the pane (NO_COLOR=%j)', noColor => {
		vi.stubEnv('NO_COLOR', noColor);
		fc.assert(
			fc.property(fc.integer({min: 1, max: 130}), kind, text, fc.boolean(), (width, kindOf, body, mentionsMe) => {
				const entry = entryOf(7, kindOf, body, mentionsMe);
				const cache = new LineCache(width);
				const lines = cache.linesOf(entry);
				expect(lines).toEqual(entryLines(entry, width));
				expect(cache.linesOf(entry)).toBe(lines);
				for (const line of lines) {
					if (width >= 10) {
						expect(stringWidth(line)).toBeLessThanOrEqual(width);
					}

					if (noColor !== '') {
						expect(line).toBe(stripAnsi(line));
					}
				}
			}),
			{numRuns: 300},
		);
	});

	test('each entry is wrapped once; a changed entry (same id) again', () => {
		let calls = 0;
		const cache = new LineCache(40, (entry, width) => {
			calls++;
			return entryLines(entry, width);
		});
		const entry = entryOf(1, 'message', '日本語 and 🎉 wrapped once', false);
		const lines = cache.linesOf(entry);
		for (let index = 0; index < 10; index++) {
			expect(cache.linesOf(entry)).toBe(lines);
		}

		expect(calls).toBe(1);
		const edited = {...entry, text: 'edited'};
		expect(stripAnsi(cache.linesOf(edited).join('\n'))).toContain('alice: edited');
		expect(calls).toBe(2);
	});

	test('the least recently used entries are the ones forgotten', () => {
		let calls = 0;
		const cache = new LineCache(
			40,
			entry => {
				calls++;
				return [entry.text];
			},
			3,
		);
		const [a, b, c, d] = [1, 2, 3, 4].map(id => entryOf(id, 'message', `e${id}`, false));
		for (const entry of [a, b, c, a, d]) {
			cache.linesOf(entry!);
		}

		expect(calls).toBe(4);
		cache.linesOf(a!);
		expect(calls).toBe(4);
		cache.linesOf(b!);
		expect(calls).toBe(5);
	});
});
