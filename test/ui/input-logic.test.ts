import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import type {FolderEntry, PathSource} from '../../source/session/ports.js';
import {parseSendArgs} from '../../source/session/commands/send-args.js';
import {complete} from '../../source/ui/input/complete.js';
import {emptyHistory, historyLimit, recallNext, recallPrevious, remember} from '../../source/ui/input/history.js';
import {fakeCommands} from './fake-session.js';

describe('history', () => {
	const typed = ['first', 'second', 'third'].reduce(remember, emptyHistory);

	test('Up walks back from the newest, keeping the draft; Down returns to it', () => {
		let step = recallPrevious(typed, 'draft');
		expect(step.value).toBe('third');
		step = recallPrevious(step.state, step.value);
		expect(step.value).toBe('second');
		step = recallPrevious(step.state, step.value);
		step = recallPrevious(step.state, step.value);
		expect(step.value).toBe('first');
		step = recallNext(step.state, step.value);
		expect(step.value).toBe('second');
		step = recallNext(step.state, step.value);
		step = recallNext(step.state, step.value);
		expect(step.value).toBe('draft');
		expect(recallNext(step.state, 'draft').value).toBe('draft');
	});

	test('blank lines and repeats are not remembered; the limit holds', () => {
		expect(remember(remember(typed, '   '), 'third').lines).toEqual(['first', 'second', 'third']);
		let many = emptyHistory;
		for (let index = 0; index < historyLimit + 20; index++) {
			many = remember(many, `line ${index}`);
		}

		expect(many.lines).toHaveLength(historyLimit);
		expect(many.lines.at(-1)).toBe(`line ${historyLimit + 19}`);
	});

	test('no history: Up keeps the line', () => {
		expect(recallPrevious(emptyHistory, 'typing').value).toBe('typing');
	});
});

describe('complete', () => {
	const source = {commands: fakeCommands, members: ['alice', 'Albert', 'bob']};

	test('a command name from its start', () => {
		expect(complete('/se', source)?.line).toBe('/send ');
		expect(complete('/SE', source)?.line).toBe('/send ');
		expect(complete('/zz', source)).toBeUndefined();
	});

	test('aliases complete too, and repeated Tab cycles through the matches', () => {
		const first = complete('/n', source);
		expect(first?.matches).toEqual(['name', 'names', 'netinfo', 'nick']);
		expect(first?.line).toBe('/name ');
		const second = complete(first!.line, source, first);
		expect(second?.line).toBe('/names ');
		const third = complete(second!.line, source, second);
		expect(third?.line).toBe('/netinfo ');
		const fourth = complete(third!.line, source, third);
		expect(fourth?.line).toBe('/nick ');
		expect(complete(fourth!.line, source, fourth)?.line).toBe('/name ');
	});

	test('member names: the last word, case-insensitive, cycling', () => {
		const first = complete('/msg al', source);
		expect(first?.line).toBe('/msg Albert ');
		expect(complete(first!.line, source, first)?.line).toBe('/msg alice ');
		expect(complete('hi B', source)?.line).toBe('hi bob ');
		expect(complete('hi @b', source)?.line).toBe('hi @bob ');
	});

	test('a name alone at the start is addressed: "bob: "', () => {
		expect(complete('bo', source)?.line).toBe('bob: ');
	});

	test('a changed line starts over', () => {
		const first = complete('/m', source);
		expect(complete('/h', source, first)?.line).toBe('/help ');
	});

	test('nothing to complete', () => {
		expect(complete('', source)).toBeUndefined();
		expect(complete('hello ', source)).toBeUndefined();
		expect(complete('zed', source)).toBeUndefined();
	});
});

describe('complete: the path after /send', () => {
	const folders = new Map<string, readonly FolderEntry[]>([
		[
			'',
			[
				{name: 'photo.png', folder: false},
				{name: 'photos', folder: true},
				{name: 'Pictures', folder: true},
				{name: 'my notes.txt', folder: false},
				{name: "it's.txt", folder: false},
				{name: '.hidden', folder: false},
			],
		],
		['photos/', [{name: 'beach.jpg', folder: false}, {name: 'snow.jpg', folder: false}]],
		['Pictures/', [{name: 'Old Trip', folder: true}]],
		['Pictures/Old Trip/', [{name: 'day 1.png', folder: false}]],
		['~/', [{name: 'Downloads', folder: true}]],
	]);
	const paths: PathSource = {platform: 'posix', list: folder => folders.get(folder)};
	const source = {commands: fakeCommands, members: ['alice'], paths};

	test('a file completes with a space after it; several matches cycle, shown by name', () => {
		const first = complete('/send pho', source);
		expect(first?.line).toBe('/send photo.png ');
		expect(first?.matches).toEqual(['photo.png', 'photos/']);
		expect(complete(first!.line, source, first)?.line).toBe('/send photos/');
	});

	test('a folder completes to NAME/, and the next Tab lists what is in it', () => {
		const folder = complete('/send photos', source);
		expect(folder?.line).toBe('/send photos/');
		expect(folder?.matches).toEqual(['photos/']);
		const inside = complete(folder!.line, source, folder);
		expect(inside?.matches).toEqual(['beach.jpg', 'snow.jpg']);
		expect(inside?.line).toBe('/send photos/beach.jpg ');
	});

	test('the last of several paths is completed; the ones before stay as typed', () => {
		expect(complete('/send photo.png  photos/sn', source)?.line).toBe('/send photo.png  photos/snow.jpg ');
		expect(complete('/upload photos/b', source)?.line).toBe('/upload photos/beach.jpg ');
	});

	test('a name with a space is escaped, or kept in the quotes it was begun in, which a file closes', () => {
		expect(complete('/send Pictures/O', source)?.line).toBe('/send "Pictures/Old Trip/');
		expect(complete('/send Pictures/Old\\ T', source)?.line).toBe('/send "Pictures/Old Trip/');
		expect(complete('/send "Pictures/Old Trip/d', source)?.line).toBe('/send "Pictures/Old Trip/day 1.png" ');
		expect(complete("/send 'Pictures/Old Trip/d", source)?.line).toBe('/send "Pictures/Old Trip/day 1.png" ');
		expect(complete('/send my', source)?.line).toBe('/send "my notes.txt" ');
		expect(complete('/send it', source)?.line).toBe("/send it\\'s.txt ");
	});

	test('/send reads a completed path back as the name it completed', () => {
		const readBack = (line: string) => parseSendArgs(line.slice('/send '.length), {platform: 'posix', exists: () => false});
		expect(readBack('/send "Pictures/Old Trip/day 1.png" ')).toEqual({paths: ['Pictures/Old Trip/day 1.png']});
		expect(readBack("/send it\\'s.txt ")).toEqual({paths: ["it's.txt"]});
		expect(readBack('/send "my notes.txt" ')).toEqual({paths: ['my notes.txt']});
	});

	test('a name with a space typed without quotes: the whole text is read as one path, as /send reads it', () => {
		expect(complete('/send my no', source)?.line).toBe('/send "my notes.txt" ');
	});

	test('hidden entries only after a dot; case-insensitive only when nothing matches exactly; ~ from the home folder', () => {
		expect(complete('/send .', source)?.line).toBe('/send .hidden ');
		expect(complete('/send ', source)?.matches).not.toContain('.hidden');
		expect(complete('/send pic', source)?.line).toBe('/send Pictures/');
		expect(complete('/send ~/D', source)?.line).toBe('/send ~/Downloads/');
	});

	test('nothing to complete: no match, a folder that cannot be read, or no file transfer here', () => {
		expect(complete('/send zzz', source)).toBeUndefined();
		expect(complete('/send nowhere/a', source)).toBeUndefined();
		expect(complete('/send pho', {commands: fakeCommands, members: ['photographer']})).toBeUndefined();
		// A command that takes no path still completes member names.
		expect(complete('/msg al', source)?.line).toBe('/msg alice ');
	});

	test('Windows: no backslash escapes; a name with a space goes in double quotes; backslash separates', () => {
		const windows: PathSource = {
			platform: 'win32',
			list: folder => (folder === '' ? [{name: 'My Files', folder: true}] : folder === 'My Files\\' ? [{name: 'a b.txt', folder: false}] : undefined),
		};
		const win = {commands: fakeCommands, members: [], paths: windows};
		expect(complete('/send my', win)?.line).toBe('/send "My Files\\');
		expect(complete('/send "My Files\\a', win)?.line).toBe('/send "My Files\\a b.txt" ');
	});

	test('property: any file name, completed from its first letter, reads back as that name', () => {
		const nameArb = fc.string({unit: fc.constantFrom('a', 'B', ' ', "'", '"', '\\', '$', '`', '.', '-', 'é'), minLength: 1, maxLength: 12}).filter(name => !name.startsWith('.') && name.trim() === name && name !== '');
		fc.assert(
			fc.property(nameArb, name => {
				const one: PathSource = {platform: 'posix', list: folder => (folder === '' ? [{name, folder: false}] : undefined)};
				const done = complete(`/send ${[...name][0]!.replace(/["'\\]/, char => `\\${char}`)}`, {commands: fakeCommands, members: [], paths: one});
				expect(done).toBeDefined();
				const parsed = parseSendArgs(done!.line.slice('/send '.length), {platform: 'posix', exists: () => false});
				expect(parsed).toEqual({paths: [name]});
			}),
			{seed: 1612, numRuns: 300},
		);
	});
});

describe('complete: the offer id after /get', () => {
	const offers = [
		{id: 'o5raxwua', name: 'pic.png'},
		{id: 'o5zzqq11', name: 'notes.txt'},
		{id: 'k2broken', name: 'gone.bin', failed: 'the upload was cut off'},
	];
	const source = {commands: fakeCommands, members: ['bob'], offers};

	test('ids complete from their start, shown with the file name; a failed offer is not offered', () => {
		const first = complete('/get o5', source);
		expect(first?.line).toBe('/get o5raxwua');
		expect(first?.matches).toEqual(['o5raxwua (pic.png)', 'o5zzqq11 (notes.txt)']);
		expect(complete(first!.line, source, first)?.line).toBe('/get o5zzqq11');
		expect(complete('/download O5Z', source)?.line).toBe('/download o5zzqq11');
		expect(complete('/get k2', source)).toBeUndefined();
		expect(complete('/get ', source)?.matches).toHaveLength(2);
	});
});
