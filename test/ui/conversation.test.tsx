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
		await waitForText(rendered, 'Ctrl+C: quit');
		session.update({typing: ['bob']});
		await waitForText(rendered, 'bob is typing…');
		session.update({typing: ['bob', 'carol']});
		await waitForText(rendered, 'bob and carol are typing…');
		session.update({typing: []});
		await waitForText(rendered, 'Ctrl+C: quit');
		expect(typingLine(['a', 'b', 'c'])).toBe('a, b and c are typing…');
		expect(typingLine(['a', 'b', 'c', 'd'])).toBe('4 people are typing…');
		expect(typingLine([])).toBeUndefined();
	});

	test('what I type is reported to the session (its typing pace and idle clock)', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		await waitForText(rendered, 'Ctrl+C: quit');
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
