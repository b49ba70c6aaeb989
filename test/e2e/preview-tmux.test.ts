import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {cliPath, runCli, type CliProcess} from '../helpers/cli-process.js';
import {noisePng, tinyPng} from '../helpers/images.js';
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

test('an image is previewed in a real terminal: at once when under 512 kB, a larger one once downloaded; none with --no-preview', async () => {
	scratch = await mkdtemp(path.join(tmpdir(), 'preview-e2e-'));
	const picture = path.join(scratch, 'pic.png');
	await writeFile(picture, tinyPng(16, 8));
	const large = path.join(scratch, 'large.png');
	// 400 x 400 pixels of noise: about 640 kB, over what is fetched before a download.
	const largeBytes = noisePng(400, 400);
	expect(largeBytes.length).toBeGreaterThan(512 * 1024);
	await writeFile(large, largeBytes);
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
	const id = await waitFor(() => /offer ([a-z0-9]+)/.exec(bob.stdout)?.[1], {what: () => `bob's offer: ${bob.stdout} ${bob.stderr}`});
	// 16 x 8 pixels: 16 cells by 4 rows of half blocks, under the offer, before anyone downloads it.
	const fourRows = /(?:▀{16}[^\n]*\n[^\n]*){3}▀{16}/;
	await t.waitFor('alice', fourRows);
	expect(t.screen('alice')).toMatch(new RegExp(`/get ${id}[^\\n]*\\n[^\\n]*▀{16}`));
	expect(t.screen('alice')).not.toContain('saved pic.png');

	t.type('carol', '-l', `/get ${id}`);
	t.type('carol', 'Enter');
	await t.waitFor('carol', 'saved pic.png');
	t.type('alice', '-l', `/get ${id}`);
	t.type('alice', 'Enter');
	await t.waitFor('alice', 'saved pic.png');
	// Downloaded, it is not drawn a second time.
	t.type('alice', '-l', 'after the download');
	t.type('alice', 'Enter');
	await t.waitFor('alice', 'alice: after the download');
	expect(t.screen('alice').match(/▀{16}/g)).toHaveLength(4);
	expect(t.screen('carol')).not.toContain('▀');

	bob.child.stdin.write(`/send ${large}\n`);
	const largeId = await waitFor(() => /sent large\.png to the room \(offer ([a-z0-9]+)/.exec(bob.stdout)?.[1], {what: () => `bob's second offer: ${bob.stdout} ${bob.stderr}`});
	await t.waitFor('alice', `/get ${largeId}`);
	t.type('alice', '-l', 'seen the large offer');
	t.type('alice', 'Enter');
	await t.waitFor('alice', 'alice: seen the large offer');
	// 1:1 at most 12 rows: 24 cells by 12 rows, only once saved.
	expect(t.screen('alice')).not.toMatch(/▀{24}/);
	t.type('alice', '-l', `/get ${largeId}`);
	t.type('alice', 'Enter');
	await t.waitFor('alice', 'saved large.png', 20_000);
	await t.waitFor('alice', /(?:▀{24}[^\n]*\n[^\n]*){11}▀{24}/);

	// Line mode prints the notice and nothing of the picture.
	bob.child.stdin.write(`/get ${id}\n`);
	await waitFor(() => bob.stdout.includes('saved pic.png'), {what: () => `bob's download: ${bob.stdout} ${bob.stderr}`});
	expect(bob.stdout).not.toMatch(/▀|\u001B\[[34]8;/);
	t.type('alice', 'C-c');
	t.type('carol', 'C-c');
	await waitFor(() => !t.running('alice') && !t.running('carol'), {what: 'both programs to exit'});
});
