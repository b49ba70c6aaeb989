/**
 * A private room's history on disk: sealed under a key from its secret, opened only with that
 * secret, and never served by an open room started later on the same port and data folder.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {HistoryKeyError, RoomStore} from '../../source/net/room-store.js';
import {runCli, type CliProcess} from '../helpers/cli-process.js';
import {freeUdpPort} from '../helpers/free-port.js';
import {waitFor} from '../helpers/wait-for.js';

const folders: string[] = [];
const running: CliProcess[] = [];

afterEach(async () => {
	for (const process of running.splice(0)) process.child.kill('SIGKILL');
	for (const folder of folders.splice(0)) await rm(folder, {recursive: true, force: true});
});

async function folder(): Promise<string> {
	const made = await mkdtemp(path.join(tmpdir(), 'history-'));
	folders.push(made);
	return made;
}

test("a private room's history is sealed on disk, and opens only with its secret", async () => {
	const dir = await folder();
	const store = await RoomStore.open(dir, {secret: 'correct horse'});
	store.append(JSON.stringify({k: 'dm', seq: 1, time: 1, from: 'alice', to: 'bob', text: 'the vault code is 4711'}));
	store.append(JSON.stringify({k: 'msg', seq: 2, time: 2, from: 'alice', text: 'lunch at noon'}));
	await store.close();
	const onDisk = await readFile(path.join(dir, 'events.jsonl'), 'utf8') + (await readFile(path.join(dir, 'meta.json'), 'utf8'));
	for (const text of ['4711', 'lunch', 'alice', 'bob', '"seq"']) {
		expect(onDisk).not.toContain(text);
	}

	const again = await RoomStore.open(dir, {secret: 'correct horse'});
	expect(again.events.map(json => (JSON.parse(json) as {text: string}).text)).toEqual(['the vault code is 4711', 'lunch at noon']);
	expect(again.lastSeq).toBe(2);
	await again.close();
	await expect(RoomStore.open(dir, {secret: 'wrong horse'})).rejects.toBeInstanceOf(HistoryKeyError);
	await expect(RoomStore.open(dir)).rejects.toBeInstanceOf(HistoryKeyError);
	// Refused, not reset: the right secret still opens all of it.
	const last = await RoomStore.open(dir, {secret: 'correct horse'});
	expect(last.events).toHaveLength(2);
	await last.close();
});

test("an open room started later on the same port and data folder serves none of a private room's history", async () => {
	const dataDir = await folder();
	const port = await freeUdpPort();
	const host = (extra: string[]) => {
		const started = runCli(['--host', '--bind', '127.0.0.1', '--port', String(port), '--transfer-port', '0', '--data-dir', dataDir, '--name', 'hostess', '--json', ...extra]);
		running.push(started);
		return started;
	};

	const secretFile = path.join(dataDir, 'secret.txt');
	const {writeFile} = await import('node:fs/promises');
	await writeFile(secretFile, 'hunter2\n', {mode: 0o600});
	const first = host(['--secret-file', secretFile]);
	await waitFor(() => first.json().some(event => event.type === 'welcome'), {what: () => `the private host up: ${first.stderr}`});
	first.child.stdin.write('a private line\n');
	await waitFor(() => first.json().some(event => event.type === 'message' && event.text === 'a private line'), {what: 'the line stamped'});
	first.child.stdin.end();
	expect(await first.exited(20_000)).toBe(0);

	const second = host([]);
	const welcome = await waitFor(() => second.json().find(event => event.type === 'welcome'), {what: () => `the open host up: ${second.stderr}`});
	expect(JSON.stringify(welcome)).not.toContain('a private line');
	expect(second.stdout).not.toContain('a private line');
	second.child.stdin.end();
	await second.exited(20_000);
});

test('a second private room on one port: refused with the kept key and what to do, then --new-room gives it a key and a history of its own', async () => {
	const dataDir = await folder();
	const port = await freeUdpPort();
	const {writeFile} = await import('node:fs/promises');
	const secretFile = async (name: string, secret: string) => {
		const file = path.join(dataDir, name);
		await writeFile(file, `${secret}\n`, {mode: 0o600});
		return file;
	};

	const host = async (secret: string, extra: string[] = []) => {
		const started = runCli(['--host', '--headless', '--bind', '127.0.0.1', '--port', String(port), '--transfer-port', '0', '--data-dir', dataDir, '--json', '--secret-file', secret, ...extra]);
		running.push(started);
		return started;
	};

	const first = await host(await secretFile('one.txt', 'correct horse'));
	const firstKey = (await waitFor(() => first.json().find(event => event.type === 'hosting'), {what: () => `the first host up: ${first.stderr}`})).fingerprint as string;
	first.child.kill('SIGINT');
	await first.exited(20_000);

	const other = await secretFile('two.txt', 'battery staple');
	const refused = await host(other);
	expect(await refused.exited(20_000)).toBe(1);
	expect(refused.stderr).toContain(firstKey);
	expect(refused.stderr).toContain('--new-room');

	const second = await host(other, ['--new-room']);
	const secondKey = (await waitFor(() => second.json().find(event => event.type === 'hosting'), {what: () => `the second host up: ${second.stderr}`})).fingerprint as string;
	expect(secondKey).not.toBe(firstKey);
	second.child.kill('SIGINT');
	await second.exited(20_000);
	// Each secret goes on with its own room, without --new-room.
	const again = await host(other);
	expect((await waitFor(() => again.json().find(event => event.type === 'hosting'), {what: () => `the second room again: ${again.stderr}`})).fingerprint).toBe(secondKey);
});
