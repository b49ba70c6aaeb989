import {symlinkSync} from 'node:fs';
import {mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import {afterEach, beforeEach, expect, test} from 'vitest';
import {FolderExtractor, placeFolder} from '../../source/net/folder-extract.js';
import {packFolder} from '../../source/net/folder-pack.js';
import {scanFolder} from '../../source/net/folder-scan.js';

let work: string;

beforeEach(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'folder-extract-'));
});

afterEach(async () => {
	await rm(work, {recursive: true, force: true});
});

type Item = {header: tar.Header | (Partial<tar.Header> & {name: string}); body?: string};

async function archive(items: readonly Item[]): Promise<Buffer[]> {
	const pack = tar.pack();
	for (const {header, body} of items) pack.entry(header, body ?? '');
	pack.finalize();
	const chunks: Buffer[] = [];
	for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
	return chunks;
}

async function extract(chunks: readonly Buffer[], root: string): Promise<FolderExtractor> {
	const extractor = new FolderExtractor(root);
	for (const chunk of chunks) await extractor.push(chunk);
	await extractor.end();
	return extractor;
}

async function listing(dir: string): Promise<string[]> {
	return (await readdir(dir, {recursive: true})).map(String).sort();
}

test('a hostile archive: nothing lands outside the folder, nothing is overwritten, every refusal is listed', async () => {
	const outside = path.join(work, 'outside');
	await mkdir(outside);
	await writeFile(path.join(outside, 'victim'), 'untouched');
	const chunks = await archive([
		{header: {name: 'album/', type: 'directory'}},
		{header: {name: '../x', type: 'file'}, body: 'dotdot'},
		{header: {name: 'album/../../x', type: 'file'}, body: 'dotdot2'},
		{header: {name: '/etc/x', type: 'file'}, body: 'absolute'},
		{header: {name: path.join(outside, 'victim'), type: 'file'}, body: 'absolute2'},
		{header: {name: 'album/ln', type: 'symlink', linkname: outside}},
		{header: {name: 'album/ln/victim', type: 'file'}, body: 'through the symlink'},
		{header: {name: 'album/hard', type: 'link', linkname: path.join(outside, 'victim')}},
		{header: {name: 'album/tty', type: 'character-device', devmajor: 5, devminor: 0}},
		{header: {name: 'album/fifo', type: 'fifo'}},
		{header: {name: 'album/same.txt', type: 'file'}, body: 'first'},
		{header: {name: 'album/same.txt', type: 'file'}, body: 'second'},
		{header: {name: 'album/same.txt/under', type: 'file'}, body: 'file as folder'},
		{header: {name: 'album', type: 'file'}, body: 'file in place of the root'},
		{header: {name: 'album/ok/fine.txt', type: 'file'}, body: 'fine'},
	]);
	const root = path.join(work, 'downloads', '.k3xq7a2m.folder');
	await mkdir(path.dirname(root));
	const extractor = await extract(chunks, root);
	expect(await listing(path.join(work, 'downloads'))).toEqual([
		'.k3xq7a2m.folder',
		'.k3xq7a2m.folder/ln',
		'.k3xq7a2m.folder/ln/victim',
		'.k3xq7a2m.folder/ok',
		'.k3xq7a2m.folder/ok/fine.txt',
		'.k3xq7a2m.folder/same.txt',
	]);
	// "ln" became a real folder (the symlink entry was skipped), so its file stayed inside.
	expect(await readFile(path.join(root, 'ln', 'victim'), 'utf8')).toBe('through the symlink');
	expect(await readFile(path.join(root, 'same.txt'), 'utf8')).toBe('first');
	expect(await readFile(path.join(outside, 'victim'), 'utf8')).toBe('untouched');
	expect(await listing(outside)).toEqual(['victim']);
	expect(await listing(work)).not.toContain('x');
	expect(extractor.leftOut.map(({why, detail}) => `${why}: ${detail}`)).toEqual([
		'unsafe-name: a ".." in its path',
		'unsafe-name: a ".." in its path',
		'unsafe-name: an absolute path',
		'unsafe-name: an absolute path',
		'not-a-file: a symlink entry',
		'not-a-file: a link entry',
		'not-a-file: a character-device entry',
		'not-a-file: a fifo entry',
		'duplicate: the same name came twice',
		'duplicate: a file stands where its folder would be',
		'unsafe-name: a file in place of the folder',
	]);
	expect(extractor.filesDone).toBe(3);
});

test('a symlink planted inside the folder while it is extracted is not followed', async () => {
	const outside = path.join(work, 'outside');
	await mkdir(outside);
	const root = path.join(work, 'target');
	// Planted the moment the first file is written, before the next entry is read.
	const extractor = new FolderExtractor(root, done => {
		if (done === 1) symlinkSync(outside, path.join(root, 'planted'));
	});
	const chunks = await archive([
		{header: {name: 'album/', type: 'directory'}},
		{header: {name: 'album/a.txt', type: 'file'}, body: 'a'},
		{header: {name: 'album/planted/evil', type: 'file'}, body: 'evil'},
		{header: {name: 'album/b.txt', type: 'file'}, body: 'b'},
	]);
	for (const chunk of chunks) await extractor.push(chunk);
	await extractor.end();
	expect(await listing(outside)).toEqual([]);
	expect(extractor.leftOut.map(entry => entry.why)).toEqual(['duplicate']);
	expect(extractor.filesDone).toBe(2);
});

test('a truncated archive fails as a bad archive', async () => {
	const chunks = await archive([{header: {name: 'album/a.txt', type: 'file'}, body: 'x'.repeat(2000)}]);
	const whole = Buffer.concat(chunks);
	await expect(extract([whole.subarray(0, 1000)], path.join(work, 't'))).rejects.toThrow(/not a valid tar|unexpected end/i);
});

test('the extracted folder takes a free name; an existing one is never overwritten', async () => {
	const dir = path.join(work, 'downloads');
	await mkdir(path.join(dir, 'album'), {recursive: true});
	await writeFile(path.join(dir, 'album', 'mine'), 'mine');
	await symlink(work, path.join(dir, 'album (1)'));
	await mkdir(path.join(dir, '.id.folder'));
	await writeFile(path.join(dir, '.id.folder', 'new'), 'new');
	expect(await placeFolder(dir, path.join(dir, '.id.folder'), 'album')).toBe(path.join(dir, 'album (2)'));
	expect(await listing(path.join(dir, 'album'))).toEqual(['mine']);
	expect(await readFile(path.join(dir, 'album (2)', 'new'), 'utf8')).toBe('new');
});

test('a file that changes size after the folder was listed fails the archive clearly', async () => {
	const root = path.join(work, 'album');
	await mkdir(root);
	await writeFile(path.join(root, 'grows.txt'), 'abc');
	await writeFile(path.join(root, 'shrinks.txt'), 'abcdef');
	const scan = await scanFolder(root);
	expect(scan.files).toBe(2);
	await writeFile(path.join(root, 'grows.txt'), 'abcdef');
	const drain = async () => {
		for await (const _ of packFolder(scan));
	};

	await expect(drain()).rejects.toThrow(/grows\.txt changed size while it was being sent \(3 bytes when listed, 6 now\)/);
	await writeFile(path.join(root, 'grows.txt'), 'abc');
	await truncate(path.join(root, 'shrinks.txt'), 2);
	await expect(drain()).rejects.toThrow(/shrinks\.txt changed size/);
});

test('10,000 small files are listed and packed file by file (the archive size is exact)', async () => {
	const root = path.join(work, 'many');
	await mkdir(root);
	for (let batch = 0; batch < 100; batch++) {
		const folder = path.join(root, `d${batch}`);
		await mkdir(folder);
		await Promise.all(Array.from({length: 100}, async (_, index) => writeFile(path.join(folder, `f${index}.txt`), `${batch}:${index}`)));
	}

	const scan = await scanFolder(root);
	expect(scan.files).toBe(10_000);
	let bytes = 0;
	let files = 0;
	for await (const chunk of packFolder(scan, done => {
		files = done;
	})) bytes += chunk.length;
	expect(bytes).toBe(scan.size);
	expect(files).toBe(10_000);
}, 60_000);
