import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {TerminalFeatures} from '../../source/ui/terminal/notify-escapes.js';
import {TerminalInput} from '../../source/ui/terminal/terminal-input.js';
import {TerminalDecoder, type TerminalEvent} from '../../source/ui/terminal/terminal-decoder.js';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession} from './fake-session.js';
import {press, renderApp, type RenderedApp} from './render-app.js';
import {screen, waitForText} from './wait-for.js';

const ESC = '\u001B';
const BEL = '\u0007';
const focusOut = `${ESC}[O`;
const focusIn = `${ESC}[I`;

afterEach(() => {
	cleanup();
});

describe('focus reports on raw stdin', () => {
	test('turned into focus events, split across chunks too; keys around them go on', () => {
		const decoder = new TerminalDecoder();
		const events: TerminalEvent[] = [];
		for (const [index, chunk] of ['a', ESC, '[', 'Ob', `${ESC}[`, `I${ESC}[O${ESC}`, '[Ic'].entries()) {
			events.push(...decoder.push(chunk, index * 1000));
		}

		events.push(...decoder.flush());
		expect(events).toEqual([
			{kind: 'keys', data: 'a'},
			{kind: 'focus', focused: false},
			{kind: 'keys', data: 'b'},
			{kind: 'focus', focused: true},
			{kind: 'focus', focused: false},
			{kind: 'focus', focused: true},
			{kind: 'keys', data: 'c'},
		]);
	});

	test('never handed to Ink: the terminal input layer gives them to its listeners only', () => {
		const toInk: string[] = [];
		const input = new TerminalInput(process.stdin, {toInk: data => toInk.push(data)});
		const heard: unknown[] = [];
		input.onText(event => heard.push(event));
		for (const chunk of [`x${ESC}`, '[O', `y${focusIn}`, ESC, '[', 'O']) {
			input.feed(chunk);
		}

		input.flushWaiting();
		expect(toInk.join('')).toBe('xy');
		expect(heard).toEqual([
			{kind: 'focus', focused: false},
			{kind: 'focus', focused: true},
			{kind: 'focus', focused: false},
		]);
	});
});

const notifying: TerminalFeatures = {notify: 'osc777', tmux: false, hyperlinks: false};

function writes(rendered: RenderedApp): string[] {
	return rendered.frames.filter(frame => frame.startsWith(`${ESC}]`) || frame.startsWith(`${ESC}P`));
}

const title = (text: string) => `${ESC}]2;${text}${BEL}`;

describe('notifications while the terminal is in the background', () => {
	test('a mention and a DM notify; the title counts unread messages; focus back resets it; focus never moves the panes or reaches the input', async () => {
		const session = connectedSession();
		session.pushEntry({text: 'before', from: 'bob'});
		const rendered = renderApp({session, features: notifying});
		await waitForText(rendered, 'bob: before');
		// While focused nothing is written.
		session.pushEntry({text: 'hey me', from: 'bob', mentionsMe: true});
		await waitForText(rendered, 'hey me');
		expect(writes(rendered)).toEqual([]);

		await press(rendered, 'ab', focusOut);
		session.pushEntry({text: 'old news for me', from: 'bob', mentionsMe: true, fromHistory: true});
		session.pushEntry({text: 'me said this', from: 'me', mentionsMe: false});
		session.pushEntry({text: 'me? look', from: 'bob', mentionsMe: true});
		await waitFor(() => writes(rendered).length === 2);
		expect(writes(rendered)).toEqual([`${ESC}]777;notify;bob mentioned you;me? look${BEL}`, title('(1) socket-chat-tui')]);

		session.pushEntry({text: 'just chatting', from: 'alice'});
		session.pushEntry({kind: 'direct', text: `psst${ESC}]2;pwned${BEL}`, from: 'alice', to: 'me'});
		await waitFor(() => writes(rendered).length === 5);
		expect(writes(rendered).slice(2)).toEqual([
			title('(2) socket-chat-tui'),
			`${ESC}]777;notify;alice (direct message);psst ]2;pwned${BEL}`,
			title('(3) socket-chat-tui'),
		]);

		await press(rendered, focusIn);
		await waitFor(() => writes(rendered).length === 6);
		expect(writes(rendered)[5]).toBe(title('socket-chat-tui'));
		session.pushEntry({text: 'me again', from: 'bob', mentionsMe: true});
		await waitForText(rendered, 'me again');
		expect(writes(rendered)).toHaveLength(6);

		// The focus reports were no keys: the draft holds what was typed.
		await press(rendered, 'c');
		const frame = await waitForText(rendered, '› abc');
		expect(frame).not.toContain('[O');
		expect(frame).not.toContain('[I');
	});

	test('a focus report is no key: the pane that has the focus keeps it', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: notifying});
		await waitForText(rendered, 'Members (3)');
		await press(rendered, ESC);
		await waitForText(rendered, '╔═ Messages');
		await press(rendered, focusOut, focusIn);
		expect(screen(rendered)).toContain('╔═ Messages');
		expect(screen(rendered)).not.toContain('› [');
	});

	test('--no-notify (no notification kind): focus out and a mention write nothing', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: {tmux: false, hyperlinks: false}});
		await waitForText(rendered, 'Members (3)');
		await press(rendered, focusOut);
		session.pushEntry({text: 'hey me', from: 'bob', mentionsMe: true});
		session.pushEntry({kind: 'direct', text: 'psst', from: 'alice', to: 'me'});
		await waitForText(rendered, 'psst');
		await press(rendered, focusIn);
		expect(writes(rendered)).toEqual([]);
	});

	test('inside tmux the notification goes through passthrough; the title does not need to', async () => {
		const session = connectedSession();
		const rendered = renderApp({session, features: {notify: 'osc9', tmux: true, hyperlinks: false}});
		await waitForText(rendered, 'Members (3)');
		await press(rendered, focusOut);
		session.pushEntry({text: 'me!', from: 'bob', mentionsMe: true});
		await waitFor(() => writes(rendered).length === 2);
		expect(writes(rendered)).toEqual([`${ESC}Ptmux;${ESC}${ESC}]9;bob mentioned you: me!${BEL}${ESC}\\`, title('(1) socket-chat-tui')]);
	});
});

describe('links', () => {
	test('drawn as OSC 8 hyperlinks when the terminal shows them, plain text otherwise', async () => {
		const url = 'https://example.com/notes';
		for (const hyperlinks of [true, false]) {
			const session = connectedSession();
			session.pushEntry({text: `notes at ${url} ok`, from: 'bob'});
			const rendered = renderApp({session, features: {tmux: false, hyperlinks}});
			await waitForText(rendered, `bob: notes at ${url} ok`);
			const raw = rendered.lastFrame() ?? '';
			const link = `${ESC}]8;;${url}${BEL}${url}${ESC}]8;;${BEL}`;
			expect(raw.includes(link)).toBe(hyperlinks);
			expect(raw.includes(`${ESC}]8;`)).toBe(hyperlinks);
			// The escapes take no cells: the pane's right border stays where it is on every row.
			const rows = screen(rendered).split('\n').filter(row => row.startsWith('│'));
			expect(rows.length).toBeGreaterThan(10);
			expect(new Set(rows.map(row => row.indexOf('│', 1)))).toEqual(new Set([69]));
			cleanup();
		}
	});
});
