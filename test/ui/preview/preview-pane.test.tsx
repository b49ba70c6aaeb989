import {describe, expect, test} from 'vitest';
import type {TerminalFeatures} from '../../../source/ui/terminal/notify-escapes.js';
import type {FileOffer} from '../../../source/session/types.js';
import {noisePng, tinyPng} from '../../helpers/images.js';
import {connectedSession} from '../fake-session.js';
import {renderApp} from '../render-app.js';
import {sharedImageFolder} from './image-folder.js';
import {waitFor} from '../../helpers/wait-for.js';
import {rawScreen, screen, waitForText} from '../wait-for.js';

const previewing: TerminalFeatures = {tmux: false, hyperlinks: false, previews: 'truecolor'};
const {saved} = sharedImageFolder('preview-pane-', {
	'pic.png': tinyPng(8, 4),
	'other.png': tinyPng(8, 4),
	'notes.txt': 'just text',
	'fake.png': 'text that says it is a png',
});

/** The screen's rows from the one holding `text`, the pane's border and padding cut off. */
function rowsFrom(frame: string, text: string, count: number): string[] {
	const rows = frame.split('\n');
	const at = rows.findIndex(row => row.includes(text));
	return rows.slice(at, at + count).map(row => row.replace(/^[│║]\s*/, '').replace(/\s*[│║].*$/, '').trim());
}

describe('image previews in the messages pane', () => {
	test('a downloaded image shows as rows of coloured half blocks under its notice; a file named as an image that is none says why; other files show nothing', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: previewing});
		await waitForText(rendered, 'Members (3)');
		session.pushEntries([saved('notes.txt'), saved('fake.png'), saved('pic.png'), {kind: 'message', from: 'bob', text: 'nice picture'}]);
		const frame = await waitForText(rendered, /▀{8}/, {what: 'the preview drawn'});
		expect(rowsFrom(frame, 'saved notes.txt', 2)[1]).toContain('saved fake.png');
		// A file named as an image that is none says so, dimmed, where its picture would be.
		expect(rowsFrom(frame, 'saved fake.png', 3).slice(1)).toEqual(['no preview: not an image', expect.stringContaining('saved pic.png')]);
		expect(rawScreen(rendered)).toContain('\u001B[2mno preview: not an image');
		// 8 x 4 pixels: 8 cells by 2 rows, under the entry's text (in its column, after the time).
		expect(rowsFrom(frame, 'saved pic.png', 4).slice(1)).toEqual(['▀▀▀▀▀▀▀▀', '▀▀▀▀▀▀▀▀', expect.stringContaining('bob: nice picture')]);
		expect(frame.match(/▀/g)).toHaveLength(16);
		// The pixels' colours: the first cell is pixel (0,0) over pixel (0,1).
		expect(rawScreen(rendered)).toContain('\u001B[38;2;0;0;128m\u001B[48;2;0;40;128m▀');
	});

	test('an offered image of at most 512 kB is previewed at once, once its upload is complete, and not again at its download', async () => {
		const session = connectedSession();
		const small = tinyPng(8, 4);
		session.peekImpl = async () => small;
		const rendered = renderApp({session, features: previewing});
		await waitForText(rendered, 'Members (3)');
		const offer = (patch: Partial<FileOffer>): FileOffer => ({id: 'k3', name: 'pic.png', size: small.length, from: 'bob', complete: false, time: 0, ...patch});
		const big = noisePng(400, 400);
		expect(big.length).toBeGreaterThan(512 * 1024);
		session.update({offers: [offer({}), offer({id: 'b9', name: 'big.png', size: big.length, complete: true}), offer({id: 'd4', name: 'holiday.png', size: 2048, complete: true, files: 3})]});
		session.pushEntries([
			{kind: 'offer', from: 'bob', text: 'bob offers pic.png (1 kB): /get k3', offerId: 'k3'},
			{kind: 'offer', from: 'bob', text: 'bob offers big.png (700 kB): /get b9', offerId: 'b9'},
			{kind: 'offer', from: 'bob', text: 'bob offers the folder holiday.png: /get d4', offerId: 'd4'},
		]);
		await waitForText(rendered, '/get d4');
		// Still uploading: not fetched yet; a file over 512 kB and a folder are never fetched.
		expect(session.peeked).toEqual([]);
		session.update({offers: [offer({complete: true, sha256: 'ab'.repeat(32)}), ...session.snapshot.offers.slice(1)]});
		const frame = await waitForText(rendered, /▀{8}/, {what: 'the preview drawn at the offer'});
		expect(rowsFrom(frame, '/get k3', 4).slice(1)).toEqual(['▀▀▀▀▀▀▀▀', '▀▀▀▀▀▀▀▀', expect.stringContaining('/get b9')]);
		expect(session.peeked).toEqual(['k3']);
		// The download's notice: the image is on screen already.
		session.pushEntry({...saved('pic.png'), offerId: 'k3'});
		// A later download of another image is previewed at its notice: once it is drawn, the first had its turn too.
		session.pushEntry(saved('other.png'));
		await waitForText(rendered, /saved other\.png[^\n]*\n[^\n]*▀{8}/, {what: 'the later download previewed'});
		expect(screen(rendered).match(/▀/g)).toHaveLength(32);
		expect(session.peeked).toEqual(['k3']);
	});

	test('an offer whose bytes the host would not hand over gets no preview, and says why under the offer line', async () => {
		const session = connectedSession();
		session.peekImpl = async () => {
			throw new Error('connection reset');
		};
		const rendered = renderApp({session, features: previewing});
		await waitForText(rendered, 'Members (3)');
		session.update({offers: [{id: 'k3', name: 'pic.png', size: 100, from: 'bob', complete: true, time: 0}]});
		session.pushEntry({kind: 'offer', from: 'bob', text: 'bob offers pic.png (100 B): /get k3', offerId: 'k3'});
		await waitForText(rendered, '/get k3');
		await waitFor(() => session.peeked.length === 1, {what: 'the fetch tried'});
		const frame = await waitForText(rendered, 'no preview: could not be fetched (connection reset)');
		expect(rowsFrom(frame, '/get k3', 2)[1]).toBe('no preview: could not be fetched (connection reset)');
		expect(screen(rendered)).not.toContain('▀');
		expect(session.peeked).toEqual(['k3']);
	});

	test('with previews off (--no-preview) no image has a preview, and none is fetched', async () => {
		const offSession = connectedSession();
		const offRendered = renderApp({session: offSession, features: {tmux: false, hyperlinks: false}});
		const onSession = connectedSession();
		const onRendered = renderApp({session: onSession, features: previewing});
		await waitForText(offRendered, 'Members (3)');
		await waitForText(onRendered, 'Members (3)');
		const small = tinyPng(8, 4);
		for (const session of [offSession, onSession]) {
			session.peekImpl = async () => small;
			session.update({offers: [{id: 'k3', name: 'offered.png', size: small.length, from: 'bob', complete: true, time: 0}]});
			session.pushEntries([{kind: 'offer', from: 'bob', text: 'bob offers offered.png: /get k3', offerId: 'k3'}, saved('pic.png')]);
		}
		// Once the same file is previewed where previews are on, the other has had its chance.
		await waitForText(onRendered, /(?:▀{8}[^▀]*){4}/, {what: 'both previews where previews are on'});
		await waitForText(offRendered, 'saved pic.png');
		expect(screen(offRendered)).not.toContain('▀');
		// Nothing is fetched for a preview that is not shown.
		expect(onSession.peeked).toEqual(['k3']);
		expect(offSession.peeked).toEqual([]);
	});
});
