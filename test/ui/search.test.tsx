import stripAnsi from 'strip-ansi';
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession, type FakeSession} from './fake-session.js';
import {keys} from './keys.js';
import {press, renderApp} from './render-app.js';
import {rawScreen, screen, waitForNoText, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

const ctrlF = '\u0006';
const shiftEnter = '\u001B[13;2u';
const lunches = new Set([10, 50, 95]);

function label(index: number): string {
	return `msg-${String(index).padStart(3, '0')}`;
}

function withMessages(count: number): FakeSession {
	const session = connectedSession();
	session.pushEntries(Array.from({length: count}, (_, index) => ({from: 'bob', text: `${label(index + 1)}${lunches.has(index + 1) ? ' Lunch?' : ''}`})));
	return session;
}

function shown(frame: string): string[] {
	return [...frame.matchAll(/msg-\d{3}/g)].map(match => match[0]);
}

/** The line of the input (the last one drawn). */
function bottomLine(frame: string): string {
	return frame.trimEnd().split('\n').at(-1) ?? '';
}

describe('searching the messages', () => {
	test('Ctrl+F opens the search; typing counts the matches; Enter, n, N and Shift+Enter move and scroll; Esc goes back to live', async () => {
		const session = withMessages(100);
		const rendered = renderApp({session});
		await waitForText(rendered, label(100));
		await press(rendered, ctrlF);
		let frame = await waitForText(rendered, 'find:');
		expect(frame).toContain('Enter/↑: older · Shift+Enter/↓: newer · n/N after Enter · Ctrl+F: edit · Esc: close');
		await press(rendered, 'l', 'u', 'n');
		frame = await waitForText(rendered, /find: lun\s+1 of 3/);
		// The newest match was on screen already: the view stays live, the match highlighted and current.
		expect(frame).not.toContain('scrolled');
		expect(rawScreen(rendered)).toContain('\u001B[7mLun\u001B[27m');
		await press(rendered, 'c', 'h');
		await waitForText(rendered, /find: lunch\s+1 of 3/);

		await press(rendered, keys.enter);
		frame = await waitForText(rendered, /find: lunch\s+2 of 3/);
		expect(shown(frame)).toContain(label(50));
		expect(frame).toContain('▲ scrolled up');
		await press(rendered, 'n');
		frame = await waitForText(rendered, /find: lunch\s+3 of 3/);
		expect(shown(frame)).toContain(label(10));
		expect(shown(frame)).not.toContain(label(50));
		await press(rendered, 'n');
		frame = await waitForText(rendered, /find: lunch\s+1 of 3/);
		expect(shown(frame)).toContain(label(95));
		await press(rendered, 'N');
		frame = await waitForText(rendered, /find: lunch\s+3 of 3/);
		expect(shown(frame)).toContain(label(10));
		await press(rendered, shiftEnter);
		frame = await waitForText(rendered, /find: lunch\s+2 of 3/);
		expect(shown(frame)).toContain(label(50));
		await press(rendered, keys.up);
		await waitForText(rendered, /find: lunch\s+3 of 3/);
		await press(rendered, keys.down);
		await waitForText(rendered, /find: lunch\s+2 of 3/);

		await press(rendered, keys.escape);
		frame = await waitForNoText(rendered, 'find:');
		expect(frame).not.toContain('scrolled');
		expect(shown(frame).at(-1)).toBe(label(100));
		expect(bottomLine(frame)).toContain('type a message');
		expect(rawScreen(rendered)).not.toMatch(/\u001B\[[47]mLunch/);
		expect(session.submitted).toEqual([]);
	});

	test('Esc puts a scrolled view back where it was; while no search is open, Esc still moves between panes', async () => {
		const session = withMessages(100);
		const rendered = renderApp({session});
		await waitForText(rendered, label(100));
		await press(rendered, keys.pageUp, keys.pageUp);
		const before = shown(await waitForText(rendered, '▲ scrolled up'));
		await press(rendered, ctrlF, 'l', 'u', 'n', 'c', 'h', keys.enter, keys.enter);
		await waitFor(() => shown(screen(rendered)).includes(label(10)), {what: () => `msg-010 on screen:\n${screen(rendered)}`});
		await press(rendered, keys.escape);
		await waitForNoText(rendered, 'find:');
		await waitFor(() => shown(screen(rendered)).join() === before.join(), {what: () => `the view put back:\n${screen(rendered)}`});
		await press(rendered, keys.escape);
		await waitFor(() => bottomLine(screen(rendered)).startsWith('·'), {what: () => `the focus moved on:\n${screen(rendered)}`});
	});

	test('no match says so; Backspace edits the query; a pasted line goes into it; typing n before Enter is text', async () => {
		const session = withMessages(20);
		session.pushEntry({from: 'bob', text: 'nano lunch'});
		const rendered = renderApp({session});
		await waitForText(rendered, 'nano lunch');
		await press(rendered, ctrlF, 'x', 'y');
		await waitForText(rendered, /find: xy\s+no match/);
		await press(rendered, keys.backspace, keys.backspace, 'n', 'a');
		await waitForText(rendered, /find: na\s+1 of 1/);
		rendered.terminal.feed('\u001B[200~no lunch\u001B[201~');
		await waitForText(rendered, /find: nano lunch\s+1 of 1/);
	});

	test('/find TEXT (the session hands it over) opens the search with TEXT', async () => {
		const session = withMessages(100);
		const rendered = renderApp({session});
		await waitForText(rendered, label(100));
		session.find('msg-05');
		await waitForText(rendered, /find: msg-05\s+1 of 10/);
	});
});

describe('ignored members', () => {
	test("their lines collapse in place into one dim count per run; others' lines stay", async () => {
		const session = connectedSession({ignored: [{name: 'bob', keys: ['bob']}]});
		session.pushEntries([
			{from: 'alice', text: 'first'},
			{from: 'bob', text: 'secret one'},
			{from: 'BOB', kind: 'action', text: 'secret two'},
			{from: 'bob', kind: 'direct', to: 'me', text: 'secret three'},
			{from: 'alice', text: 'second'},
			{from: 'bob', text: 'secret four'},
			{from: 'bob', kind: 'join', text: 'bob joined'},
		]);
		const rendered = renderApp({session});
		const frame = await waitForText(rendered, 'bob joined');
		expect(frame).not.toContain('secret');
		const lines = frame.split('\n').filter(line => line.startsWith('│') && /first|second|hidden|joined/.test(line)).map(line => stripAnsi(line).replace(/^│\d\d:\d\d /, '').replace(/\s*│.*$/, ''));
		expect(lines).toEqual(['alice: first', '3 lines from bob hidden (/unignore bob)', 'alice: second', '1 line from bob hidden (/unignore bob)', '→ bob joined']);
		expect(rawScreen(rendered)).toContain('\u001B[2m3 lines from bob hidden (/unignore bob)');
		session.update({ignored: []});
		await waitForText(rendered, 'secret four');
	});

	test('their mentions of me ring no bell', async () => {
		const session = connectedSession({ignored: [{name: 'bob', keys: ['bob']}]});
		const rendered = renderApp({session});
		await waitForText(rendered, 'type a message');
		session.pushEntry({from: 'bob', text: 'hey me', mentionsMe: true});
		session.pushEntry({from: 'alice', text: 'me too', mentionsMe: true});
		await waitForText(rendered, 'alice: me too');
		await waitFor(() => rendered.frames.filter(frame => frame === '\u0007').length === 1, {what: 'one bell, for alice'});
		expect(rendered.frames.filter(frame => frame === '\u0007')).toHaveLength(1);
	});

	test('a search leaves their lines out', async () => {
		const session = connectedSession({ignored: [{name: 'bob', keys: ['bob']}]});
		session.pushEntries([{from: 'bob', text: 'lunch?'}, {from: 'alice', text: 'lunch!'}]);
		const rendered = renderApp({session});
		await waitForText(rendered, 'alice: lunch!');
		await press(rendered, ctrlF, 'l', 'u', 'n', 'c', 'h');
		await waitForText(rendered, /find: lunch\s+1 of 1/);
	});
});
