import {describe, expect, test} from 'vitest';
import fc from 'fast-check';
import {checkName, nameKey} from '../../source/protocol/names.js';
import {NAME_MAX_CHARS} from '../../source/protocol/limits.js';

const INVISIBLE = 'a name cannot contain spaces, control or invisible characters';
const LEADING = 'a name cannot start with "/" or "*"';

describe('checkName: valid names', () => {
	test.each([
		['alice', 'alice'],
		['Bob_42', 'Bob_42'],
		['Ünïcode', 'Ünïcode'],
		['日本語', '日本語'],
		['emoji 🦊', '🦊'],
		['emoji with a skin tone', '👍🏽'],
		['mixed', 'zoë🎉'],
		['one character', 'x'],
		['32 ASCII characters', 'a'.repeat(32)],
		['32 astral characters (64 UTF-16 units)', '🦊'.repeat(32)],
		['slash and star inside', 'a/b*c'],
		['hyphen and dot', 'mary-jane.doe'],
	])('%s', (_label, name) => {
		expect(checkName(name)).toEqual({ok: true, name});
	});

	test('a decomposed name is accepted in its composed (NFC) form', () => {
		const nfd = 'Zoe\u0308'; // e + combining diaeresis
		expect(checkName(nfd)).toEqual({ok: true, name: 'Zo\u00EB'});
	});

	test('32 characters that are 33 before NFC composition are accepted', () => {
		const raw = `${'a'.repeat(31)}e\u0301`; // 33 code points, 32 after NFC
		expect([...raw].length).toBe(33);
		expect(checkName(raw)).toEqual({ok: true, name: `${'a'.repeat(31)}\u00E9`});
	});
});

describe('checkName: invalid names, with the reason', () => {
	test.each([
		['empty', '', 'a name needs at least one character'],
		['33 characters', 'a'.repeat(33), 'a name has at most 32 characters (this one has 33)'],
		['33 emoji', '🦊'.repeat(33), 'a name has at most 32 characters (this one has 33)'],
		['space inside', 'al ice', INVISIBLE],
		['leading space', ' alice', INVISIBLE],
		['trailing space', 'alice ', INVISIBLE],
		['only a space', ' ', INVISIBLE],
		['tab', 'al\tice', INVISIBLE],
		['newline', 'alice\n', INVISIBLE],
		['NUL', 'al\u0000ice', INVISIBLE],
		['bell control char', 'al\u0007ice', INVISIBLE],
		['ESC (start of an ANSI sequence)', '\u001b[31malice', INVISIBLE],
		['DEL', 'alice\u007F', INVISIBLE],
		['C1 control (CSI U+009B)', 'al\u009Bice', INVISIBLE],
		['no-break space', 'al\u00A0ice', INVISIBLE],
		['ideographic space', 'al\u3000ice', INVISIBLE],
		['zero-width space U+200B', 'al\u200Bice', INVISIBLE],
		['zero-width joiner U+200D', 'al\u200Dice', INVISIBLE],
		['byte order mark U+FEFF', '\uFEFFalice', INVISIBLE],
		['right-to-left override U+202E', 'al\u202Eice', INVISIBLE],
		['left-to-right isolate U+2066', '\u2066alice', INVISIBLE],
		['line separator U+2028', 'al\u2028ice', INVISIBLE],
		['private use U+E000', 'al\uE000ice', INVISIBLE],
		['lone surrogate', 'al\uD800ice', INVISIBLE],
		['leading "/"', '/alice', LEADING],
		['only "/"', '/', LEADING],
		['leading "*"', '*alice', LEADING],
		['only "*"', '*', LEADING],
	])('%s', (_label, name, reason) => {
		expect(checkName(name)).toEqual({ok: false, reason});
	});
});

describe('nameKey: names that collide', () => {
	test.each([
		['case', 'Alice', 'alice'],
		['all caps', 'ALICE', 'alice'],
		['fullwidth letter', '\uFF21lice', 'alice'],
		['all fullwidth', '\uFF41\uFF4C\uFF49\uFF43\uFF45', 'alice'],
		['NFC vs NFD é', '\u00E9', 'e\u0301'],
		['NFD uppercase vs NFC lowercase', 'E\u0301', '\u00E9'],
		['ligature ﬁ', '\uFB01x', 'fix'],
		['superscript two', 'x\u00B2', 'x2'],
	])('%s: %s ~ %s', (_label, a, b) => {
		expect(nameKey(a)).toBe(nameKey(b));
	});

	test.each([
		['different letters', 'alice', 'alicf'],
		['accent matters', 'e', '\u00E9'],
		['different scripts', 'alice', 'аlice'], // Cyrillic а: not a compatibility equivalent
	])('%s: %s and %s stay apart', (_label, a, b) => {
		expect(nameKey(a)).not.toBe(nameKey(b));
	});

	test('the key is NFKC and lowercase', () => {
		expect(nameKey('Ｚｏｅ\u0308')).toBe('zo\u00EB');
	});
});

describe('properties', () => {
	const rawName = fc.oneof(
		fc.string({unit: 'binary', maxLength: 40}),
		fc.string({unit: 'grapheme', maxLength: 40}),
		fc.string({unit: 'binary-ascii', maxLength: 40}),
		fc.string({unit: fc.constantFrom('a', 'é', 'e', '\u0301', ' ', '/', '*', '\u200B', '\u202E', 'Ａ', '🦊', '\t'), maxLength: 40}),
	);

	test('checkName never throws; an ok name is NFC, 1..32 code points, visible and not a command', () => {
		fc.assert(
			fc.property(rawName, raw => {
				const result = checkName(raw);
				if (result.ok) {
					expect(result.name).toBe(raw.normalize('NFC'));
					expect(result.name.normalize('NFC')).toBe(result.name);
					const length = [...result.name].length;
					expect(length).toBeGreaterThanOrEqual(1);
					expect(length).toBeLessThanOrEqual(NAME_MAX_CHARS);
					expect(result.name).not.toMatch(/[\p{C}\p{Z}\s]/u);
					expect(result.name[0]).not.toBe('/');
					expect(result.name[0]).not.toBe('*');
				} else {
					expect(typeof result.reason).toBe('string');
					expect(result.reason.length).toBeGreaterThan(0);
				}
			}),
			{numRuns: 1000},
		);
	});

	test('checkName is idempotent on what it accepts', () => {
		fc.assert(
			fc.property(rawName, raw => {
				const result = checkName(raw);
				if (result.ok) {
					expect(checkName(result.name)).toEqual(result);
				}
			}),
			{numRuns: 500},
		);
	});

	test('nameKey is stable and ignores normalisation form', () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme', maxLength: 32}), name => {
				const key = nameKey(name);
				expect(nameKey(key)).toBe(key);
				expect(nameKey(name.normalize('NFD'))).toBe(key);
				expect(nameKey(name.normalize('NFC'))).toBe(key);
			}),
			{numRuns: 1000},
		);
	});

	test('nameKey ignores the case of Latin letters', () => {
		fc.assert(
			fc.property(fc.string({unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'), minLength: 1, maxLength: 32}), name => {
				expect(nameKey(name.toUpperCase())).toBe(nameKey(name.toLowerCase()));
				expect(nameKey(name)).toBe(name.toLowerCase());
			}),
			{numRuns: 300},
		);
	});
});
