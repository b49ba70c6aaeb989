import {describe, expect, test} from 'vitest';
import fc from 'fast-check';
import {cleanMessage, cleanText, utf8Bytes} from '../../source/protocol/sanitize.js';

// eslint-disable-next-line no-control-regex
/** What cleanText removes or replaces: controls, DEL, C1, ALM, LRM, RLM, bidi overrides and isolates, line/paragraph separators. */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

describe('cleanText: escape sequences are removed whole', () => {
	test.each([
		['SGR colour', '\u001b[31mred\u001b[0m', 'red'],
		['SGR with several parameters', '\u001b[1;4;38;5;196mloud\u001b[m', 'loud'],
		['cursor movement', 'a\u001b[2Jb\u001b[10;20Hc', 'abc'],
		['erase line and cursor up', 'x\u001b[2K\u001b[1Ay', 'xy'],
		['private mode (hide cursor)', 'a\u001b[?25lb', 'ab'],
		['C1 CSI (U+009B)', 'a\u009B31mb', 'ab'],
		['window title, BEL-terminated', '\u001b]0;title\u0007after', 'after'],
		['window title with spaces', '\u001b]0;my fake title\u0007after', 'after'],
		['window title, ST-terminated', '\u001b]2;title\u001b\\after', 'after'],
		['OSC 8 hyperlink', 'see \u001b]8;;https://example.com/x?y=1\u0007link\u001b]8;;\u0007 now', 'see link now'],
		['OSC 8 hyperlink with ST', '\u001b]8;;http://evil.example\u001b\\click\u001b]8;;\u001b\\', 'click'],
		['OSC 52 clipboard write', 'a\u001b]52;c;ZWNobyBwd25lZA==\u0007b', 'ab'],
		['DCS string', 'a\u001bPq#0;2;0;0;0\u001b\\b', 'ab'],
		['save cursor (two-byte escape)', 'a\u001b7b', 'ab'],
	])('%s', (_label, input, expected) => {
		expect(cleanText(input)).toBe(expected);
	});
});

describe('cleanText: controls', () => {
	test.each([
		['NUL', 'a\u0000b', 'ab'],
		['bell', 'a\u0007b', 'ab'],
		['backspace (overwrite trick)', 'admin\u0008\u0008\u0008\u0008\u0008guest', 'adminguest'],
		['carriage return', 'safe\rEVIL', 'safeEVIL'],
		['vertical tab and form feed', 'a\u000Bb\u000Cc', 'abc'],
		['lone ESC', 'a\u001bb', 'ab'],
		['unit separator U+001F', 'a\u001Fb', 'ab'],
		['DEL', 'a\u007Fb', 'ab'],
		['C1 NEL U+0085', 'a\u0085b', 'ab'],
		['C1 U+0080 and U+009F', '\u0080a\u009F', 'a'],
		['newline -> space', 'line one\nline two', 'line one line two'],
		['tab -> space', 'a\tb', 'a b'],
		['CRLF -> one space', 'a\r\nb', 'a b'],
	])('%s', (_label, input, expected) => {
		expect(cleanText(input)).toBe(expected);
	});
});

describe('cleanText: bidi overrides and isolates (Trojan Source)', () => {
	test.each([
		['LRE U+202A', '\u202A'],
		['RLE U+202B', '\u202B'],
		['PDF U+202C', '\u202C'],
		['LRO U+202D', '\u202D'],
		['RLO U+202E', '\u202E'],
		['LRI U+2066', '\u2066'],
		['RLI U+2067', '\u2067'],
		['FSI U+2068', '\u2068'],
		['PDI U+2069', '\u2069'],
	])('%s is removed', (_label, char) => {
		expect(cleanText(`abc${char}def${char}`)).toBe('abcdef');
	});

	test('a disguised file name loses its override', () => {
		expect(cleanText('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
	});
});

describe('cleanText: ordinary text is kept', () => {
	test.each([
		['ASCII', 'hello, world! [1] (2) {3} ~`^'],
		['accents', 'Ünïcode façade naïve'],
		['CJK', '日本語のテキスト'],
		['Arabic and Hebrew (natural RTL)', 'مرحبا שלום'],
		['emoji', '🎉🦊👍🏽'],
		['ZWJ emoji sequence', '👩\u200D💻'],
		['combining marks', 'e\u0301 a\u0308'],
		['brackets that look like CSI without ESC', '[31m not colour'],
		['empty', ''],
	])('%s', (_label, input) => {
		expect(cleanText(input)).toBe(input);
	});
});

describe('properties', () => {
	const hostile = fc.string({
		unit: fc.oneof(
			fc.string({unit: 'binary', minLength: 1, maxLength: 1}),
			fc.constantFrom('\u001b', '[', ']', ';', '\u0007', '\\', '\u009B', '\u009D', 'm', '31', '8', '\u202E', '\u2066', '\n', '\t', '\r', '\u0000', '\u007F'),
		),
		maxLength: 200,
	});

	test('the output never contains a control or bidi-override character', () => {
		fc.assert(
			fc.property(fc.oneof(hostile, fc.string({unit: 'binary-ascii', maxLength: 200}), fc.string({unit: 'binary', maxLength: 200})), input => {
				const output = cleanText(input);
				expect(output).not.toMatch(UNSAFE);
				expect(output.length).toBeLessThanOrEqual(input.length);
			}),
			{numRuns: 2000},
		);
	});

	test('cleaning is idempotent', () => {
		fc.assert(
			fc.property(hostile, input => {
				const once = cleanText(input);
				expect(cleanText(once)).toBe(once);
			}),
			{numRuns: 1000},
		);
	});

	test('text with nothing unsafe in it is unchanged', () => {
		fc.assert(
			fc.property(fc.string({unit: 'grapheme', maxLength: 100}), input => {
				fc.pre(!UNSAFE.test(input));
				expect(cleanText(input)).toBe(input);
			}),
			{numRuns: 500},
		);
	});
});

describe('direction marks and separators', () => {
	test.each([
		['LRM', 'a\u200Eb', 'ab'],
		['RLM', 'a\u200Fb', 'ab'],
		['ALM', 'a\u061Cb', 'ab'],
		['line separator', 'a\u2028b', 'a b'],
		['paragraph separator', 'a\u2029b', 'a b'],
	])('%s', (_name, input, expected) => {
		expect(cleanText(input)).toBe(expected);
	});
});

describe('utf8Bytes', () => {
	test.each([
		['', 0],
		['a', 1],
		['é', 2],
		['日', 3],
		['🦊', 4],
		['a'.repeat(4000), 4000],
		['\uD800', 3], // a lone surrogate is written as U+FFFD
	])('%j is %i bytes', (input, bytes) => {
		expect(utf8Bytes(input)).toBe(bytes);
	});
});

describe('cleanMessage: a message keeps its lines', () => {
	test.each([
		['LF kept', 'one\ntwo', 'one\ntwo'],
		['CRLF becomes LF', 'one\r\ntwo\r\n', 'one\ntwo\n'],
		['lone CR becomes LF', 'one\rtwo', 'one\ntwo'],
		['line and paragraph separators become LF', 'a\u2028b\u2029c', 'a\nb\nc'],
		['indentation kept', 'if x:\n    return 1', 'if x:\n    return 1'],
		['a tab goes to the next stop of 4', '\tx\nab\tc\nabcd\te', '    x\nab  c\nabcd    e'],
		['colour codes stripped on every line', '\u001B[31m- old\u001B[0m\n\u001B[32m+ new\u001B[0m', '- old\n+ new'],
		['other controls still dropped', 'a\u0007b\u0000\nc\u0008d\u007Fe', 'ab\ncde'],
		['bidi overrides still dropped', 'a\u202Eb\nc\u2066d', 'ab\ncd'],
		['blank lines kept', 'a\n\n\nb', 'a\n\n\nb'],
	])('%s', (_label, input, expected) => {
		expect(cleanMessage(input)).toBe(expected);
	});

	test('property: no control character but LF survives, and its lines are cleanText of the lines (tabs aside)', () => {
		fc.assert(
			fc.property(fc.string({unit: 'binary', maxLength: 300}), text => {
				const cleaned = cleanMessage(text);
				// eslint-disable-next-line no-control-regex
				expect(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/.test(cleaned)).toBe(false);
				expect(cleanMessage(cleaned)).toBe(cleaned);
				const withoutTabs = text.replaceAll('\t', '');
				expect(cleanMessage(withoutTabs).split('\n').map(line => cleanText(line))).toEqual(cleanMessage(withoutTabs).split('\n'));
			}),
			{numRuns: 500},
		);
	});
});
