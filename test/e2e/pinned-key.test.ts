/**
 * The hub's key, pinned the way people run it: the real CLI, a host with a data folder, a member
 * that joins twice. A host that comes back with another key (another data folder, or someone
 * posing as it) is refused with what to do; --accept-new-key takes the new key on purpose.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {runCli, type CliProcess} from '../helpers/cli-process.js';
import {freeUdpPort} from '../helpers/free-port.js';
import {waitFor} from '../helpers/wait-for.js';

const running: CliProcess[] = [];
const folders: string[] = [];

afterEach(async () => {
	for (const process of running.splice(0)) process.child.kill('SIGKILL');
	for (const folder of folders.splice(0)) await rm(folder, {recursive: true, force: true});
});

async function folder(name: string): Promise<string> {
	const made = await mkdtemp(path.join(tmpdir(), `${name}-`));
	folders.push(made);
	return made;
}

async function host(port: number, dataDir: string): Promise<CliProcess> {
	const started = runCli(['--host', '--headless', '--bind', '127.0.0.1', '--port', String(port), '--transfer-port', '0', '--data-dir', dataDir, '--json']);
	running.push(started);
	await waitFor(() => started.json().some(event => event.type === 'hosting'), {what: () => `the host to start: ${started.stderr}`});
	return started;
}

async function join(port: number, dataDir: string, extra: string[] = []): Promise<CliProcess> {
	const member = runCli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--data-dir', dataDir, '--json', ...extra]);
	running.push(member);
	member.child.stdin.end('hello\n');
	await member.exited(20_000);
	return member;
}

test('a member pins the host key on its first join and refuses another key later, until --accept-new-key', async () => {
	const port = await freeUdpPort();
	const memberData = await folder('member-data');
	const first = await host(port, await folder('host-a'));
	const joined = await join(port, memberData);
	expect(joined.exitCode, joined.stderr).toBe(0);
	const pins = JSON.parse(await readFile(path.join(memberData, 'known-rooms.json'), 'utf8')) as {rooms: Record<string, unknown>};
	expect(Object.keys(pins.rooms)).toEqual([`127.0.0.1:${port}`]);
	// The same host again: the same key.
	expect((await join(port, memberData)).exitCode).toBe(0);

	first.child.kill('SIGINT');
	await first.exited();
	// Another host on the same address, with another data folder: another key.
	await host(port, await folder('host-b'));
	const refused = await join(port, memberData);
	expect(refused.exitCode).toBe(1);
	const error = refused.json().find(event => event.type === 'error');
	expect(error?.text).toMatch(/different key from the one you pinned/);
	expect(error?.text).toMatch(/posing as the host/);
	expect(error?.text).toContain('--accept-new-key');
	expect(refused.json().some(event => event.type === 'welcome')).toBe(false);

	expect((await join(port, memberData, ['--accept-new-key'])).exitCode).toBe(0);
	// The new key is the pinned one now.
	expect((await join(port, memberData)).exitCode).toBe(0);
});

test("an open room shows its key to compare aloud: the host's and the member's fingerprints agree, and a restart on the same data folder keeps it", async () => {
	const port = await freeUdpPort();
	const hostData = await folder('host-open');
	const first = await host(port, hostData);
	const hosting = first.json().find(event => event.type === 'hosting')!;
	expect(hosting.secret).toBe(false);
	expect(hosting.fingerprint).toMatch(/^[a-km-np-z2-9]{4}(?:-[a-km-np-z2-9]{4}){3}$/);
	const joined = await join(port, await folder('member-open'));
	expect(joined.exitCode, joined.stderr).toBe(0);
	const welcome = joined.json().find(event => event.type === 'welcome')!;
	expect(welcome).toMatchObject({secret: false, fingerprint: hosting.fingerprint});

	first.child.kill('SIGINT');
	await first.exited();
	const again = await host(port, hostData);
	expect(again.json().find(event => event.type === 'hosting')!.fingerprint).toBe(hosting.fingerprint);
	// The room's folder is named by that key.
	const {readdir} = await import('node:fs/promises');
	expect(await readdir(path.join(hostData, 'rooms'))).toEqual([hosting.fingerprint]);
});
