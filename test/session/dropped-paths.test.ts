import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {droppedPaths, fileUriPath} from '../../source/session/dropped-paths.js';
import type {PathPlatform} from '../../source/session/ports.js';

const posixFiles = ['/home/a/my photo.png', '/home/a/x.png', '/home/a/y.png', "/home/a/it's.png", '/home/a/€.png', '/home/a/trailing ', 'notes.txt', '~/x.png'];
const winFiles = [String.raw`C:\Users\a\photo.png`, String.raw`C:\Users\a\my photo.png`, String.raw`D:\c.png`, String.raw`\\server\share\a.txt`, 'C:\\Users\\a\\\u2028.png', 'C:/Users/a/photo.png', 'photo.png'];

function drop(pasted: string, platform: PathPlatform, hostname?: string) {
	const files = platform === 'posix' ? posixFiles : winFiles;
	return droppedPaths(pasted, {platform, exists: file => files.includes(file), hostname});
}

describe('droppedPaths on POSIX', () => {
	it.each<[string, string[] | undefined]>([
		['/home/a/my\\ photo.png ', ['/home/a/my photo.png']],
		["'/home/a/my photo.png' ", ['/home/a/my photo.png']],
		['"/home/a/my photo.png"\n', ['/home/a/my photo.png']],
		['/home/a/my photo.png', ['/home/a/my photo.png']],
		["'/home/a/it'\\''s.png'", ["/home/a/it's.png"]],
		['/home/a/trailing\\  ', ['/home/a/trailing ']],
		["/home/a/it's.png ", ["/home/a/it's.png"]],
		['file:///home/a/my%20photo.png\r\n', ['/home/a/my photo.png']],
		['file://localhost/home/a/x.png', ['/home/a/x.png']],
		['FILE://LocalHost/home/a/x.png', ['/home/a/x.png']],
		['file:/home/a/x.png', ['/home/a/x.png']],
		['file:///home/a/%E2%82%AC.png', ['/home/a/€.png']],
		["file:///home/a/it's.png file:///home/a/x.png", ["/home/a/it's.png", '/home/a/x.png']],
		['file:///home/a/x.png\r\nfile:///home/a/y.png\r\n', ['/home/a/x.png', '/home/a/y.png']],
		['/home/a/x.png /home/a/y.png\n', ['/home/a/x.png', '/home/a/y.png']],
		["'/home/a/my photo.png' '/home/a/x.png' ", ['/home/a/my photo.png', '/home/a/x.png']],
		['file://otherhost/home/a/x.png', undefined],
		['file:///home%2Fa/x.png', undefined],
		['file:///home/a/x.png?v=1', undefined],
		['file:///home/a/bad%zz.png', undefined],
		['/home/a/x.png /home/a/missing.png', undefined],
		['/home/a/x.png and some text', undefined],
		['look at /home/a/x.png', undefined],
		['/home/a/missing.png', undefined],
		['notes.txt', undefined],
		['~/x.png', undefined],
		['C:\\Users\\a\\photo.png', undefined],
		['hello world', undefined],
		["it's here", undefined],
		['', undefined],
		[' \n', undefined],
	])('%j is %j', (pasted, expected) => {
		expect(drop(pasted, 'posix')).toEqual(expected);
	});

	it('a URI naming this machine is local', () => {
		expect(drop('file://mybox/home/a/x.png', 'posix', 'MyBox')).toEqual(['/home/a/x.png']);
	});
});

describe('droppedPaths on Windows', () => {
	it.each<[string, string[] | undefined]>([
		[String.raw`C:\Users\a\photo.png`, [String.raw`C:\Users\a\photo.png`]],
		[String.raw`"C:\Users\a\my photo.png" `, [String.raw`C:\Users\a\my photo.png`]],
		[`${String.raw`C:\Users\a\my photo.png`}\r\n`, [String.raw`C:\Users\a\my photo.png`]],
		[String.raw`'C:\Users\a\my photo.png'`, [String.raw`C:\Users\a\my photo.png`]],
		[`${String.raw`"C:\Users\a\my photo.png" D:\c.png`}\r\n`, [String.raw`C:\Users\a\my photo.png`, String.raw`D:\c.png`]],
		['C:/Users/a/photo.png', ['C:/Users/a/photo.png']],
		[String.raw`\\server\share\a.txt`, [String.raw`\\server\share\a.txt`]],
		['file:///C:/Users/a/my%20photo.png', [String.raw`C:\Users\a\my photo.png`]],
		['file://localhost/C:/Users/a/photo.png', [String.raw`C:\Users\a\photo.png`]],
		['file://C:/Users/a/photo.png', [String.raw`C:\Users\a\photo.png`]],
		['file:///C|/Users/a/photo.png', [String.raw`C:\Users\a\photo.png`]],
		['file://server/share/a.txt', [String.raw`\\server\share\a.txt`]],
		['file:////server/share/a.txt', [String.raw`\\server\share\a.txt`]],
		['file:///C:/Users/a/%E2%80%A8.png', ['C:\\Users\\a\\\u2028.png']],
		['file:///C:/Users/a%5Cphoto.png', undefined],
		['file:///home/a/x.png', undefined],
		['/home/a/x.png', undefined],
		['photo.png', undefined],
		[String.raw`\Users\a\photo.png`, undefined],
		['C:photo.png', undefined],
		[String.raw`C:\Users\a\missing.png`, undefined],
		['', undefined],
	])('%j is %j', (pasted, expected) => {
		expect(drop(pasted, 'win32')).toEqual(expected);
	});

	it('gives what path.win32 reads back', () => {
		const [file] = drop('file:///C:/Users/a/my%20photo.png', 'win32')!;
		expect(path.win32.parse(file!)).toMatchObject({root: 'C:\\', dir: String.raw`C:\Users\a`, base: 'my photo.png'});
		const [unc] = drop('file://server/share/a.txt', 'win32')!;
		expect(path.win32.parse(unc!)).toMatchObject({root: String.raw`\\server\share\ `.trim(), base: 'a.txt'});
	});
});

const suffix = fc.constantFrom('', ' ', '\n', ' \n', '\r\n');
const posixName = fc.string({unit: 'grapheme', minLength: 1, maxLength: 16}).filter(name => !/[/\0]/.test(name) && name !== '.' && name !== '..');
const winName = fc.string({unit: 'grapheme', minLength: 1, maxLength: 16}).filter(name => !/[<>:"/\\|?*\u0000-\u001F]|[ .]$/.test(name));

/** The forms a terminal may write a dropped file in, by platform. */
const forms: Record<PathPlatform, Record<string, (file: string) => string>> = {
	posix: {
		backslashes: file => file.replaceAll(/[^\w./-]/gu, char => (char === '\n' ? "'\n'" : `\\${char}`)),
		single: file => `'${file.replaceAll("'", String.raw`'\''`)}'`,
		double: file => `"${file.replaceAll(/["\\$`]/g, String.raw`\$&`)}"`,
		uri: file => pathToFileURL(file, {windows: false}).href,
		localhost: file => pathToFileURL(file, {windows: false}).href.replace('file://', 'file://localhost'),
	},
	win32: {
		double: file => `"${file}"`,
		single: file => `'${file.replaceAll("'", "''")}'`,
		uri: file => pathToFileURL(file, {windows: true}).href,
	},
};

describe('properties', () => {
	it.each<[PathPlatform, string]>(Object.entries(forms).flatMap(([platform, byName]) => Object.keys(byName).map(form => [platform as PathPlatform, form] as [PathPlatform, string])))(
		'on %s any names dropped in the %s form, one or several, come back as themselves',
		(platform, form) => {
			const write = forms[platform][form]!;
			const folder = platform === 'posix' ? '/home/a b/' : String.raw`C:\Users\a b\ `.trim();
			fc.assert(
				fc.property(fc.array(platform === 'posix' ? posixName : winName, {minLength: 1, maxLength: 4}), suffix, (names, end) => {
					const files = names.map(name => folder + name);
					expect(droppedPaths(files.map(file => write(file)).join(' ') + end, {platform, exists: file => files.includes(file)})).toEqual(files);
				}),
			);
		},
	);

	it.each<PathPlatform>(['posix', 'win32'])('on %s one name written as is, with what terminals add, comes back', platform => {
		const folder = platform === 'posix' ? '/home/a b/' : String.raw`C:\Users\a b\ `.trim();
		fc.assert(
			fc.property(platform === 'posix' ? posixName : winName, suffix, (name, end) => {
				fc.pre(name.trim() === name);
				expect(droppedPaths(folder + name + end, {platform, exists: file => file === folder + name})).toEqual([folder + name]);
			}),
		);
	});

	it.each<PathPlatform>(['posix', 'win32'])('on %s file URIs decode as Node does', platform => {
		const windows = platform === 'win32';
		fc.assert(
			fc.property(fc.array(windows ? winName : posixName, {minLength: 1, maxLength: 3}), names => {
				const href = pathToFileURL((windows ? 'C:\\' : '/') + names.join(windows ? '\\' : '/'), {windows}).href;
				expect(fileUriPath(href, {platform})).toBe(fileURLToPath(href, {windows}));
			}),
		);
	});

	it('nothing is read from a paste with no existing file', () => {
		fc.assert(
			fc.property(fc.string({unit: 'binary'}), fc.constantFrom<PathPlatform>('posix', 'win32'), (pasted, platform) => {
				expect(droppedPaths(pasted, {platform, exists: () => false})).toBeUndefined();
			}),
		);
	});
});
