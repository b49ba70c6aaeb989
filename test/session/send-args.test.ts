import path from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {parseSendArgs} from '../../source/session/commands/send-args.js';
import {splitArgs} from '../../source/session/commands/split-args.js';
import type {PathPlatform} from '../../source/session/ports.js';

/** Parses with the given files existing (as typed). */
function parse(text: string, platform: PathPlatform, files: string[] = []) {
	return parseSendArgs(text, {platform, exists: typed => files.includes(typed)});
}

describe('parseSendArgs on Windows: a backslash separates, "double" quotes group', () => {
	it.each<[string, string[], string[]?]>([
		[String.raw`D:\projects\image.png`, [String.raw`D:\projects\image.png`]],
		[String.raw`\\server\share\a.txt`, [String.raw`\\server\share\a.txt`]],
		[String.raw`"C:\Program Files\x.txt"`, [String.raw`C:\Program Files\x.txt`]],
		[String.raw`C:\Program Files\x.txt`, [String.raw`C:\Program`, String.raw`Files\x.txt`]],
		[String.raw`C:\Program Files\x.txt`, [String.raw`C:\Program Files\x.txt`], [String.raw`C:\Program Files\x.txt`]],
		[String.raw`"C:\dir\" x.txt`, [String.raw`C:\dir\ `.trim(), 'x.txt']],
		[String.raw`a.png "b c.png" D:\e.png`, ['a.png', 'b c.png', String.raw`D:\e.png`]],
		["it's.png", ["it's.png"]],
		[String.raw`'C:\My Files\a.png'`, [String.raw`'C:\My`, String.raw`Files\a.png'`]],
		[String.raw`'C:\My Files\a.png'`, [String.raw`C:\My Files\a.png`], [String.raw`C:\My Files\a.png`]],
		["'Bob''s notes.txt'", ["Bob's notes.txt"], ["Bob's notes.txt"]],
		[String.raw`%USERPROFILE%\$HOME.png`, [String.raw`%USERPROFILE%\$HOME.png`]],
		['C:/Users/a/x.png', ['C:/Users/a/x.png']],
		[String.raw`..\up\x.txt`, [String.raw`..\up\x.txt`]],
		['  a.png\t ', ['a.png']],
		['', []],
		['   ', []],
		['""', []],
	])('%j gives %j (existing: %j)', (text, paths, files) => {
		expect(parse(text, 'win32', files)).toEqual({paths});
	});

	it('keeps what path.win32 needs to read the path back', () => {
		const [image] = (parse(String.raw`D:\projects\image.png`, 'win32') as {paths: string[]}).paths;
		expect(path.win32.basename(image!)).toBe('image.png');
		expect(path.win32.dirname(image!)).toBe(String.raw`D:\projects`);
		expect(path.win32.isAbsolute(image!)).toBe(true);
		const [unc] = (parse(String.raw`\\server\share\a.txt`, 'win32') as {paths: string[]}).paths;
		expect(path.win32.parse(unc!)).toMatchObject({root: String.raw`\\server\share\ `.trim(), base: 'a.txt'});
		const [spaced] = (parse(String.raw`"C:\Program Files\x.txt"`, 'win32') as {paths: string[]}).paths;
		expect(path.win32.dirname(spaced!)).toBe(String.raw`C:\Program Files`);
		expect(path.win32.basename(spaced!)).toBe('x.txt');
	});

	it('an unclosed double quote is an error unless the whole text exists', () => {
		expect(parse('"C:\\a b.png', 'win32')).toEqual({error: 'unclosed " quote: end the path with "'});
		expect(parse('"C:\\a b.png', 'win32', ['"C:\\a b.png'])).toEqual({paths: ['"C:\\a b.png']});
	});
});

describe('parseSendArgs on POSIX: the shell\'s rules', () => {
	it.each<[string, string[], string[]?]>([
		[String.raw`my\ file.txt`, ['my file.txt']],
		[String.raw`"dir/a\b.txt"`, [String.raw`dir/a\b.txt`]],
		[String.raw`dir/a\b.txt`, ['dir/ab.txt']],
		[String.raw`dir/a\b.txt`, [String.raw`dir/a\b.txt`], [String.raw`dir/a\b.txt`]],
		[String.raw`D:\projects\image.png`, ['D:projectsimage.png']],
		[String.raw`"a\"b" "c\\d" "\$x" "\`x\`" "\n"`, ['a"b', String.raw`c\d`, '$x', '`x`', String.raw`\n`]],
		[String.raw`'a\b' 'x"y'`, [String.raw`a\b`, 'x"y']],
		[String.raw`'it'\''s.png'`, ["it's.png"]],
		["it's.png", ["it's.png"], ["it's.png"]],
		['my file.txt', ['my', 'file.txt']],
		['my file.txt', ['my file.txt'], ['my file.txt']],
		['$HOME/x.png ~/Pictures/y.png', ['$HOME/x.png', '~/Pictures/y.png']],
		['a.png b.png "c d.png"', ['a.png', 'b.png', 'c d.png']],
		['"a b"c\'d e\'', ['a bcd e']],
		[String.raw`dir\ `, ['dir ']],
		['dir\\', ['dir\\']],
		['a\\\nb', ['ab']],
		['  a.png  ', ['a.png']],
		['', []],
		['  \t', []],
		["'' \"\"", []],
	])('%j gives %j (existing: %j)', (text, paths, files) => {
		expect(parse(text, 'posix', files)).toEqual({paths});
	});

	it('keeps what path.posix needs to read the path back', () => {
		const [escaped] = (parse(String.raw`/home/a/my\ file.txt`, 'posix') as {paths: string[]}).paths;
		expect(path.posix.basename(escaped!)).toBe('my file.txt');
		const [kept] = (parse(String.raw`"dir/a\b.txt"`, 'posix') as {paths: string[]}).paths;
		expect(path.posix.dirname(kept!)).toBe('dir');
		expect(path.posix.basename(kept!)).toBe(String.raw`a\b.txt`);
	});

	it.each([
		["it's.png", "unclosed ' quote: put the path in double quotes"],
		['"my file.txt', 'unclosed " quote: end the path with "'],
	])('%j that does not exist is an error: %s', (text, error) => {
		expect(parse(text, 'posix')).toEqual({error});
	});

	it('the whole text wins only when it exists; several existing paths are read by the rules', () => {
		expect(parse('a.png b.png', 'posix', ['a.png', 'b.png'])).toEqual({paths: ['a.png', 'b.png']});
		expect(parse('a.png b.png', 'posix', ['a.png b.png', 'a.png', 'b.png'])).toEqual({paths: ['a.png b.png']});
	});
});

describe('properties', () => {
	const posixName = fc.string({unit: 'grapheme', minLength: 1, maxLength: 20}).filter(name => !/[/\0]/.test(name));
	const posixForms: Array<[string, (name: string) => string]> = [
		['double quotes', name => `"${name.replaceAll(/["\\$`]/g, String.raw`\$&`)}"`],
		['single quotes', name => `'${name.replaceAll("'", String.raw`'\''`)}'`],
		// A backslash before a newline joins lines in sh, so a newline goes in single quotes.
		['backslashes', name => [...name].map(char => (char === '\n' ? "'\n'" : `\\${char}`)).join('')],
	];

	it.each(posixForms)('on POSIX any names, each quoted with %s and joined with spaces, come back', (_form, quote) => {
		fc.assert(
			fc.property(fc.array(posixName, {minLength: 1, maxLength: 5}), fc.constantFrom(' ', '  ', '\t'), (names, gap) => {
				const text = names.map(name => quote(name)).join(gap);
				expect(parse(text, 'posix')).toEqual({paths: names});
			}),
		);
	});

	it('on Windows any legal names, in double quotes under a folder, come back', () => {
		const winName = fc.string({unit: 'grapheme', minLength: 1, maxLength: 20}).filter(name => !/[<>:"/\\|?*\u0000-\u001F]/.test(name));
		fc.assert(
			fc.property(fc.array(winName, {minLength: 1, maxLength: 5}), names => {
				const paths = names.map(name => String.raw`C:\Users\a\ `.trim() + name);
				expect(parse(paths.map(file => `"${file}"`).join(' '), 'win32')).toEqual({paths});
				expect(paths.map(file => path.win32.basename(file))).toEqual(names);
			}),
		);
	});

	it('any text that exists as typed (trimmed) is one path on both platforms', () => {
		fc.assert(
			fc.property(fc.string({minLength: 1}).filter(text => text.trim() !== ''), fc.constantFrom<PathPlatform>('win32', 'posix'), (text, platform) => {
				expect(parse(` ${text} `, platform, [text.trim()])).toEqual({paths: [text.trim()]});
			}),
		);
	});

	it('splitArgs never throws, and reports an unclosed quote or gives words', () => {
		fc.assert(
			fc.property(fc.string({unit: 'binary'}), fc.constantFrom<PathPlatform>('win32', 'posix'), fc.boolean(), (text, platform, singleQuotes) => {
				const result = splitArgs(text, {platform, singleQuotes});
				expect('args' in result || 'unclosed' in result).toBe(true);
			}),
		);
	});
});
