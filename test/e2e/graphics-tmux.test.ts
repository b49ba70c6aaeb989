import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {PNG} from 'pngjs';
import {afterEach, expect, test} from 'vitest';
import {tinyPng} from '../helpers/images.js';
import {waitFor} from '../helpers/wait-for.js';
import {ImageRoom, tuiCommand} from './image-room.js';
import {diacritics, placeholder} from '../../source/ui/preview/kitty-graphics.js';

let room: ImageRoom | undefined;

afterEach(async () => {
	await room?.close();
	room = undefined;
});

/** Row `row` of image `id`'s placeholder cells, `columns` wide, as tmux keeps them. */
function placeholderRow(id: number, row: number, columns: number): string {
	return `\u001B[38;5;${id}m${Array.from({length: columns}, (_, column) => placeholder + diacritics[row]! + diacritics[column]!).join('')}`;
}

test('in kitty inside tmux, an offered image is sent once through the passthrough and shown as placeholder cells under its offer; half blocks while tmux passes nothing on', async () => {
	room = await ImageRoom.open('graphics-e2e-');
	// 100 x 60 pixels at 10 x 20 per cell: 10 cells by 3 rows.
	const picture = await room.file('pic.png', tinyPng(100, 60));
	const output = path.join(room.scratch, 'carol.out');
	const {t} = room;
	const cli = tuiCommand.replace('env -u NO_COLOR', 'env -u NO_COLOR KITTY_WINDOW_ID=1');
	// alice starts while tmux's allow-passthrough is off (its default): she asks, and draws half blocks.
	await room.host(cli);
	t.setGlobal('allow-passthrough', 'on');
	room.join('carol', '', cli);
	t.keepAfterExit('carol');
	t.recordOutput('carol', output);
	await t.waitFor('alice', 'carol joined');
	const bob = await room.bob();
	const offer = await room.offer(bob, picture);
	await t.waitFor('carol', `/get ${offer}`);
	// The cells are text in tmux's grid: image 1's colour, each cell its row and column diacritics.
	const styled = await waitFor(() => (t.styledScreen('carol').includes(placeholderRow(1, 2, 10)) ? t.styledScreen('carol') : undefined), {
		timeoutMs: 10_000,
		what: () => `image 1's placeholder rows on carol's screen:\n${t.styledScreen('carol')}`,
	});
	// Under the offer (an image under 512 kB is previewed before anyone downloads it).
	const lines = styled.split('\n');
	const offerLine = lines.findIndex(line => line.includes(`/get ${offer}`));
	const under = lines.slice(offerLine + 1).join('\n');
	expect(under).toContain(placeholderRow(1, 0, 10));
	expect(under.indexOf(placeholderRow(1, 0, 10))).toBeLessThan(under.indexOf(placeholderRow(1, 1, 10)));
	expect(t.screen('carol')).not.toContain('▀');
	// Downloaded, it is not sent or placed a second time.
	t.type('carol', '-l', `/get ${offer}`);
	t.type('carol', 'Enter');
	await t.waitFor('carol', 'saved pic.png');
	t.type('carol', '-l', 'after the download');
	t.type('carol', 'Enter');
	await t.waitFor('carol', 'carol: after the download');
	expect(t.styledScreen('carol')).not.toContain('\u001B[38;5;2m\u{10EEEE}');
	// What carol wrote: the PNG sent once, wrapped for tmux (ESC doubled inside), never a reply asked for.
	const written = await readFile(output, 'latin1');
	const transmit = '\u001BPtmux;\u001B\u001B_Ga=T,U=1,f=100,i=1,c=10,r=3,q=2,';
	expect(written.split(transmit)).toHaveLength(2);
	// Its chunks put together are the thumbnail: the picture's 100 x 60 pixels, as a PNG.
	const payload = [...written.matchAll(/\u001BPtmux;\u001B\u001B_G[^;\u001B]*;([A-Za-z\d+/=]*)\u001B\u001B\\\u001B\\/g)].map(match => match[1]).join('');
	const sentPng = PNG.sync.read(Buffer.from(payload, 'base64'));
	expect([sentPng.width, sentPng.height]).toEqual([100, 60]);
	// Never inside one of Ink's frames (each drawn between ESC[?2026h and ESC[?2026l).
	const frames = written.split('\u001B[?2026h').slice(1).map(frame => frame.split('\u001B[?2026l')[0]!);
	expect(frames.length).toBeGreaterThan(0);
	expect(frames.filter(frame => frame.includes('_G'))).toEqual([]);
	// alice, whose tmux passed nothing on when she started, gets half blocks (100 x 60 pixels: 40 x 12 cells).
	await t.waitFor('alice', /▀{40}/);
	expect(t.screen('alice')).not.toContain('\u{10EEEE}');
	t.type('carol', 'C-c');
	await waitFor(() => t.format('carol', '#{pane_dead}') === '1', {what: "carol's program to exit"});
	// Leaving deletes the image in the terminal.
	expect(await readFile(output, 'latin1')).toContain('\u001BPtmux;\u001B\u001B_Ga=d,d=I,i=1,q=2\u001B\u001B\\\u001B\\');
	t.type('alice', 'C-c');
	await waitFor(() => !t.running('alice'), {what: "alice's program to exit"});
});
