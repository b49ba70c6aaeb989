import {randomBytes} from 'node:crypto';
import {chmod, mkdir, readdir, stat, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {writeCrashLog} from '../../source/cli/crash-log.js';
import {RoomStore} from '../../source/net/room-store.js';
import {downloadFile, uploadFile} from '../../source/net/transfer-client.js';
import type {TransferServer} from '../../source/net/transfer-server.js';
import {aliceToken, bobToken, Scratch, startServer} from './transfer-helpers.js';

const scratch = new Scratch();
const stores: RoomStore[] = [];
const servers: TransferServer[] = [];

afterEach(async () => {
	await Promise.all(stores.splice(0).map(async (store) => store.close()));
	await Promise.all(servers.splice(0).map(async (server) => server.close()));
	await scratch.cleanup();
});

async function modeOf(where: string): Promise<number> {
	return (await stat(where)).mode & 0o777;
}

async function openStore(dir: string): Promise<RoomStore> {
	const store = await RoomStore.open(dir);
	stores.push(store);
	store.append(JSON.stringify({seq: 1, k: 'dm', from: 'alice', to: 'bob', text: 'only for bob'}));
	await store.commit();
	await store.saveMeta({});
	return store;
}

// Windows has no such modes.
describe.skipIf(process.platform === 'win32')('what the program keeps on disk only its owner may read', () => {
	test('a new room: the data folder and the room folder 0700, the history and the meta 0600', async () => {
		const data = path.join(await scratch.dir(), 'socket-chat-tui');
		const room = path.join(data, 'room-9999');
		await openStore(room);
		expect((await modeOf(data)).toString(8)).toBe('700');
		expect((await modeOf(room)).toString(8)).toBe('700');
		expect((await modeOf(path.join(room, 'events.jsonl'))).toString(8)).toBe('600');
		expect((await modeOf(path.join(room, 'meta.json'))).toString(8)).toBe('600');
	});

	test('a room folder left readable by an older version is narrowed when the room opens', async () => {
		const room = path.join(await scratch.dir(), 'room-9999');
		await mkdir(room);
		await chmod(room, 0o755);
		for (const name of ['events.jsonl', 'meta.json', 'meta.json.tmp']) {
			await writeFile(path.join(room, name), name === 'events.jsonl' ? '' : '{}');
			await chmod(path.join(room, name), 0o644);
		}

		await openStore(room);
		expect((await modeOf(room)).toString(8)).toBe('700');
		expect((await modeOf(path.join(room, 'events.jsonl'))).toString(8)).toBe('600');
		expect((await modeOf(path.join(room, 'meta.json'))).toString(8)).toBe('600');
	});

	test('a crash log is 0600, in a folder made 0700', async () => {
		const data = path.join(await scratch.dir(), 'socket-chat-tui');
		const file = writeCrashLog(data, new Error('boom'));
		expect(path.dirname(file)).toBe(data);
		expect((await modeOf(data)).toString(8)).toBe('700');
		expect((await modeOf(file)).toString(8)).toBe('600');
	});

	test("the host's spool is 0700 with files 0600; a received download keeps the user's usual mode", async () => {
		const work = await scratch.dir();
		const spoolDir = path.join(work, 'spool-parent');
		const {server, port, events} = await startServer({spoolDir});
		servers.push(server);
		const source = path.join(work, 'report.txt');
		await writeFile(source, randomBytes(4096));
		const sent = await uploadFile({host: '127.0.0.1', port, token: aliceToken, path: source});
		await events.next('done', sent.id);
		const [spool] = await readdir(spoolDir);
		expect((await modeOf(path.join(spoolDir, spool!))).toString(8)).toBe('700');
		const spooled = await readdir(path.join(spoolDir, spool!));
		expect(spooled.length).toBe(1);
		expect((await modeOf(path.join(spoolDir, spool!, spooled[0]!))).toString(8)).toBe('600');

		const downloads = path.join(work, 'downloads');
		const got = await downloadFile({host: '127.0.0.1', port, token: bobToken, id: sent.id, dir: downloads, name: sent.name, size: sent.size, sha256: sent.sha256});
		const usual = path.join(downloads, 'usual.txt');
		await writeFile(usual, '');
		expect((await modeOf(got.path)).toString(8)).toBe((await modeOf(usual)).toString(8));
	});
});
