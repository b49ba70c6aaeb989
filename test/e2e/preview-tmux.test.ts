import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {cliPath, runCli, type CliProcess} from '../helpers/cli-process.js';
import {tinyPng} from '../helpers/images.js';
import {Terminals} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

let terminals: Terminals | undefined;
let scratch: string | undefined;
const running: CliProcess[] = [];

afterEach(async () => {
	terminals?.close();
	for (const process of running.splice(0)) {
		process.child.kill('SIGKILL');
	}

	if (scratch) await rm(scratch, {recursive: true, force: true});
});

test('a downloaded image is previewed in a real terminal, and not with --no-preview', async () => {
	scratch = await mkdtemp(path.join(tmpdir(), 'preview-e2e-'));
	const picture = path.join(scratch, 'pic.png');
	await writeFile(picture, tinyPng(16, 8));
	terminals = new Terminals();
	const t = terminals;
	const cli = `env -u NO_COLOR ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
	t.start('alice', `${cli} --host --bind 127.0.0.1 --port 0 --transfer-port 0 --name alice --download-dir ${JSON.stringify(path.join(scratch, 'alice'))}`);
	const [, port] = await t.waitFor('alice', /others join with \(lo\): npx socket-chat-tui --join 127\.0\.0\.1:(\d+)/);
	t.start('carol', `${cli} --join 127.0.0.1:${port} --name carol --no-preview --download-dir ${JSON.stringify(path.join(scratch, 'carol'))}`);
	await t.waitFor('alice', 'carol joined');
	const bob = runCli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--plain', '--download-dir', path.join(scratch, 'bob')]);
	running.push(bob);
	await t.waitFor('alice', 'bob joined');
	bob.child.stdin.write(`/send ${picture}\n`);
	const offer = await waitFor(() => /offer ([a-z0-9]+)/.exec(bob.stdout)?.[1], {what: () => `bob's offer: ${bob.stdout} ${bob.stderr}`});
	await t.waitFor('alice', `/get ${offer}`);
	const id = offer;

	t.type('carol', '-l', `/get ${id}`);
	t.type('carol', 'Enter');
	await t.waitFor('carol', 'saved pic.png');
	t.type('alice', '-l', `/get ${id}`);
	t.type('alice', 'Enter');
	// 16 x 8 pixels: 16 cells by 4 rows of half blocks.
	await t.waitFor('alice', /(?:▀{16}[^\n]*\n[^\n]*){3}▀{16}/);
	expect(t.screen('alice')).toContain('saved pic.png');
	expect(t.screen('carol')).not.toContain('▀');
	// Line mode prints the notice and nothing of the picture.
	bob.child.stdin.write(`/get ${id}\n`);
	await waitFor(() => bob.stdout.includes('saved pic.png'), {what: () => `bob's download: ${bob.stdout} ${bob.stderr}`});
	expect(bob.stdout).not.toMatch(/▀|\u001B\[[34]8;/);
	t.type('alice', 'C-c');
	t.type('carol', 'C-c');
	await waitFor(() => !t.running('alice') && !t.running('carol'), {what: 'both programs to exit'});
});
