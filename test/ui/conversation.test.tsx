/**
 * Replies, reactions, typing and presence on screen: the quote above a reply, the counts under
 * a message, "bob is typing…" above the input, away and idle members dimmed.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {typingLine} from '../../source/ui/chat/chat-screen.js';
import {connectedSession} from './fake-session.js';
import {press, renderApp} from './render-app.js';
import {waitForNoText, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

describe('replies and reactions in the messages pane', () => {
	test('a reply shows a one-line quote of what it answers; the original shows its reactions', async () => {
		const session = connectedSession();
		session.pushEntries([
			{text: 'the slides are ready', from: 'bob', seq: 7},
			{text: 'thanks!', from: 'carol', seq: 8, replyTo: 7},
		]);
		session.update({reactions: {7: [{emoji: '👍', names: ['carol', 'me', 'dan']}, {emoji: '🎉', names: ['carol']}]}});
		const rendered = renderApp({session});
		const frame = await waitForText(rendered, '↳ bob: the slides are ready');
		expect(frame.indexOf('↳ bob: the slides are ready')).toBeLessThan(frame.indexOf('carol: thanks!'));
		expect(frame).toContain('👍 3  🎉 1');
		expect(frame.indexOf('bob: the slides are ready\n')).toBeLessThan(frame.indexOf('👍 3'));
		// A reaction taken back: the counts follow.
		session.update({reactions: {7: [{emoji: '👍', names: ['carol', 'me']}]}});
		await waitForText(rendered, '👍 2');
		await waitForNoText(rendered, '🎉');
	});

	test('a reply to a message this view does not hold says so; a long quote is cut to one line', async () => {
		const session = connectedSession();
		session.pushEntries([
			{text: `${'word '.repeat(60)}end`, from: 'bob', seq: 3},
			{text: 'long ago', from: 'carol', seq: 9, replyTo: 1},
			{text: 'to the long one', from: 'dan', seq: 10, replyTo: 3},
		]);
		const rendered = renderApp({session});
		const frame = await waitForText(rendered, '↳ #1 (not in this view)');
		const quote = frame.split('\n').find(line => line.includes('↳ bob: word'))!;
		expect(quote).toContain('…');
		expect(quote).not.toContain('end');
	});
});

describe('typing and presence', () => {
	test('"bob is typing…" above the input while someone types; the keys help when nobody does', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		await waitForText(rendered, 'Esc/Shift+Tab: pane');
		session.update({typing: ['bob']});
		await waitForText(rendered, 'bob is typing…');
		session.update({typing: ['bob', 'carol']});
		await waitForText(rendered, 'bob and carol are typing…');
		session.update({typing: []});
		await waitForText(rendered, 'Esc/Shift+Tab: pane');
		expect(typingLine(['a', 'b', 'c'])).toBe('a, b and c are typing…');
		expect(typingLine(['a', 'b', 'c', 'd'])).toBe('4 people are typing…');
		expect(typingLine([])).toBeUndefined();
	});

	test('what I type is reported to the session (its typing pace and idle clock)', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		await waitForText(rendered, 'Esc/Shift+Tab: pane');
		// Joined: the idle clock starts (an empty draft, no typing).
		expect(session.keystrokes).toEqual(['']);
		await press(rendered, 'h', 'i');
		expect(session.keystrokes.slice(-2)).toEqual(['h', 'hi']);
	});

	test('away and idle members are marked in the member list, the reason on selection', async () => {
		const session = connectedSession({
			members: [
				{name: 'me', isHost: false, isMe: true},
				{name: 'bob', isHost: false, isMe: false, state: 'away', reason: 'lunch'},
				{name: 'carol', isHost: false, isMe: false, state: 'idle'},
			],
		});
		const rendered = renderApp({session});
		const frame = await waitForText(rendered, 'bob · away');
		expect(frame).toContain('carol · idle');
		expect(frame).not.toContain('lunch');
		// The members pane (Esc, Esc from the input: messages, then members), bob selected.
		await press(rendered, '\u001B', '\u001B', '\u001B[B');
		await waitForText(rendered, 'bob · away: lunch');
	});
});

describe('selecting a message (Esc to the messages pane, then ↑↓)', () => {
	test('↑ selects the newest message, the hint shows its number and who reacted; r starts a reply to it', async () => {
		const session = connectedSession();
		session.pushEntries([
			{text: 'the slides are ready', from: 'bob', seq: 7},
			{kind: 'join', text: '', from: 'dan', seq: 8},
			{text: 'lunch?', from: 'carol', seq: 9},
		]);
		session.update({reactions: {7: [{emoji: '👍', names: ['carol', 'dan']}]}});
		const rendered = renderApp({session});
		await waitForText(rendered, 'lunch?');
		await press(rendered, '\u001B', '\u001B[A');
		await waitForText(rendered, '#9 · r: reply · +: react');
		// Up again skips the join: the slides, with its reactions' names.
		await press(rendered, '\u001B[A');
		await waitForText(rendered, '#7 · 👍 carol, dan · r: reply');
		await press(rendered, 'r');
		await waitForText(rendered, '› /reply 7');
		await press(rendered, 'o', 'k', '\r');
		expect(session.submitted.at(-1)).toBe('/reply 7 ok');
	});

	test('+ opens the picker: a digit reacts at once; or type one and Enter; Esc cancels', async () => {
		const session = connectedSession();
		session.pushEntries([{text: 'ship it?', from: 'bob', seq: 4}]);
		const rendered = renderApp({session});
		await waitForText(rendered, 'ship it?');
		await press(rendered, '\u001B', '\u001B[A', '+');
		await waitForText(rendered, 'react to #4: 1 👍');
		await press(rendered, '4');
		expect(session.submitted.at(-1)).toBe('/react 4 😮');
		await press(rendered, '+', '🚀');
		await waitForText(rendered, 'react to #4 with 🚀');
		await press(rendered, '\r');
		expect(session.submitted.at(-1)).toBe('/react 4 🚀');
		const before = session.submitted.length;
		await press(rendered, '+', '\u001B');
		await waitForNoText(rendered, 'react to #4');
		expect(session.submitted.length).toBe(before);
		// Still in the messages pane, the message still selected.
		await waitForText(rendered, '#4 · r: reply');
	});

	test('Enter on a reply goes to the message it quotes, scrolling back to it', async () => {
		const session = connectedSession();
		session.pushEntries([
			{text: 'the original question', from: 'bob', seq: 1},
			...Array.from({length: 40}, (_, i) => ({text: `filler ${i}`, from: 'carol', seq: 2 + i})),
			{text: 'the answer', from: 'dan', seq: 50, replyTo: 1},
		]);
		const rendered = renderApp({session});
		await waitForText(rendered, 'the answer');
		await waitForNoText(rendered, 'carol: filler 0');
		await press(rendered, '\u001B', '\u001B[A');
		await waitForText(rendered, '#50 · r: reply · +: react · Enter: the quoted message');
		await press(rendered, '\r');
		await waitForText(rendered, '#1 · r: reply');
		await waitForText(rendered, 'bob: the original question');
	});
});
