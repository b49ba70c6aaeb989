import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
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

/** The frames Ink wrote (each between ESC[?2026h and ESC[?2026l), in order. */
function framesOf(written: string): string[] {
	return written
		.split('\u001B[?2026h')
		.slice(1)
		.map(frame => frame.split('\u001B[?2026l')[0]!);
}

const iterm2Image = /\u001B7\u001B\[(\d+);(\d+)H\u001B\]1337;File=inline=1;size=(\d+);width=(\d+);height=(\d+);preserveAspectRatio=1:([A-Za-z\d+/=]+)\u0007\u001B8$/;

// tmux is the only terminal here: carol's program is told it is not inside it (TMUX unset), so
// it draws iTerm2's images; tmux drops them, and what she wrote is read from tmux's pipe-pane.
test('with --graphics iterm2, an offered image is drawn with OSC 1337 inside each frame, at the row and column of the blank cells kept for it under the offer', async () => {
	scratch = await mkdtemp(path.join(tmpdir(), 'pixels-e2e-'));
	const picture = path.join(scratch, 'pic.png');
	// 100 x 60 pixels at 10 x 20 per cell: 10 cells by 3 rows.
	await writeFile(picture, tinyPng(100, 60));
	const output = path.join(scratch, 'carol.out');
	terminals = new Terminals();
	const t = terminals;
	const cli = `env -u NO_COLOR ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
	t.start('alice', `${cli} --host --bind 127.0.0.1 --port 0 --transfer-port 0 --name alice --download-dir ${JSON.stringify(path.join(scratch, 'alice'))}`);
	const [, port] = await t.waitFor('alice', /others join with \(lo\): npx socket-chat-tui --join 127\.0\.0\.1:(\d+)/);
	t.start('carol', `env -u TMUX ${cli} --graphics iterm2 --join 127.0.0.1:${port} --name carol --download-dir ${JSON.stringify(path.join(scratch, 'carol'))}`);
	t.keepAfterExit('carol');
	t.recordOutput('carol', output);
	await t.waitFor('alice', 'carol joined');
	const bob = runCli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--plain', '--download-dir', path.join(scratch, 'bob')]);
	running.push(bob);
	await t.waitFor('alice', 'bob joined');
	bob.child.stdin.write(`/send ${picture}\n`);
	const offer = await waitFor(() => /offer ([a-z0-9]+)/.exec(bob.stdout)?.[1], {what: () => `bob's offer: ${bob.stdout} ${bob.stderr}`});
	await t.waitFor('carol', `/get ${offer}`);
	// A frame that draws the image: its last bytes, inside the frame.
	const drawn = await waitFor(
		async () => {
			const frames = framesOf(await readFile(output, 'latin1').catch(() => ''));
			return frames.findLast(frame => iterm2Image.test(frame));
		},
		{timeoutMs: 10_000, what: `a frame drawing the image in ${output}`},
	);
	const [, row, column, size, width, height, data] = iterm2Image.exec(drawn)!;
	expect([width, height]).toEqual(['10', '3']);
	// The thumbnail, as a JPEG: the picture's 100 x 60 pixels.
	const file = Buffer.from(data!, 'base64');
	expect(file.length).toBe(Number(size));
	const sent = jpeg.decode(file);
	expect([sent.width, sent.height]).toEqual([100, 60]);
	// The screen: the offer line, then three rows blank from the image's column on for 10 cells.
	const lines = t.screen('carol').split('\n');
	const offerRow = lines.findIndex(line => line.includes(`/get ${offer}`));
	expect(Number(row)).toBe(offerRow + 2);
	// In the offer's text column: after the pane's border and the 6 cells of the time ("HH:MM ").
	const time = lines[offerRow]!.search(/\d\d:\d\d /);
	expect(time).toBe(1);
	expect(Number(column)).toBe(time + 1 + 6);
	for (const under of [0, 1, 2]) {
		const line = lines[offerRow + 1 + under]!;
		expect([...line].slice(Number(column) - 1, Number(column) + 9).join('')).toBe(' '.repeat(10));
	}

	expect(lines[offerRow + 1]!.slice(0, Number(column) - 1)).toMatch(/^│\s+$/);
	expect(t.screen('carol')).not.toMatch(/[\u{100000}-\u{10FFFD}]/u);
	expect(t.screen('carol')).not.toContain('▀');
	// Every key press redraws the screen, and the image with it, in the same frame.
	t.type('carol', '-l', 'hello');
	await t.waitFor('carol', 'hello');
	const written = await readFile(output, 'utf8');
	expect(written).not.toMatch(/[\u{100000}-\u{10FFFD}]/u);
	const last = framesOf(written).findLast(frame => frame.includes('hello'))!;
	expect(last).toMatch(iterm2Image);
	// Nowhere outside a frame.
	expect(written.split('\u001B]1337').length - 1).toBe(framesOf(written).filter(frame => frame.includes('\u001B]1337')).length);
	t.type('carol', 'C-c');
	await waitFor(() => t.format('carol', '#{pane_dead}') === '1', {what: "carol's program to exit"});
	t.type('alice', 'C-c');
	await waitFor(() => !t.running('alice'), {what: "alice's program to exit"});
});
