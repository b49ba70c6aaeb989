import {randomBytes} from 'node:crypto';
import {mkdir, readdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {downloadFile} from '../../source/net/transfer-client.js';
import {downloadFolder} from '../../source/net/transfer-client-folder-download.js';
import {uploadFolder} from '../../source/net/transfer-client-folder.js';
import type {TransferServer} from '../../source/net/transfer-server.js';
import {aliceToken, bobToken, cuttingRelay, Scratch, startServer} from './transfer-helpers.js';

const scratch = new Scratch();
let server: TransferServer | undefined;

afterEach(async () => {
	await server?.close();
	await scratch.cleanup();
});

async function offered(): Promise<{port: number; id: string; size: number; sha256: string; dir: string}> {
	const dir = await scratch.dir();
	await mkdir(path.join(dir, 'album', 'sub'), {recursive: true});
	await writeFile(path.join(dir, 'album', 'sub', 'a.txt'), 'a'.repeat(5000));
	const started = await startServer();
	server = started.server;
	const sent = await uploadFolder({host: '127.0.0.1', port: started.port, token: aliceToken, path: path.join(dir, 'album')});
	expect(started.events.log.find(event => event.kind === 'offer')?.detail).toMatchObject({name: 'album.tar', files: 1});
	return {port: started.port, id: sent.id, size: sent.size, sha256: sent.sha256, dir};
}

test('an archive whose sha256 is not the offer\'s leaves nothing in the download folder', async () => {
	const {port, id, size, dir} = await offered();
	const downloads = path.join(dir, 'downloads');
	const wrong = 'f'.repeat(64);
	await expect(downloadFolder({host: '127.0.0.1', port, token: bobToken, id, name: 'album.tar', size, sha256: wrong, files: 1, dir: downloads})).rejects.toMatchObject({kind: 'hash-mismatch'});
	expect(await readdir(downloads)).toEqual([]);
});

test('a folder download cut midway leaves nothing, and the next /get starts over from byte 0 and completes', async () => {
	const dir = await scratch.dir();
	await mkdir(path.join(dir, 'album'), {recursive: true});
	const contents = [randomBytes(200_000), randomBytes(200_000), randomBytes(200_000)];
	for (const [index, bytes] of contents.entries()) await writeFile(path.join(dir, 'album', `f${index}.bin`), bytes);
	const started = await startServer();
	server = started.server;
	const sent = await uploadFolder({host: '127.0.0.1', port: started.port, token: aliceToken, path: path.join(dir, 'album')});
	const relay = await cuttingRelay(started.port, 300_000);
	try {
		const downloads = path.join(dir, 'downloads');
		const request = {host: '127.0.0.1', port: relay.port, token: bobToken, id: sent.id, name: 'album.tar', size: sent.size, sha256: sent.sha256, files: 3, dir: downloads};
		await expect(downloadFolder(request)).rejects.toMatchObject({kind: 'interrupted'});
		expect(await readdir(downloads)).toEqual([]);
		const saved = await downloadFolder(request);
		expect(saved.path).toBe(path.join(downloads, 'album'));
		for (const [index, bytes] of contents.entries()) expect((await readFile(path.join(saved.path, `f${index}.bin`))).equals(bytes)).toBe(true);
		expect(await readdir(downloads)).toEqual(['album']);
		const starts = started.events.log.filter(event => event.kind === 'download').map(event => (event.detail as {offset: number}).offset);
		expect(starts).toEqual([0, 0]);
	} finally {
		await relay.close();
	}
});

test('a member that knows no folders gets the archive as the file NAME.tar', async () => {
	const {port, id, size, sha256, dir} = await offered();
	const saved = await downloadFile({host: '127.0.0.1', port, token: bobToken, id, name: 'album.tar', size, sha256, dir: path.join(dir, 'old')});
	expect(saved.path).toBe(path.join(dir, 'old', 'album.tar'));
	const bytes = await readFile(saved.path);
	expect(bytes.length).toBe(size);
	expect(bytes.subarray(257, 262).toString()).toBe('ustar');
});
