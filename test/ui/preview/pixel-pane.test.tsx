import {describe, expect, test} from 'vitest';
import {markerRows, placeImages, rowMarker} from '../../../source/ui/preview/pixel-graphics.js';
import type {TerminalFeatures} from '../../../source/ui/terminal/notify-escapes.js';
import {tinyPng} from '../../helpers/images.js';
import {waitFor} from '../../helpers/wait-for.js';
import {connectedSession} from '../fake-session.js';
import {renderApp} from '../render-app.js';
import {sharedImageFolder} from './image-folder.js';
import {rawScreen, screen, waitForText} from '../wait-for.js';

const iterm2: TerminalFeatures = {tmux: false, hyperlinks: false, previews: 'truecolor', graphics: 'iterm2'};
// The terminal said its cell (CSI 16 t): 10 x 20 pixels.
const sixel: TerminalFeatures = {...iterm2, graphics: 'sixel', cell: {width: 10, height: 20}};
const images = sharedImageFolder('pixel-pane-', {
	// 100 x 60 pixels at 10 x 20 a cell: 10 cells by 3 rows.
	'wide.png': tinyPng(100, 60),
	'wider.png': tinyPng(400, 60),
});
const {saved} = images;

describe("previews through iTerm2's inline images and sixel", () => {
	test.each([
		['iTerm2', iterm2],
		['sixel', sixel],
	])('%s: the image\'s cells are kept under its notice as marker cells, in its column, and no picture is in the frames Ink writes', async (_name, features) => {
		const session = connectedSession();
		const rendered = renderApp({session, features});
		await waitForText(rendered, 'Members (3)');
		session.pushEntries([saved('wide.png'), {kind: 'message', from: 'bob', text: 'nice picture'}]);
		const [row0, row1, row2] = markerRows({id: 1, columns: 10, rows: 3});
		await waitFor(() => rawScreen(rendered).includes(row2!), {what: () => `the marker cells drawn:\n${screen(rendered)}`});
		const raw = rawScreen(rendered).split('\n');
		const notice = raw.findIndex(line => line.includes('saved wide.png'));
		expect(raw[notice + 1]).toContain(`      ${row0}`);
		expect(raw[notice + 2]).toContain(`      ${row1}`);
		expect(raw[notice + 3]).toContain(`      ${row2}`);
		expect(raw[notice + 4]).toContain('nice picture');
		expect(screen(rendered)).not.toContain('▀');
		// The pane's border stays where it is: the markers are one cell each.
		expect(screen(rendered).split('\n')[notice + 1]!.replace(/[\u{100000}-\u{10FFFD}]/gu, ' ').length).toBe(screen(rendered).split('\n')[notice]!.length);
		// Ink never writes a picture itself (run-tui's stream draws them into the frames).
		expect(rendered.frames.filter(frame => frame.includes('\u001B]1337') || frame.includes('\u001BP'))).toEqual([]);
		// As the terminal would get it: the markers blank.
		expect(placeImages(rawScreen(rendered), () => undefined)).not.toMatch(/[\u{100000}-\u{10FFFD}]/u);
	});

	test("sixel in a terminal that did not say its cell: the cells kept are those of the smallest common cell (6 x 12), never fewer than the picture covers", async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: {...iterm2, graphics: 'sixel'}});
		await waitForText(rendered, 'Members (3)');
		session.pushEntries([saved('wide.png'), {kind: 'message', from: 'bob', text: 'nice picture'}]);
		// 100 x 60 pixels at 6 x 12 a cell: 17 cells by 5 rows.
		const rows = markerRows({id: 1, columns: 17, rows: 5});
		await waitFor(() => rawScreen(rendered).includes(rows[4]!), {what: () => `the marker cells drawn:\n${screen(rendered)}`});
		const raw = rawScreen(rendered).split('\n');
		const notice = raw.findIndex(line => line.includes('saved wide.png'));
		for (const [index, row] of rows.entries()) expect(raw[notice + 1 + index]).toContain(`      ${row}`);
	});

	test('a pane too narrow for the image\'s cells shows it in half blocks', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: iterm2}, {columns: 60, rows: 24});
		await waitForText(rendered, 'Members (3)');
		session.pushEntries([saved('wider.png')]);
		await waitForText(rendered, /▀{10}/, {what: 'half blocks in a narrow pane'});
		expect(rawScreen(rendered)).not.toMatch(/[\u{100000}-\u{10FFFD}]/u);
	});

	test('marker characters in what people send are shown as U+FFFD: only previews reserve cells', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: iterm2});
		await waitForText(rendered, 'Members (3)');
		session.pushEntries([{kind: 'message', from: 'bob', text: `look ${rowMarker(1, 0)}\u{10FFFD} here`}]);
		await waitForText(rendered, 'look �� here');
		expect(rawScreen(rendered)).not.toMatch(/[\u{100000}-\u{10FFFD}]/u);
	});
});
