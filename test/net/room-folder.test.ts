/**
 * Each room a host keeps has a folder of its own, named by its key's fingerprint, with a manifest
 * that says whether it is private (net/room-folder.ts): a host started again on the same port and
 * privacy goes on with the same room; a private room is the one its secret opens.
 */
import {mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {IDENTITY_FILE, loadOrCreateIdentity, parseIdentityFile} from '../../source/net/hub-identity-file.js';
import {MANIFEST_FILE, openRoomFolder, OtherSecretError, ROOMS_DIR, type OpenedRoom} from '../../source/net/room-folder.js';
import {RoomStore} from '../../source/net/room-store.js';
import {identityFingerprint} from '../../source/protocol/secure/identity.js';

const folders: string[] = [];
const opened: RoomStore[] = [];

afterEach(async () => {
	for (const store of opened.splice(0)) await store.close();
	for (const folder of folders.splice(0)) await rm(folder, {recursive: true, force: true});
});

async function dataDir(): Promise<string> {
	const made = await mkdtemp(path.join(tmpdir(), 'room-folder-'));
	folders.push(made);
	return made;
}

async function start(data: string, want: {port: number; secret?: string; fresh?: boolean}): Promise<OpenedRoom> {
	const room = await openRoomFolder(data, want);
	opened.push(room.store);
	return room;
}

async function say(room: OpenedRoom, seq: number, text: string): Promise<void> {
	room.store.append(JSON.stringify({seq, k: 'msg', from: 'ann', text}));
	await room.store.commit();
}

async function stop(room: OpenedRoom): Promise<void> {
	opened.splice(opened.indexOf(room.store), 1);
	await room.store.close();
}

const texts = (room: OpenedRoom) => room.store.events.map(json => (JSON.parse(json) as {text: string}).text);
const modeOf = async (where: string) => ((await stat(where)).mode & 0o777).toString(8);

describe('the folder of a room is named by its key', () => {
	test('a new room: rooms/FINGERPRINT with its key, a manifest that says it is open, all private to the owner', async () => {
		const data = await dataDir();
		const room = await start(data, {port: 9999});
		expect(room.created).toBe(true);
		const dir = room.store.dir;
		expect(path.dirname(dir)).toBe(path.join(data, ROOMS_DIR));
		const key = parseIdentityFile(IDENTITY_FILE, await readFile(path.join(dir, IDENTITY_FILE)));
		expect(path.basename(dir)).toBe(identityFingerprint(key.publicKey));
		const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as Record<string, unknown>;
		expect(manifest).toMatchObject({format: 1, fingerprint: path.basename(dir), private: false, port: 9999});
		expect(room.manifest).toEqual(manifest);
		// Nothing half-made is left beside it.
		expect(await readdir(path.join(data, ROOMS_DIR))).toEqual([path.basename(dir)]);
		if (process.platform !== 'win32') {
			expect(await modeOf(path.join(data, ROOMS_DIR))).toBe('700');
			expect(await modeOf(dir)).toBe('700');
			expect(await modeOf(path.join(dir, MANIFEST_FILE))).toBe('600');
			expect(await modeOf(path.join(dir, IDENTITY_FILE))).toBe('600');
		}
	});

	test('started again on the same port, the host goes on with the same room: key and history', async () => {
		const data = await dataDir();
		const first = await start(data, {port: 9999});
		await say(first, 1, 'hello');
		await stop(first);
		const again = await start(data, {port: 9999});
		expect(again.created).toBe(false);
		expect(again.store.dir).toBe(first.store.dir);
		expect(texts(again)).toEqual(['hello']);
		expect(again.manifest.used >= first.manifest.used).toBe(true);
		// Another port is another room.
		const other = await start(data, {port: 7777});
		expect(other.created).toBe(true);
		expect(other.store.dir).not.toBe(first.store.dir);
	});

	test('a private room and an open room on one port are two rooms; the open one never opens the private history', async () => {
		const data = await dataDir();
		const secret = await start(data, {port: 9999, secret: 'correct horse'});
		expect(secret.manifest.private).toBe(true);
		await say(secret, 1, 'the vault code is 4711');
		await stop(secret);

		const open = await start(data, {port: 9999});
		expect(open.created).toBe(true);
		expect(open.manifest.private).toBe(false);
		expect(open.store.dir).not.toBe(secret.store.dir);
		expect(texts(open)).toEqual([]);
		await stop(open);

		const back = await start(data, {port: 9999, secret: 'correct horse'});
		expect(back.store.dir).toBe(secret.store.dir);
		expect(texts(back)).toEqual(['the vault code is 4711']);
	});

	test('another secret on the port is refused with the kept key named; --new-room makes a second private room, and each secret opens its own', async () => {
		const data = await dataDir();
		const first = await start(data, {port: 9999, secret: 'correct horse'});
		await say(first, 1, 'for the first room');
		await stop(first);

		const refused = openRoomFolder(data, {port: 9999, secret: 'battery staple'});
		await expect(refused).rejects.toBeInstanceOf(OtherSecretError);
		await expect(refused).rejects.toThrow(first.manifest.fingerprint);
		await expect(refused).rejects.toThrow('--new-room');
		// Refused, and nothing made: still one room.
		expect(await readdir(path.join(data, ROOMS_DIR))).toEqual([first.manifest.fingerprint]);

		const second = await start(data, {port: 9999, secret: 'battery staple', fresh: true});
		expect(second.created).toBe(true);
		expect(second.manifest.fingerprint).not.toBe(first.manifest.fingerprint);
		await say(second, 1, 'for the second room');
		await stop(second);

		const one = await start(data, {port: 9999, secret: 'correct horse'});
		expect(one.store.dir).toBe(first.store.dir);
		expect(texts(one)).toEqual(['for the first room']);
		await stop(one);
		const two = await start(data, {port: 9999, secret: 'battery staple'});
		expect(two.store.dir).toBe(second.store.dir);
		expect(texts(two)).toEqual(['for the second room']);
	});

	test('--new-room on an open room makes another, and the host goes on with the newest after that', async () => {
		const data = await dataDir();
		const first = await start(data, {port: 9999});
		await stop(first);
		const fresh = await start(data, {port: 9999, fresh: true});
		expect(fresh.created).toBe(true);
		expect(fresh.store.dir).not.toBe(first.store.dir);
		await stop(fresh);
		const again = await start(data, {port: 9999});
		expect(again.store.dir).toBe(fresh.store.dir);
	});

	test("an older version's room-PORT and room-PORT-private folders move into rooms/, key and history kept", async () => {
		const data = await dataDir();
		const old = path.join(data, 'room-9999');
		const {identity} = await loadOrCreateIdentity(old);
		const fingerprint = identityFingerprint(identity.publicKey);
		await writeFile(path.join(old, 'events.jsonl'), `${JSON.stringify({seq: 1, k: 'msg', from: 'ann', text: 'from before'})}\n`, {mode: 0o600});
		const oldPrivate = path.join(data, 'room-9999-private');
		const oldSecret = await RoomStore.open(oldPrivate, {secret: 'correct horse'});
		oldSecret.append(JSON.stringify({seq: 1, k: 'msg', from: 'ann', text: 'sealed before'}));
		await oldSecret.commit();
		await oldSecret.close();

		const open = await start(data, {port: 9999});
		expect(open.created).toBe(false);
		expect(open.movedFrom).toBe(old);
		expect(open.store.dir).toBe(path.join(data, ROOMS_DIR, fingerprint));
		expect(texts(open)).toEqual(['from before']);
		await expect(stat(old)).rejects.toMatchObject({code: 'ENOENT'});
		// The private folder waits for a private start: an open one leaves it where it is.
		expect((await stat(oldPrivate)).isDirectory()).toBe(true);

		const secret = await start(data, {port: 9999, secret: 'correct horse'});
		expect(secret.movedFrom).toBe(oldPrivate);
		expect(secret.manifest.private).toBe(true);
		expect(texts(secret)).toEqual(['sealed before']);
	});

	test('folders that are not rooms of ours are left alone: no manifest, a junk one, or one naming another key', async () => {
		const data = await dataDir();
		const rooms = path.join(data, ROOMS_DIR);
		await mkdir(path.join(rooms, 'notes'), {recursive: true});
		await mkdir(path.join(rooms, 'junk'));
		await writeFile(path.join(rooms, 'junk', MANIFEST_FILE), '{"format": 1, "private": false, "port": 9999');
		const real = await start(data, {port: 9999});
		await stop(real);
		const copy = path.join(rooms, 'copy-of-it');
		await mkdir(copy);
		await writeFile(path.join(copy, MANIFEST_FILE), await readFile(path.join(real.store.dir, MANIFEST_FILE)));

		const again = await start(data, {port: 9999});
		expect(again.store.dir).toBe(real.store.dir);
		expect((await readdir(rooms)).sort()).toEqual([path.basename(real.store.dir), 'copy-of-it', 'junk', 'notes'].sort());
		expect(await readdir(path.join(rooms, 'notes'))).toEqual([]);
	});
});
