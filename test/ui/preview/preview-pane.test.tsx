import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {cleanup} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import type {TerminalFeatures} from '../../../source/ui/terminal/notify-escapes.js';
import {requireBuiltDecoder} from '../../helpers/built-decoder.js';
import {tinyPng} from '../../helpers/images.js';
import {connectedSession} from '../fake-session.js';
import {renderApp} from '../render-app.js';
import {rawScreen, screen, waitForText} from '../wait-for.js';

const previewing: TerminalFeatures = {tmux: false, hyperlinks: false, previews: 'truecolor'};
let folder: string;

beforeAll(async () => {
	// Images are decoded in a worker thread, from the build (npm run build; npm test does it first).
	requireBuiltDecoder();
	folder = await mkdtemp(path.join(tmpdir(), 'preview-pane-'));
	await writeFile(path.join(folder, 'pic.png'), tinyPng(8, 4));
	await writeFile(path.join(folder, 'notes.txt'), 'just text');
	await writeFile(path.join(folder, 'fake.png'), 'text that says it is a png');
});
afterAll(async () => rm(folder, {recursive: true, force: true}));
afterEach(() => {
	cleanup();
});

/** The session's notice for a finished download of `name`. */
function saved(name: string) {
	const file = path.join(folder, name);
	return {kind: 'notice' as const, text: `saved ${name} (sha256 verified)`, file};
}

/** The screen's rows from the one holding `text`, the pane's border and padding cut off. */
function rowsFrom(frame: string, text: string, count: number): string[] {
	const rows = frame.split('\n');
	const at = rows.findIndex(row => row.includes(text));
	return rows.slice(at, at + count).map(row => row.replace(/^[│║]\s*/, '').replace(/\s*[│║].*$/, '').trim());
}

describe('image previews in the messages pane', () => {
	test('a downloaded image shows as rows of coloured half blocks under its notice; other files show none', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: previewing});
		await waitForText(rendered, 'Members (3)');
		session.pushEntries([saved('notes.txt'), saved('fake.png'), saved('pic.png'), {kind: 'message', from: 'bob', text: 'nice picture'}]);
		const frame = await waitForText(rendered, /▀{8}/, {what: 'the preview drawn'});
		expect(rowsFrom(frame, 'saved notes.txt', 2)[1]).toContain('saved fake.png');
		expect(rowsFrom(frame, 'saved fake.png', 2)[1]).toContain('saved pic.png');
		// 8 x 4 pixels: 8 cells by 2 rows, under the entry's text (in its column, after the time).
		expect(rowsFrom(frame, 'saved pic.png', 4).slice(1)).toEqual(['▀▀▀▀▀▀▀▀', '▀▀▀▀▀▀▀▀', expect.stringContaining('bob: nice picture')]);
		expect(frame.match(/▀/g)).toHaveLength(16);
		// The pixels' colours: the first cell is pixel (0,0) over pixel (0,1).
		expect(rawScreen(rendered)).toContain('\u001B[38;2;0;0;128m\u001B[48;2;0;40;128m▀');
	});

	test('with previews off (--no-preview) the image has no preview', async () => {
		const offSession = connectedSession();
		const offRendered = renderApp({session: offSession, features: {tmux: false, hyperlinks: false}});
		const onSession = connectedSession();
		const onRendered = renderApp({session: onSession, features: previewing});
		await waitForText(offRendered, 'Members (3)');
		await waitForText(onRendered, 'Members (3)');
		offSession.pushEntry(saved('pic.png'));
		onSession.pushEntry(saved('pic.png'));
		// Once the same file is previewed where previews are on, the other has had its chance.
		await waitForText(onRendered, /▀{8}/, {what: 'the preview where previews are on'});
		await waitForText(offRendered, 'saved pic.png');
		expect(screen(offRendered)).not.toContain('▀');
	});
});
