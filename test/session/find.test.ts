import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {findEntries, foldText, matchRanges} from '../../source/session/find.js';
import type {ChatEntry} from '../../source/session/types.js';

const slices = (text: string, query: string) => matchRanges(text, query).map(({start, end}) => text.slice(start, end));

describe('matchRanges', () => {
	test('ignores case, and finds every match, not overlapping', () => {
		expect(slices('Lunch? LUNCH at noon, lunchlunch', 'lunch')).toEqual(['Lunch', 'LUNCH', 'lunch', 'lunch']);
		expect(slices('aaaa', 'aa')).toEqual(['aa', 'aa']);
	});

	test('compares as NFC: a decomposed é finds a composed one and back', () => {
		expect(slices('café au lait', 'cafe\u0301')).toEqual(['café']);
		expect(slices('cafe\u0301 au lait', 'CAFÉ')).toEqual(['cafe\u0301']);
	});

	test('matches whole characters: "e" does not find the e of a decomposed é, nor half an emoji', () => {
		expect(matchRanges('cafe\u0301', 'e')).toEqual([]);
		expect(slices('👍🏽 ok 👍', '👍')).toEqual(['👍']);
	});

	test('Unicode case: Greek, Cyrillic, German, and İ whose lower case is longer', () => {
		expect(slices('ΟΔΥΣΣΕΥΣ', 'οδυσσευσ')).toEqual(['ΟΔΥΣΣΕΥΣ']);
		expect(slices('οδυσσευς και ΟΔΥΣΣΕΥΣ', 'ΟΔΥΣΣΕΥΣ')).toEqual(['οδυσσευς', 'ΟΔΥΣΣΕΥΣ']);
		expect(slices('Привет', 'привет')).toEqual(['Привет']);
		expect(slices('STRASSE Straße', 'straße')).toEqual(['Straße']);
		expect(slices('xİstanbul İ', 'i̇stanbul')).toEqual(['İstanbul']);
	});

	test('a blank query finds nothing', () => {
		expect(matchRanges('a b', '')).toEqual([]);
		expect(matchRanges('a b', '  ')).toEqual([]);
	});

	test('property: every range folds to the query, ranges are ordered and inside the text', () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme', maxLength: 40}), fc.string({unit: 'grapheme', minLength: 1, maxLength: 4}), (text, query) => {
				let last = 0;
				for (const {start, end} of matchRanges(text + query + text, query)) {
					expect(start).toBeGreaterThanOrEqual(last);
					expect(end).toBeGreaterThan(start);
					expect(foldText((text + query + text).slice(start, end))).toBe(foldText(query));
					last = end;
				}

				if (foldText(query).trim() !== '') {
					expect(matchRanges(text + query + text, query).length).toBeGreaterThan(0);
				}
			}),
		);
	});
});

describe('findEntries', () => {
	const entry = (id: number, kind: ChatEntry['kind'], text: string, from = 'bob'): ChatEntry => ({id, seq: id, kind, text, from, time: 0, fromHistory: false, mentionsMe: false});

	test('looks in what was said and done in the room, not in local notices; leaves out what is hidden', () => {
		const entries = [entry(1, 'message', 'lunch?'), entry(2, 'notice', 'lunch notice'), entry(3, 'join', 'lunchbox joined', 'lunchbox'), entry(4, 'message', 'LUNCH', 'carol'), entry(5, 'error', 'no lunch')];
		expect(findEntries(entries, 'lunch').map(found => found.id)).toEqual([1, 3, 4]);
		expect(findEntries(entries, 'lunch', found => found.from === 'carol').map(found => found.id)).toEqual([1, 3]);
	});
});
