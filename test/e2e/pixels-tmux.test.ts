import {readFile} from 'node:fs/promises';
import path from 'node:path';
import jpeg from 'jpeg-js';
import {afterEach, expect, test} from 'vitest';
import {tinyPng} from '../helpers/images.js';
import {waitFor} from '../helpers/wait-for.js';
import {ImageRoom, tuiCommand} from './image-room.js';

let room: ImageRoom | undefined;

afterEach(async () => {
	await room?.close();
	room = undefined;
});

/**
 * The frames Ink wrote (each between ESC[?2026h and ESC[?2026l), in order; only whole ones: the
 * recording lags the screen, and its last frame may not have reached the file whole yet.
 */
function framesOf(written: string): string[] {
	return written
		.split('\u001B[?2026h')
		.slice(1)
		.filter(frame => frame.includes('\u001B[?2026l'))
		.map(frame => frame.split('\u001B[?2026l')[0]!);
}

const iterm2Image = /\u001B7\u001B\[(\d+);(\d+)H\u001B\]1337;File=inline=1;size=(\d+);width=(\d+);height=(\d+);preserveAspectRatio=1:([A-Za-z\d+/=]+)\u0007\u001B8$/;

// tmux is the only terminal here: carol's program is told it is not inside it (TMUX unset), so
// it draws iTerm2's images; tmux drops them, and what she wrote is read from tmux's pipe-pane.
test('with --graphics iterm2, an offered image is drawn with OSC 1337 inside each frame, at the row and column of the blank cells kept for it under the offer', async () => {
	room = await ImageRoom.open('pixels-e2e-');
	// 100 x 60 pixels at 10 x 20 per cell: 10 cells by 3 rows.
	const picture = await room.file('pic.png', tinyPng(100, 60));
	const output = path.join(room.scratch, 'carol.out');
	const {t} = room;
	await room.host();
	room.join('carol', '--graphics iterm2', `env -u TMUX ${tuiCommand}`);
	t.keepAfterExit('carol');
	t.recordOutput('carol', output);
	await t.waitFor('alice', 'carol joined');
	const bob = await room.bob();
	const offer = await room.offer(bob, picture);
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
	// The screen shows it; wait for the recording to hold that frame whole (it lagged, under load).
	const written = await waitFor(
		async () => {
			const recorded = await readFile(output, 'utf8');
			return framesOf(recorded).some(frame => frame.includes('hello')) ? recorded : undefined;
		},
		{what: `a whole frame showing hello in ${output}`},
	);
	expect(written).not.toMatch(/[\u{100000}-\u{10FFFD}]/u);
	const last = framesOf(written).findLast(frame => frame.includes('hello'))!;
	expect(last).toMatch(iterm2Image);
	// Nowhere outside a frame.
	const whole = written.slice(0, written.lastIndexOf('\u001B[?2026l'));
	expect(whole.split('\u001B]1337').length - 1).toBe(framesOf(written).filter(frame => frame.includes('\u001B]1337')).length);
	t.type('carol', 'C-c');
	await waitFor(() => t.format('carol', '#{pane_dead}') === '1', {what: "carol's program to exit"});
	t.type('alice', 'C-c');
	await waitFor(() => !t.running('alice'), {what: "alice's program to exit"});
});
