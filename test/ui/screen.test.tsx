import stringWidth from 'string-width';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession} from './fake-session.js';
import {keys} from './keys.js';
import {press, renderApp, resize, type RenderedApp} from './render-app.js';
import {rawScreen, screen, waitForNoText, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
	vi.unstubAllEnvs();
});

function bells(rendered: RenderedApp): number {
	return rendered.frames.filter(frame => frame === '\u0007').length;
}

describe('mentions', () => {
	test('highlighted, and the bell rings once per new mentioning entry (not for history)', async () => {
		vi.stubEnv('NO_COLOR', '');
		const session = connectedSession();
		session.pushEntries([
			{text: 'old news for me', mentionsMe: true, fromHistory: true},
			{text: 'nothing to see'},
		]);
		const rendered = renderApp({session});
		await waitForText(rendered, 'nothing to see');
		session.pushEntry({text: 'history again me', mentionsMe: true, fromHistory: true});
		await waitForText(rendered, 'history again me');
		expect(bells(rendered)).toBe(0);

		session.pushEntry({text: 'hey me, look', mentionsMe: true, from: 'bob'});
		await waitForText(rendered, 'bob: hey me, look');
		await waitFor(() => bells(rendered) === 1);
		session.pushEntry({text: 'just chatting'});
		session.pushEntry({text: 'me again?', mentionsMe: true});
		await waitForText(rendered, 'me again?');
		await waitFor(() => bells(rendered) === 2);

		const raw = rawScreen(rendered).split('\n');
		const mention = raw.find(line => line.includes('hey me, look'));
		const plain = raw.find(line => line.includes('just chatting'));
		expect(mention).toContain('\u001B[33m\u001B[1mhey me, look');
		expect(plain).not.toContain('\u001B[33m');
		expect(bells(rendered)).toBe(2);
	});
});

describe('terminal size', () => {
	test('too small: a message instead of the panes, and back when it grows', async () => {
		const session = connectedSession();
		session.pushEntry({text: 'still here'});
		const rendered = renderApp({session}, {columns: 59, rows: 30});
		let frame = await waitForText(rendered, 'terminal too small (need 60x15)');
		expect(frame).toContain('now 59x30');
		expect(frame).not.toContain('still here');
		resize(rendered, 80, 14);
		frame = await waitForText(rendered, 'now 80x14');
		expect(frame).toContain('terminal too small (need 60x15)');
		resize(rendered, 60, 15);
		frame = await waitForText(rendered, 'still here');
		expect(frame).not.toContain('too small');
		await press(rendered, keys.ctrlC);
		await waitFor(() => rendered.exits.length > 0);
		expect(rendered.exits).toEqual([0]);
	});

	test('the layout follows a resize and every line fits the terminal', async () => {
		const session = connectedSession();
		session.pushEntry({text: 'a line that is long enough to wrap when the terminal is narrow, and then some more words'});
		const rendered = renderApp({session}, {columns: 120, rows: 30});
		await waitFor(() => screen(rendered).split('\n').length === 29);
		let frame = screen(rendered);
		expect(frame).toContain('Members (3)');
		resize(rendered, 64, 18);
		await waitFor(() => screen(rendered).split('\n').length === 17);
		frame = screen(rendered);
		for (const line of frame.split('\n')) {
			expect(stringWidth(line)).toBeLessThanOrEqual(64);
		}

		expect(frame.replaceAll(/[│║\s]+/g, ' ')).toContain('wrap when the terminal is narrow');
	});

	test('wide CJK and emoji text wraps inside a narrow pane', async () => {
		const session = connectedSession();
		const text = '日本語のテキストはとても長いです、そして絵文字も 🎉🎉🎉 入っています 漢字漢字漢字漢字漢字漢字';
		session.pushEntry({text, from: 'bob'});
		const rendered = renderApp({session}, {columns: 60, rows: 15});
		const lines = await waitFor(() => {
			const frame = screen(rendered).split('\n');
			return frame.length === 14 && frame.every(line => stringWidth(line) <= 60) && frame.some(line => line.includes('bob:')) ? frame : undefined;
		});
		const paneLines = lines.filter(line => line.startsWith('│') && /[\u3040-\u30FF\u4E00-\u9FFF🎉]/u.test(line));
		expect(paneLines.length).toBeGreaterThanOrEqual(3);
		for (const line of lines) {
			expect(stringWidth(line)).toBeLessThanOrEqual(60);
		}

		for (const line of paneLines) {
			const inner = line.slice(1, line.indexOf('│', 1));
			expect(stringWidth(inner)).toBe(60 - 24 - 2);
		}

		const joined = paneLines.map(line => line.slice(1, line.indexOf('│', 1)).trim()).join('');
		expect(joined.replaceAll(/\s/g, '')).toContain(text.replaceAll(/\s/g, ''));
	});
});

describe('cleanup', () => {
	test('unmounting unsubscribes from the session', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		await waitForText(rendered, '● connected');
		expect(session.listenerCount).toBeGreaterThan(0);
		rendered.unmount();
		await waitFor(() => session.listenerCount === 0);
	});
});

test('status "left" takes the chat down and exits with 0', async () => {
	const session = connectedSession();
	const rendered = renderApp({session});
	await waitForText(rendered, '● connected');
	session.update({status: 'left'});
	await waitForNoText(rendered, '● connected');
	expect(rendered.exits).toEqual([0]);
});
