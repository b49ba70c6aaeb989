import {lstat, mkdir, readdir, readFile, symlink, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {downloadFile, uploadFile} from '../../source/net/transfer-client.js';
import type {TransferServer} from '../../source/net/transfer-server.js';
import {aliceToken, bobToken, Scratch, sha256File, startServer, within} from './transfer-helpers.js';

const scratch = new Scratch();
let server: TransferServer;
let endpoint: {host: string; port: number; token: string};
let parent: string;
let offer: {id: string; size: number; sha256: string};

beforeEach(async () => {
	const started = await startServer();
	server = started.server;
	endpoint = {host: '127.0.0.1', port: started.port, token: bobToken};
	parent = await scratch.dir();
	const source = path.join(parent, 'source');
	await mkdir(source);
	await writeFile(path.join(source, 'payload.txt'), 'the payload\n');
	offer = await uploadFile({host: '127.0.0.1', port: started.port, token: aliceToken, path: path.join(source, 'payload.txt')});
});

afterEach(async () => {
	await server.close();
	await scratch.cleanup();
});

async function fetchAs(name: string, dir: string) {
	return within(10_000, downloadFile({...endpoint, id: offer.id, dir, name, size: offer.size, sha256: offer.sha256}));
}

describe('received file names', () => {
	test.each([
		['../../etc/passwd', 'passwd'],
		['/abs/path', 'path'],
		['C:\\x', 'x'],
		['C:x', 'C_x'],
		['\\\\server\\share\\evil.txt', 'evil.txt'],
		['a\u001B[31mred', 'ared'],
		['\u001B]0;owned\u0007title.txt', 'title.txt'],
		['CON.txt', '_CON.txt'],
		['nul', '_nul'],
		['lpt9.tar.gz', '_lpt9.tar.gz'],
		['..', 'file'],
		['.', 'file'],
		['', 'file'],
		['x\u202Egnp.exe', 'x_gnp.exe'],
		['..／..／etc／passwd', '_.._etc_passwd'],
		['name. . ', 'name'],
		['.bashrc', 'bashrc'],
		['-rf', '_rf'],
		['nul\u0000byte', 'nul_byte'],
		['e\u0301t\u00E9.txt', '\u00E9t\u00E9.txt'],
	])('%j lands inside the download folder as %j', async (hostile, expected) => {
		const dir = path.join(parent, 'downloads');
		const got = await fetchAs(hostile, dir);
		expect(path.dirname(got.path)).toBe(dir);
		expect(path.basename(got.path)).toBe(expected);
		expect(await sha256File(got.path)).toBe(offer.sha256);
		expect((await readdir(parent)).sort()).toEqual(['downloads', 'source']);
		expect(await readdir(dir)).toEqual([expected]);
	});

	test.each([
		['300 ASCII characters', `${'a'.repeat(300)}.txt`],
		['300 three-byte characters', `${'\u6587'.repeat(300)}.txt`],
		['300 emoji', `${'\u{1F600}'.repeat(300)}.txt`],
	])('a name of %s is cut to 255 bytes, keeping the extension', async (_, hostile) => {
		const dir = path.join(parent, 'downloads');
		const got = await fetchAs(hostile, dir);
		const base = path.basename(got.path);
		expect(Buffer.byteLength(base)).toBeLessThanOrEqual(255);
		expect(base.endsWith('.txt')).toBe(true);
		expect(base).not.toContain('\uFFFD');
		expect(await readdir(dir)).toEqual([base]);
	});

	test('a taken name is never overwritten: name (1).ext, name (2).ext', async () => {
		const dir = path.join(parent, 'downloads');
		await mkdir(dir);
		await writeFile(path.join(dir, 'report.txt'), 'mine');
		const first = await fetchAs('report.txt', dir);
		const second = await fetchAs('report.txt', dir);
		expect([first.path, second.path].map((where) => path.basename(where))).toEqual(['report (1).txt', 'report (2).txt']);
		expect(await readFile(path.join(dir, 'report.txt'), 'utf8')).toBe('mine');
	});

	test('concurrent downloads of one name each get their own file', async () => {
		const dir = path.join(parent, 'downloads');
		const all = await Promise.all([1, 2, 3, 4].map(async () => fetchAs('same.txt', dir)));
		expect(all.map((got) => path.basename(got.path)).sort()).toEqual(['same (1).txt', 'same (2).txt', 'same (3).txt', 'same.txt']);
	});

	test('a symlink named like the target is not followed', async () => {
		const dir = path.join(parent, 'downloads');
		await mkdir(dir);
		const outside = path.join(parent, 'victim.txt');
		await writeFile(outside, 'precious');
		await symlink(outside, path.join(dir, 'report.txt'));
		await symlink(path.join(parent, 'nowhere.txt'), path.join(dir, 'report (1).txt'));
		const got = await fetchAs('report.txt', dir);
		expect(path.basename(got.path)).toBe('report (2).txt');
		expect(await readFile(outside, 'utf8')).toBe('precious');
		expect((await readdir(parent)).sort()).toEqual(['downloads', 'source', 'victim.txt']);
		expect((await lstat(path.join(dir, 'report.txt'))).isSymbolicLink()).toBe(true);
	});

	test('a symlink in place of the partial file is replaced, not followed', async () => {
		const dir = path.join(parent, 'downloads');
		await mkdir(dir);
		const outside = path.join(parent, 'victim.txt');
		await writeFile(outside, 'precious');
		await symlink(outside, path.join(dir, `.${offer.id}.part`));
		const got = await fetchAs('report.txt', dir);
		expect(await sha256File(got.path)).toBe(offer.sha256);
		expect(await readFile(outside, 'utf8')).toBe('precious');
		expect(await readdir(dir)).toEqual(['report.txt']);
	});
});
