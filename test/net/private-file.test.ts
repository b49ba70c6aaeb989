import {chmod, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {afterEach, beforeEach, expect, test} from 'vitest';
import {withFileLock} from '../../source/net/file-lock.js';
import {createPrivateFile, makePrivateDir, readPrivateFile, writePrivateFile} from '../../source/net/private-file.js';

let work: string;

beforeEach(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'private-file-'));
});

afterEach(async () => {
	await rm(work, {recursive: true, force: true});
});

const mode = async (where: string) => (await stat(where)).mode & 0o777;

test('makePrivateDir makes every missing folder 0700', async () => {
	await makePrivateDir(path.join(work, 'a', 'b'));
	expect(await mode(path.join(work, 'a'))).toBe(0o700);
	expect(await mode(path.join(work, 'a', 'b'))).toBe(0o700);
});

test('writePrivateFile replaces a file atomically with one of mode 0600, leaving no temporary file', async () => {
	const file = path.join(work, 'pins.json');
	await writeFile(file, 'old', {mode: 0o644});
	await chmod(file, 0o644);
	await writePrivateFile(file, 'new');
	expect(await readFile(file, 'utf8')).toBe('new');
	expect(await mode(file)).toBe(0o600);
	expect(await readdir(work)).toEqual(['pins.json']);
});

test('private files are 0600 whatever the umask', async () => {
	const umask = process.umask(0o377);
	try {
		await writePrivateFile(path.join(work, 'written'), 'x');
		await createPrivateFile(path.join(work, 'created'), 'x');
	} finally {
		process.umask(umask);
	}

	expect(await mode(path.join(work, 'written'))).toBe(0o600);
	expect(await mode(path.join(work, 'created'))).toBe(0o600);
});

test('createPrivateFile creates a 0600 file once and never replaces it', async () => {
	const file = path.join(work, 'identity.key');
	expect(await createPrivateFile(file, 'first')).toBe(true);
	expect(await mode(file)).toBe(0o600);
	expect(await createPrivateFile(file, 'second')).toBe(false);
	expect(await readFile(file, 'utf8')).toBe('first');
	expect(await readdir(work)).toEqual(['identity.key']);
});

test('createPrivateFile racing with itself: exactly one wins and its content is whole', async () => {
	const file = path.join(work, 'identity.key');
	const contents = Array.from({length: 8}, (_, n) => `${n}`.repeat(10_000));
	const won = await Promise.all(contents.map(async content => createPrivateFile(file, content)));
	expect(won.filter(Boolean)).toHaveLength(1);
	expect(await readFile(file, 'utf8')).toBe(contents[won.indexOf(true)]);
	expect(await readdir(work)).toEqual(['identity.key']);
});

test('readPrivateFile: undefined for no file, and tightens a readable one to 0600', async () => {
	const file = path.join(work, 'f');
	expect(await readPrivateFile(file)).toBeUndefined();
	await writeFile(file, 'x');
	await chmod(file, 0o664);
	expect((await readPrivateFile(file))?.toString()).toBe('x');
	expect(await mode(file)).toBe(0o600);
	await expect(readPrivateFile(work)).rejects.toThrow(/not a plain file/);
});

test('withFileLock runs one task at a time and releases the lock however a task ends', async () => {
	const lock = path.join(work, 'f.lock');
	let inside = 0;
	let most = 0;
	const task = async (fail: boolean) => withFileLock(lock, async () => {
		most = Math.max(most, ++inside);
		await delay(5);
		inside--;
		if (fail) throw new Error('task failed');
		return 'done';
	}, {retryMs: 1});
	const results = await Promise.allSettled(Array.from({length: 6}, async (_, n) => task(n % 2 === 0)));
	expect(most).toBe(1);
	expect(results.map(result => result.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
	expect(await readdir(work)).toEqual([]);
});

test('withFileLock removes a lock abandoned long ago at once', async () => {
	const lock = path.join(work, 'f.lock');
	await writeFile(lock, '12345\n');
	const old = new Date(Date.now() - 120_000);
	await utimes(lock, old, old);
	expect(await withFileLock(lock, async () => 'ran', {staleMs: 60_000, retryMs: 1})).toBe('ran');
	expect(await readdir(work)).toEqual([]);
});

test('withFileLock waits on a recent lock until it counts as abandoned', async () => {
	const lock = path.join(work, 'f.lock');
	await writeFile(lock, '12345\n');
	const started = Date.now();
	expect(await withFileLock(lock, async () => 'ran', {staleMs: 150, retryMs: 5})).toBe('ran');
	expect(Date.now() - started).toBeGreaterThanOrEqual(140);
});

test('withFileLock gives up, naming the lock, when it stays held', async () => {
	const lock = path.join(work, 'f.lock');
	await writeFile(lock, '12345\n');
	const holder = setInterval(() => {
		const now = new Date();
		void utimes(lock, now, now).catch(() => undefined);
	}, 5);
	try {
		await expect(withFileLock(lock, async () => 'ran', {staleMs: 60, retryMs: 5})).rejects.toThrow(`${lock} stays locked`);
	} finally {
		clearInterval(holder);
	}
});
