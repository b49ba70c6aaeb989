import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {
	FILE_NAME_RULES,
	isReservedName,
	MAX_FILE_NAME_BYTES,
	numberedName,
	safeFileName,
	splitExtension,
	utf8Length,
} from '../../source/protocol/file-name.js';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const unsafe = /[/\\:\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

describe('safeFileName', () => {
	test.each([
		['report.pdf', 'report.pdf'],
		['../../etc/passwd', 'passwd'],
		['/abs/path', 'path'],
		['dir/sub/', 'sub'],
		['C:\\Windows\\system32\\x.dll', 'x.dll'],
		['C:x', 'C_x'],
		['a:b', 'a_b'],
		['a<b>c"d|e?f*g', 'a_b_c_d_e_f_g'],
		['..', 'file'],
		['.', 'file'],
		['...', 'file'],
		['', 'file'],
		['   ', 'file'],
		['/', 'file'],
		['.bashrc', 'bashrc'],
		['name. . ', 'name'],
		['  padded  ', 'padded'],
		['-rf', '_rf'],
		['a\u001B[31mred\u001B[0m', 'ared'],
		['\u001B]8;;http://x\u001B\\link\u001B]8;;\u001B\\', 'link'],
		['\u001B]0;title\u0007name', 'name'],
		['\u009B31mred', 'red'],
		['bell\u0007', 'bell_'],
		['tab\there', 'tab_here'],
		['del\u007F', 'del_'],
		['c1\u0085x', 'c1_x'],
		['x\u202Egnp.exe', 'x_gnp.exe'],
		['\u2066iso\u2069', '_iso_'],
		['zero\u200Bwidth', 'zerowidth'],
		['soft\u00ADhyphen', 'softhyphen'],
		['line\u2028break', 'line_break'],
		['..／..／etc／passwd', '_.._etc_passwd'],
		['a\u2215b', 'a_b'],
		['a\uFF3Cb', 'a_b'],
		['a\uFF1Ab', 'a_b'],
		['．．', 'file'],
		['e\u0301', '\u00E9'],
		['CON', '_CON'],
		['con.txt', '_con.txt'],
		['Aux.tar.gz', '_Aux.tar.gz'],
		['NUL .txt', '_NUL .txt'],
		['com1', '_com1'],
		['LPT9.log', '_LPT9.log'],
		['COM\u00B9', '_COM\u00B9'],
		['\uFF23\uFF2F\uFF2E.txt', '_\uFF23\uFF2F\uFF2E.txt'],
		['conin$', '_conin$'],
		['CONSOLE.txt', 'CONSOLE.txt'],
		['com10', 'com10'],
		['lone\uD800', 'lone_'],
		['\uDC00x', '_x'],
		['emoji \u{1F600}.png', 'emoji \u{1F600}.png'],
		['\uFFFEnon', '_non'],
	])('%j -> %j', (received, expected) => {
		expect(safeFileName(received)).toBe(expected);
	});

	test('long names are cut to 255 bytes, keeping the extension and whole code points', () => {
		const ascii = safeFileName(`${'a'.repeat(300)}.txt`);
		expect(ascii).toBe(`${'a'.repeat(251)}.txt`);
		const wide = safeFileName(`${'\u6587'.repeat(300)}.txt`);
		expect(bytes(wide)).toBe(253);
		expect(wide.endsWith('\u6587.txt')).toBe(true);
		const emoji = safeFileName('\u{1F600}'.repeat(100));
		expect(bytes(emoji)).toBe(252);
		expect(emoji).toBe('\u{1F600}'.repeat(63));
		const longExtension = safeFileName(`a.${'x'.repeat(300)}`);
		expect(bytes(longExtension)).toBe(255);
		expect(longExtension.startsWith('a.xxx')).toBe(true);
	});

	test('the rules are written down', () => {
		expect(FILE_NAME_RULES.length).toBeGreaterThan(5);
	});

	const property = (name: string) => {
		const safe = safeFileName(name);
		expect(safe.length).toBeGreaterThan(0);
		expect(utf8Length(safe)).toBe(bytes(safe));
		expect(bytes(safe)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
		expect(safe).not.toMatch(unsafe);
		expect(['.', '..']).not.toContain(safe);
		expect(safe).toBe(safe.normalize('NFC'));
		expect(isReservedName(safe)).toBe(false);
		expect(safe).not.toMatch(/^[.\s-]|[.\s]$/);
		expect(safeFileName(safe)).toBe(safe);
	};

	test('for any string the result is a safe, stable base name', () => {
		fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 400}), property), {numRuns: 2000});
		fc.assert(fc.property(fc.string({unit: 'grapheme-composite', maxLength: 300}), property), {numRuns: 500});
		const hostile = fc.constantFrom('.', '..', '/', '\\', ':', '\u001B', '\u001B[', ']', '\u0007', 'CON', 'nul', ' ', '\u202E', '\u0301', 'e', '\uFF0F', '\uD83D', '\uDE00', 'é', '.txt', '-');
		fc.assert(fc.property(fc.array(hostile, {maxLength: 40}).map((parts) => parts.join('')), property), {numRuns: 2000});
	});
});

describe('numberedName', () => {
	test.each([
		['report.pdf', 1, 'report (1).pdf'],
		['report.pdf', 2, 'report (2).pdf'],
		['backup.tar.gz', 3, 'backup (3).tar.gz'],
		['README', 1, 'README (1)'],
		['report.pdf', 0, 'report.pdf'],
	])('%j, %d -> %j', (name, n, expected) => {
		expect(numberedName(name, n)).toBe(expected);
	});

	test('stays within 255 bytes', () => {
		const long = safeFileName(`${'\u6587'.repeat(100)}.txt`);
		const numbered = numberedName(long, 12);
		expect(bytes(numbered)).toBeLessThanOrEqual(255);
		expect(numbered.endsWith(' (12).txt')).toBe(true);
	});
});

describe('splitExtension', () => {
	test.each([
		['a.txt', 'a', '.txt'],
		['a.tar.gz', 'a', '.tar.gz'],
		['a', 'a', ''],
		['.txt', '.txt', ''],
		['a.b c', 'a.b c', ''],
	])('%j -> %j + %j', (name, stem, extension) => {
		expect(splitExtension(name)).toEqual({stem, extension});
	});
});
