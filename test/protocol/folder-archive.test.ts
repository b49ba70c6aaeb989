import fc from 'fast-check';
import tar from 'tar-stream';
import {describe, expect, test} from 'vitest';
import {type ArchiveEntry, entryPath, fitsUstar, folderNameOf, folderOfferName, tarSize} from '../../source/protocol/folder-archive.js';

/** The bytes tar-stream itself writes for these entries. */
async function packedBytes(entries: readonly ArchiveEntry[]): Promise<number> {
	const pack = tar.pack();
	for (const entry of entries) {
		if (entry.type === 'directory') pack.entry({name: entry.name, type: 'directory', mtime: new Date(1_700_000_000_000)});
		else pack.entry({name: entry.name, type: 'file', mtime: new Date(1_700_000_000_000)}, Buffer.alloc(entry.size, 7));
	}

	pack.finalize();
	let total = 0;
	for await (const chunk of pack as AsyncIterable<Buffer>) total += chunk.length;
	return total;
}

const component = fc.oneof(
	fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
	fc.stringMatching(/^[a-z]{90,130}$/),
	fc.constantFrom('ünïcödé', '名前', 'emoji 😀', 'a b', 'x'.repeat(100), 'y'.repeat(99)),
);
const entryArb = fc.record({
	parts: fc.array(component, {minLength: 1, maxLength: 6}),
	type: fc.constantFrom('file' as const, 'directory' as const),
	size: fc.oneof(fc.constantFrom(0, 1, 511, 512, 513, 1024), fc.integer({min: 0, max: 5000})),
});

describe('tarSize', () => {
	test('equals the byte count tar-stream writes, for random trees (long, deep and Unicode names)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(entryArb, {maxLength: 12}), async raw => {
				const entries: ArchiveEntry[] = raw.map(({parts, type, size}) => {
					const name = `root/${parts.join('/')}`;
					return type === 'directory' ? {name: `${name}/`, type, size: 0} : {name, type, size};
				});
				expect(tarSize(entries)).toBe(await packedBytes(entries));
			}),
			{numRuns: 150},
		);
	});

	test('names from 80 to 1100 bytes (ustar, then PAX records of one to three blocks) are counted exactly', async () => {
		for (let length = 80; length < 1100; length += 1) {
			const entries: ArchiveEntry[] = [{name: `é${'a'.repeat(length)}`, type: 'file', size: 3}];
			expect(tarSize(entries)).toBe(await packedBytes(entries));
		}
	});

	test('an empty tree is the two closing blocks; ustar holds ASCII names up to its limits', () => {
		expect(tarSize([])).toBe(1024);
		expect(fitsUstar('a'.repeat(100))).toBe(true);
		expect(fitsUstar('a'.repeat(101))).toBe(false);
		expect(fitsUstar(`${'p'.repeat(155)}/${'n'.repeat(100)}`)).toBe(true);
		expect(fitsUstar(`${'p'.repeat(156)}/${'n'.repeat(100)}`)).toBe(false);
		expect(fitsUstar('é')).toBe(false);
	});
});

describe('entryPath', () => {
	test.each([
		['album/a/b.txt', ['a', 'b.txt']],
		['album/', []],
		['./album/./x', ['x']],
		['album/.bashrc', ['bashrc']],
		['album/e\u0301', ['\u00e9']],
		['album/a\u001b[31mred', ['ared']],
	])('%j lands at %j', (name, parts) => {
		expect(entryPath(name)).toEqual({parts});
	});

	test.each(['../x', 'album/../../x', '/etc/x', '\\etc\\x', 'C:/x', 'album\\..\\x', ''])('%j is refused', name => {
		expect(entryPath(name)).toMatchObject({refused: 'unsafe-name'});
	});

	test('every accepted path stays inside: no component is empty, "." or ".."', () => {
		fc.assert(
			fc.property(fc.string({unit: 'binary', maxLength: 60}), name => {
				const where = entryPath(name);
				if ('parts' in where) {
					for (const part of where.parts) expect(['', '.', '..']).not.toContain(part);
					for (const part of where.parts) expect(part).not.toMatch(/[/\\]/);
				}
			}),
			{numRuns: 2000},
		);
	});
});

test('a folder is offered as NAME.tar and received as NAME, both safe names', () => {
	expect(folderOfferName('photos 2026')).toBe('photos 2026.tar');
	expect(folderNameOf('photos 2026.tar')).toBe('photos 2026');
	expect(folderNameOf('../../etc.tar')).toBe('etc');
	expect(folderOfferName('..')).toBe('file.tar');
});
