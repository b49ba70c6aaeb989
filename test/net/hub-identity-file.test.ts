import {chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {formatIdentityFile, IDENTITY_FILE, loadOrCreateIdentity} from '../../source/net/hub-identity-file.js';
import {identityFromSecretKey} from '../../source/protocol/secure/identity.js';
import type {RandomSource} from '../../source/protocol/secure/random.js';

let work: string;

beforeEach(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'hub-identity-'));
});

afterEach(async () => {
	await rm(work, {recursive: true, force: true});
});

const mode = async (where: string) => (await stat(where)).mode & 0o777;
const fixed = (byte: number): RandomSource => n => new Uint8Array(n).fill(byte);

test('the first call makes the key, later calls read the same key back', async () => {
	const dir = path.join(work, 'rooms', '4000');
	const first = await loadOrCreateIdentity(dir);
	expect(first.created).toBe(true);
	const again = await loadOrCreateIdentity(dir);
	expect(again.created).toBe(false);
	expect(again.identity.publicKey).toEqual(first.identity.publicKey);
	expect(again.identity.secretKey).toEqual(first.identity.secretKey);
	expect(await readdir(dir)).toEqual([IDENTITY_FILE]);
});

test('the file is one versioned line: the secret key in base64', async () => {
	const {identity} = await loadOrCreateIdentity(work, fixed(7));
	const text = await readFile(path.join(work, IDENTITY_FILE), 'utf8');
	expect(text).toBe(`socket-chat-tui identity v1 ${Buffer.alloc(32, 7).toString('base64')}\n`);
	expect(identity).toEqual(identityFromSecretKey(new Uint8Array(32).fill(7)));
});

test('the key file is 0600 and the folders made for it 0700', async () => {
	const dir = path.join(work, 'data', 'rooms', '4000');
	await loadOrCreateIdentity(dir);
	expect(await mode(path.join(dir, IDENTITY_FILE))).toBe(0o600);
	expect(await mode(dir)).toBe(0o700);
	expect(await mode(path.join(work, 'data'))).toBe(0o700);
});

test('a key file that group or others may read is given mode 0600 and still used', async () => {
	const file = path.join(work, IDENTITY_FILE);
	const stored = identityFromSecretKey(new Uint8Array(32).fill(3));
	await writeFile(file, formatIdentityFile(stored), {mode: 0o644});
	await chmod(file, 0o644);
	const {identity, created} = await loadOrCreateIdentity(work);
	expect(created).toBe(false);
	expect(identity.publicKey).toEqual(stored.publicKey);
	expect(await mode(file)).toBe(0o600);
});

describe('a key file that is not one is an error naming it, and is left as it was', () => {
	const key = Buffer.alloc(32, 9).toString('base64');
	const cases: Array<[string, string, RegExp]> = [
		['empty', '', /does not start with/],
		['another program', 'ssh-ed25519 AAAA\n', /does not start with/],
		['another header', `socket-chat identity v1 ${key}\n`, /does not start with/],
		['a later format', `socket-chat-tui identity v2 ${key}\n`, /format v2/],
		['a short key', `socket-chat-tui identity v1 ${Buffer.alloc(31, 9).toString('base64')}\n`, /31 bytes, not 32/],
		['a long key', `socket-chat-tui identity v1 ${Buffer.alloc(33, 9).toString('base64')}\n`, /33 bytes, not 32/],
		['not base64', `socket-chat-tui identity v1 ${key.slice(0, -2)}*=\n`, /not valid base64/],
		['a second line', `socket-chat-tui identity v1 ${key}\nmore\n`, /does not start with/],
		['too long', 'x'.repeat(5000), /too long/],
	];
	test.each(cases)('%s', async (_name, content, why) => {
		const file = path.join(work, IDENTITY_FILE);
		await writeFile(file, content, {mode: 0o600});
		const error = loadOrCreateIdentity(work);
		await expect(error).rejects.toThrow(why);
		await expect(error).rejects.toThrow(file);
		expect(await readFile(file, 'utf8')).toBe(content);
		expect(await readdir(work)).toEqual([IDENTITY_FILE]);
	});
});

test('a symbolic link in place of the key file is refused, not followed', async () => {
	const elsewhere = path.join(work, 'elsewhere.key');
	await writeFile(elsewhere, formatIdentityFile(identityFromSecretKey(new Uint8Array(32).fill(1))));
	await mkdir(path.join(work, 'room'));
	await symlink(elsewhere, path.join(work, 'room', IDENTITY_FILE));
	await expect(loadOrCreateIdentity(path.join(work, 'room'))).rejects.toThrow(/symbolic link/);
});

test('calls racing on a fresh folder all end with one key, made by exactly one of them', async () => {
	const dir = path.join(work, 'fresh');
	let drawn = 0;
	// Each call draws a different key, so a key replaced after another call returned it would show.
	const random: RandomSource = n => new Uint8Array(n).fill(++drawn);
	const results = await Promise.all(Array.from({length: 8}, async () => loadOrCreateIdentity(dir, random)));
	expect(drawn).toBeGreaterThan(1); // The race did happen: several calls made a key.
	expect(results.filter(result => result.created)).toHaveLength(1);
	const onDisk = await loadOrCreateIdentity(dir);
	for (const {identity} of results) expect(identity.publicKey).toEqual(onDisk.identity.publicKey);
	expect(await readdir(dir)).toEqual([IDENTITY_FILE]);
});
