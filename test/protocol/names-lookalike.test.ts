import {describe, expect, test} from 'vitest';
import fc from 'fast-check';
import {checkName, lookalikeKeys, skeleton} from '../../source/protocol/names.js';
import {roomFixture} from './room/hub-room-fixture.js';

/** What the hub says to `requested` while `present` is in the room (undefined: the name is free). */
function problemBeside(present: string, requested: string) {
	const room = roomFixture();
	room.join(present);
	return room.hub.nameProblem(requested);
}

const looksLike = (requested: string, present: string) => ({code: 'name-taken', reason: `the name "${requested.normalize('NFC')}" looks like "${present}", who is in this room; pick another`});

describe('skeleton: UTS #39 (NFD, default ignorables dropped, confusables.txt prototypes, NFD)', () => {
	test.each([
		['Cyrillic а', '\u0430lice', 'alice'],
		['Greek α', '\u03B1lice', 'alice'],
		['digit one is l', 'a1ice', 'alice'],
		['digit zero is capital O', 'b0b', 'bOb'],
		['capital I is l', 'PaypaI', 'Paypal'],
		['m is r n', 'mary', 'rnary'],
		['fullwidth letters', '\uFF41\uFF4C\uFF49\uFF43\uFF45', 'alice'],
		['Lisu A is capital A', '\uA4EElice', 'Alice'],
		['composed é is decomposed', '\u00E9', 'e\u0301'],
		['Devanagari acute accent is the combining acute', 'e\u0954', 'e\u0301'],
		['Hangul filler dropped', 'alice\u3164', 'alice'],
		['variation selector dropped', 'alice\uFE0F', 'alice'],
		['combining grapheme joiner dropped', 'ali\u034Fce', 'alice'],
		['plain ASCII letters stay', 'bob', 'bob'],
	])('%s: %j -> %j', (_label, text, expected) => {
		expect(skeleton(text)).toBe(expected);
	});

	test('a skeleton is NFD', () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme', maxLength: 20}), text => {
				const result = skeleton(text);
				expect(result.normalize('NFD')).toBe(result);
			}),
		);
	});

	test("a name's look-alike keys ignore its normalisation form", () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme', maxLength: 20}), name => {
				expect(lookalikeKeys(name.normalize('NFD'))).toEqual(lookalikeKeys(name.normalize('NFC')));
			}),
		);
	});
});

describe('a look-alike of a present name is refused like a taken one', () => {
	test.each([
		['Cyrillic а', 'alice', '\u0430lice'],
		['all Cyrillic (е, о, р, с, х)', 'pepe', '\u0440\u0435\u0440\u0435'],
		['Cyrillic і and е', 'alice', 'al\u0456c\u0435'],
		['Greek α', 'alice', '\u03B1lice'],
		['Greek capital Α', 'ALICE', '\u0391LICE'],
		['Greek ο', 'ozzy', '\u03BFzzy'],
		['Cyrillic а beside a capitalised name', 'Alice', '\u0430lice'],
		['Cyrillic capital А beside a lowercase name', 'alice', '\u0410LICE'],
		['digit one for l', 'alice', 'a1ice'],
		['digit ones for l', 'hello', 'he11o'],
		['capital O and digit one', 'olive', 'O1ive'],
		['capital I for l', 'paypal', 'PaypaI'],
		['capital I for l, at the start', 'lan', 'Ian'],
		['digit zero for O', 'bob', 'B0B'],
		['r n for m', 'mary', 'rnary'],
		['mixed scripts: fullwidth a, Cyrillic і', 'alice', '\uFF41l\u0456ce'],
		['fullwidth letters and a Cyrillic е', 'alice', '\uFF41\uFF4C\uFF49\uFF43\u0435'],
		['Lisu A', 'alice', '\uA4EElice'],
		['a combining mark that looks like the acute', 'alic\u00E9', 'alice\u0954'],
	])('%s: %j beside %j', (_label, present, requested) => {
		expect(problemBeside(present, requested)).toEqual(looksLike(requested, present));
	});

	test.each([
		['a trailing Hangul filler', 'alice\u3164'],
		['a variation selector', 'alice\uFE0F'],
		['a combining grapheme joiner', 'ali\u034Fce'],
		['nothing but a Hangul filler', '\u3164'],
	])('%s: %j is refused as invalid (it shows as nothing), whoever is present', (_label, requested) => {
		expect(problemBeside('alice', requested)?.code).toBe('name-invalid');
		expect(checkName(requested).ok).toBe(false);
	});

	test.each([
		['different letters', 'bob', 'bab'],
		['different last letter', 'alice', 'alicf'],
		['a diaeresis matters', 'Zoe', 'Zo\u00EB'],
		['an acute matters', 'Jose', 'Jos\u00E9'],
		['small i has its dot', 'lan', 'ian'],
		['c l is not d (UTS #39 maps single characters)', 'dean', 'clean'],
		['v v is not w', 'w', 'vv'],
		['digit six is not b', 'bob', 'bo6'],
		['Cyrillic п is not n', 'nico', '\u043Fico'],
		['another script altogether', 'Ivan', '\u0418\u0432\u0430\u043D'],
	])('%s: %j beside %j is free', (_label, present, requested) => {
		expect(problemBeside(present, requested)).toBeUndefined();
	});

	test('the same name in another case or width is still "taken", not a look-alike', () => {
		for (const name of ['ALICE', '\uFF21lice']) {
			expect(problemBeside('alice', name)).toEqual({code: 'name-taken', reason: 'the name "alice" is taken in this room; pick another'});
		}
	});
});
