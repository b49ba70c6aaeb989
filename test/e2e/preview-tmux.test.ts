import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {noisePng, tinyPng} from '../helpers/images.js';
import {waitFor} from '../helpers/wait-for.js';
import {ImageRoom} from './image-room.js';

let room: ImageRoom | undefined;

afterEach(async () => {
	await room?.close();
	room = undefined;
});

/** The names in a folder, hidden ones too; none when it does not exist. */
async function filesIn(folder: string): Promise<string[]> {
	return readdir(folder).catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT') return [];
		throw error;
	});
}

test('an image is previewed in a real terminal: at once when under 512 kB (saved nowhere), a larger one once downloaded; none with --no-preview', async () => {
	room = await ImageRoom.open('preview-e2e-');
	const picture = await room.file('pic.png', tinyPng(16, 8));
	// 400 x 400 pixels of noise: about 640 kB, over what is fetched before a download.
	const largeBytes = noisePng(400, 400);
	expect(largeBytes.length).toBeGreaterThan(512 * 1024);
	const large = await room.file('large.png', largeBytes);
	const {t} = room;
	await room.host();
	room.join('carol', '--no-preview');
	await t.waitFor('alice', 'carol joined');
	const bob = await room.bob();
	const id = await room.offer(bob, picture);
	// 16 x 8 pixels: 16 cells by 4 rows of half blocks, under the offer, before anyone downloads it.
	const fourRows = /(?:▀{16}[^\n]*\n[^\n]*){3}▀{16}/;
	await t.waitFor('alice', fourRows);
	expect(t.screen('alice')).toMatch(new RegExp(`/get ${id}[^\\n]*\\n[^\\n]*▀{16}`));
	expect(t.screen('alice')).not.toContain('saved pic.png');
	// Fetched into memory and saved nowhere: alice's download folder holds nothing yet, not even a partial file.
	expect(await filesIn(path.join(room.scratch, 'alice'))).toEqual([]);

	t.type('carol', '-l', `/get ${id}`);
	t.type('carol', 'Enter');
	await t.waitFor('carol', 'saved pic.png');
	t.type('alice', '-l', `/get ${id}`);
	t.type('alice', 'Enter');
	await t.waitFor('alice', 'saved pic.png');
	expect(await filesIn(path.join(room.scratch, 'alice'))).toEqual(['pic.png']);
	// Downloaded, it is not drawn a second time.
	t.type('alice', '-l', 'after the download');
	t.type('alice', 'Enter');
	await t.waitFor('alice', 'alice: after the download');
	expect(t.screen('alice').match(/▀{16}/g)).toHaveLength(4);
	expect(t.screen('carol')).not.toContain('▀');

	const largeId = await room.offer(bob, large);
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
