import {describe, expect, test} from 'vitest';
import {deleteSequence, placeholderRows} from '../../../source/ui/preview/kitty-graphics.js';
import type {TerminalFeatures} from '../../../source/ui/terminal/notify-escapes.js';
import {tinyPng} from '../../helpers/images.js';
import {waitFor} from '../../helpers/wait-for.js';
import {connectedSession} from '../fake-session.js';
import {renderApp} from '../render-app.js';
import {sharedImageFolder} from './image-folder.js';
import {rawScreen, screen, waitForText} from '../wait-for.js';

const kitty: TerminalFeatures = {tmux: false, hyperlinks: false, previews: 'truecolor', graphics: 'kitty'};
const images = sharedImageFolder('kitty-pane-', {
	// 100 x 60 pixels at 10 x 20 a cell: 10 cells by 3 rows.
	'wide.png': tinyPng(100, 60),
	'small.png': tinyPng(20, 20),
});
const {saved} = images;

/** The transmissions among what was written: kitty graphics commands that send an image. */
const transmits = (frames: readonly string[]) => frames.filter(frame => frame.includes('\u001B_Ga=T'));

describe("previews through kitty's graphics protocol", () => {
	test('the image shows as placeholder cells under its notice, sent once, in a write of its own before the frame that shows it', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: kitty});
		await waitForText(rendered, 'Members (3)');
		session.pushEntries([saved('wide.png'), {kind: 'message', from: 'bob', text: 'nice picture'}]);
		const [row0, row1, row2] = placeholderRows({id: 1, columns: 10, rows: 3});
		await waitFor(() => rawScreen(rendered).includes(row2!), {what: () => `the placeholders drawn:\n${screen(rendered)}`});
		const raw = rawScreen(rendered).split('\n');
		const notice = raw.findIndex(line => line.includes('saved wide.png'));
		// Under the notice, in its column (after the time), then the next message.
		expect(raw[notice + 1]).toContain(`      ${row0}`);
		expect(raw[notice + 2]).toContain(`      ${row1}`);
		expect(raw[notice + 3]).toContain(`      ${row2}`);
		expect(raw[notice + 4]).toContain('nice picture');
		expect(screen(rendered)).not.toContain('▀');
		const sent = transmits(rendered.frames);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatch(/^\u001B_Ga=T,U=1,f=100,i=1,c=10,r=3,q=2,m=0;[A-Za-z\d+/]+=*\u001B\\$/);
		// Never inside a frame: the frames hold the placeholders, the write before them the image.
		const at = rendered.frames.indexOf(sent[0]!);
		const firstShown = rendered.frames.findIndex(frame => frame.includes(row0!));
		expect(at).toBeLessThan(firstShown);
		expect(rendered.frames.filter(frame => frame.includes('\u001B_G') && !frame.startsWith('\u001B_G'))).toEqual([]);
		// Drawn again (more messages), it is not sent again.
		session.pushEntries([{kind: 'message', from: 'alice', text: 'later on'}]);
		await waitForText(rendered, 'later on');
		expect(rawScreen(rendered)).toContain(row0);
		expect(transmits(rendered.frames)).toHaveLength(1);
	});

	test('an image whose entry leaves the scrollback is deleted in the terminal, and the rest at exit', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: kitty});
		await waitForText(rendered, 'Members (3)');
		session.pushEntries([saved('wide.png'), saved('small.png'), {kind: 'message', from: 'bob', text: 'two pictures'}]);
		// Ids go in the order the images are first laid out: read which is which from what was sent.
		const idOf = (cells: string) => Number(new RegExp(`i=(\\d+),${cells},`).exec(transmits(rendered.frames).join(''))?.[1]);
		await waitFor(
			() =>
				transmits(rendered.frames).length === 2 &&
				rawScreen(rendered).includes(placeholderRows({id: idOf('c=10,r=3'), columns: 10, rows: 3})[2]!) &&
				rawScreen(rendered).includes(placeholderRows({id: idOf('c=2,r=1'), columns: 2, rows: 1})[0]!),
			{what: () => `both images sent and drawn:\n${screen(rendered)}`},
		);
		expect([idOf('c=10,r=3'), idOf('c=2,r=1')].sort()).toEqual([1, 2]);
		const idOfWide = idOf('c=10,r=3');
		// The oldest entry (wide.png) drops out of the scrollback.
		session.update({entries: session.getSnapshot().entries.slice(1)});
		await waitFor(() => rendered.frames.includes(deleteSequence(idOfWide)), {what: "wide.png's image deleted"});
		expect(rendered.frames.filter(frame => frame.includes('_Ga=d'))).toEqual([deleteSequence(idOfWide)]);
		rendered.unmount();
		await waitFor(() => rendered.frames.includes(deleteSequence(3 - idOfWide)), {what: "small.png's image deleted at exit"});
	});

	test('a pane too narrow for the image\'s cells shows it in half blocks', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: kitty}, {columns: 60, rows: 24});
		await waitForText(rendered, 'Members (3)');
		await images.add('wider.png', tinyPng(400, 60));
		session.pushEntries([saved('wider.png')]);
		await waitForText(rendered, /▀{10}/, {what: 'half blocks in a narrow pane'});
		expect(rawScreen(rendered)).not.toContain('\u{10EEEE}');
	});
});
