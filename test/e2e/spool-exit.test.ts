/**
 * The README: offered files are kept in a spool folder that is removed when the host exits. The
 * host here runs with a temp folder of its own (TMPDIR), so the test sees exactly its spool: there
 * after a file was offered, gone once the host was told to stop (Ctrl+C's SIGINT, and SIGTERM as a
 * service manager sends it).
 */
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {cliPath, runCli, watchProcess} from '../helpers/cli-process.js';
import {waitFor} from '../helpers/wait-for.js';

const spools = async (folder: string) => (await readdir(folder)).filter(name => name.startsWith('socket-chat-spool-'));

describe('the host\'s spool folder', () => {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		test(`is removed when the host exits on ${signal}, with a file offered in it`, async () => {
			const scratch = await mkdtemp(path.join(tmpdir(), 'spool-exit-'));
			const hostTemp = path.join(scratch, 'host-tmp');
			try {
				await mkdir(hostTemp, {mode: 0o700});
				const data = path.join(scratch, 'data');
				const args = ['--host', '--headless', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--data-dir', data, '--json'];
				const host = watchProcess(spawn(process.execPath, [cliPath, ...args], {stdio: 'pipe', env: {...process.env, TMPDIR: hostTemp, XDG_DATA_HOME: data, FORCE_COLOR: '0'}}), 'host');
				const hosting = await waitFor(() => host.json().find(event => event.type === 'hosting'), {what: () => `hosting: ${host.stderr}`});
				const file = path.join(scratch, 'kept.bin');
				await writeFile(file, randomBytes(256 * 1024));
				const alice = runCli(['--join', `127.0.0.1:${hosting.port as number}`, '--name', 'alice', '--json']);
				await waitFor(() => alice.json().some(event => event.type === 'welcome'), {what: () => `alice welcomed: ${alice.stderr}`});
				alice.child.stdin.write(`/send "${file}"\n`);
				await waitFor(() => alice.json().some(event => event.type === 'offer' && event.from === 'alice' && event.complete === true), {what: () => `alice's offer complete: ${alice.stdout}`});
				const held = await spools(hostTemp);
				expect(held).toHaveLength(1);
				expect(await readdir(path.join(hostTemp, held[0]!))).not.toEqual([]);
				alice.child.stdin.end();
				expect(await alice.exited()).toBe(0);
				host.child.kill(signal);
				await host.exited();
				expect(await spools(hostTemp)).toEqual([]);
			} finally {
				await rm(scratch, {recursive: true, force: true});
			}
		});
	}
});
