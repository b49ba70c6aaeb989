/**
 * wrapLine gives exactly what wrap-ansi gives (hard wrap, trimmed), whether it takes the short
 * way for a line that fits or not: spaces, SGR codes, wide characters, emoji, any width.
 */
import fc from 'fast-check';
import wrapAnsi from 'wrap-ansi';
import {describe, expect, test} from 'vitest';
import {unbrokenLine, wrapLine} from '../../source/ui/messages/format-entry.js';
import {paint, sgr} from '../../source/ui/theme/sgr.js';

const styles = [sgr.bold, sgr.dim, sgr.yellow, sgr.gray, sgr.red];
const word = fc.constantFrom('a', 'hi', 'word', 'x'.repeat(12), ' ', '  ', '日本', '🎉', 'é', '-', ':', '~', '');
const styled = fc.tuple(fc.array(word, {maxLength: 6}), fc.subarray(styles, {maxLength: 2})).map(([words, chosen]) => paint(words.join(''), ...chosen));
const line = fc.array(fc.oneof(word, styled), {maxLength: 14}).map(parts => parts.join(''));

describe('wrapLine', () => {
	test('the same as wrap-ansi, for any line and width', () => {
		fc.assert(
			fc.property(line, fc.integer({min: 1, max: 90}), (text, columns) => {
				expect(wrapLine(text, columns)).toEqual(wrapAnsi(text, columns, {hard: true}).split('\n'));
			}),
			{numRuns: 3000},
		);
	});

	test.each([
		['alice: hello', 40, 'alice: hello'],
		['  leading and trailing  ', 40, 'leading and trailing'],
		['inner   spaces kept', 40, 'inner   spaces kept'],
		[`${paint('bob', sgr.bold)}: ${paint('hi   ', sgr.yellow)}`, 40, `${paint('bob', sgr.bold)}: ${paint('hi', sgr.yellow)}`],
		['   ', 40, ''],
		['', 40, ''],
	])('a line that fits: %j', (text, columns, expected) => {
		expect(unbrokenLine(text, columns)).toBe(expected);
		expect(wrapAnsi(text, columns, {hard: true})).toBe(expected);
	});

	test.each([
		['too long for ten', 10],
		['日本語', 40],
		['emoji 🎉', 40],
		['\u009B31mcsi', 40],
	])('not the short way: %j', (text, columns) => {
		expect(unbrokenLine(text, columns)).toBeUndefined();
	});
});
