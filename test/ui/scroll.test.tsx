import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession, type FakeSession} from './fake-session.js';
import {keys} from './keys.js';
import {press, renderApp} from './render-app.js';
import {screen, waitForNoText, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

function label(index: number): string {
	return `msg-${String(index).padStart(3, '0')}`;
}

function withMessages(count: number): FakeSession {
	const session = connectedSession();
	session.pushEntries(Array.from({length: count}, (_, index) => ({text: label(index + 1)})));
	return session;
}

/** The message labels on screen, top to bottom. */
function shown(frame: string): string[] {
	return [...frame.matchAll(/msg-\d{3}/g)].map(match => match[0]);
}

describe('scrolling the messages', () => {
	test('PgUp shows older messages; new ones are counted; End returns to live', async () => {
		const session = withMessages(100);
		const rendered = renderApp({session});
		let frame = await waitForText(rendered, label(100));
		const live = shown(frame);
		expect(live.at(-1)).toBe(label(100));
		expect(live).toHaveLength(18);

		await press(rendered, keys.pageUp);
		frame = await waitForText(rendered, '▲ scrolled up');
		const up = shown(frame);
		expect(up.at(-1)).toBe(label(84));
		expect(up[0]).toBe(label(68));
		expect(frame).toContain('Messages (scrolled)');

		session.pushEntries([{text: 'new one'}, {text: 'new two'}, {text: 'new three'}]);
		frame = await waitForText(rendered, '▼ 3 new messages — End to return');
		expect(shown(frame)).toEqual(up);
		expect(frame).not.toContain('new three');

		await press(rendered, keys.end);
		frame = await waitForText(rendered, 'new three');
		expect(frame).not.toContain('new messages');
		expect(frame).not.toContain('scrolled');
	});

	test('PgUp twice, PgDn once, PgDn back to live; the top is as far as it goes', async () => {
		const session = withMessages(60);
		const rendered = renderApp({session});
		await waitForText(rendered, label(60));
		await press(rendered, keys.pageUp);
		await waitFor(() => shown(screen(rendered)).at(-1) === label(44));
		await press(rendered, keys.pageUp);
		await waitFor(() => shown(screen(rendered)).at(-1) === label(28));
		await press(rendered, keys.pageDown);
		await waitFor(() => shown(screen(rendered)).at(-1) === label(44));
		await press(rendered, keys.pageDown);
		await waitForNoText(rendered, 'scrolled');
		expect(shown(screen(rendered)).at(-1)).toBe(label(60));

		for (let index = 0; index < 6; index++) {
			await press(rendered, keys.pageUp);
		}

		await waitFor(() => shown(screen(rendered))[0] === label(1));
		expect(shown(screen(rendered))).toHaveLength(17);
	});

	test('with the messages pane focused, arrows scroll line by line and Home goes to the top', async () => {
		const session = withMessages(40);
		const rendered = renderApp({session});
		await waitForText(rendered, label(40));
		await press(rendered, keys.escape);
		await waitForText(rendered, '╔═ Messages');
		await press(rendered, keys.up);
		await waitFor(() => shown(screen(rendered)).at(-1) === label(39));
		await press(rendered, keys.down);
		await waitForNoText(rendered, 'scrolled');
		await press(rendered, keys.home);
		await waitFor(() => shown(screen(rendered))[0] === label(1));
	});

	test('while live, new messages just appear', async () => {
		const session = withMessages(30);
		const rendered = renderApp({session});
		await waitForText(rendered, label(30));
		session.pushEntry({text: label(31)});
		const frame = await waitForText(rendered, label(31));
		expect(frame).not.toContain('new message');
		expect(shown(frame)[0]).toBe(label(14));
	});
});
