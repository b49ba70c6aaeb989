/**
 * Each message is wrapped once per pane width, however often the screen is drawn: a new
 * message wraps only itself, keys and scrolling back to what was seen wrap nothing, and a
 * resize wraps only what is on screen. Counts the calls of the real wrapping function.
 */
import {afterEach, describe, expect, test, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {entryLines} from '../../source/ui/messages/format-entry.js';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession} from './fake-session.js';
import {keys} from './keys.js';
import {press, renderApp, resize} from './render-app.js';
import {screen, waitForText} from './wait-for.js';

vi.mock('../../source/ui/messages/format-entry.js', async importOriginal => {
	const actual = await importOriginal<typeof import('../../source/ui/messages/format-entry.js')>();
	return {...actual, entryLines: vi.fn(actual.entryLines)};
});

const wrapped = vi.mocked(entryLines);

afterEach(() => {
	cleanup();
	wrapped.mockClear();
});

/** The ids of the entries wrapped since `from` calls, in order. */
function wrappedIds(from: number): number[] {
	return wrapped.mock.calls.slice(from).map(([entry]) => entry.id);
}

describe('wrapped lines are cached across renders', () => {
	test('only what reaches the screen is wrapped, each entry once', async () => {
		const session = connectedSession();
		session.pushEntries(Array.from({length: 500}, (_, index) => ({text: `line ${index + 1} 日本語 🎉`})));
		const rendered = renderApp({session});
		await waitForText(rendered, 'line 500 日本語');
		const first = wrappedIds(0);
		// A 24-row terminal shows about 18 of the 500: those are wrapped, and none twice.
		expect(first.length).toBeGreaterThan(10);
		expect(first.length).toBeLessThan(40);
		expect(new Set(first).size).toBe(first.length);
	});

	test('a new message wraps itself only; typing wraps nothing', async () => {
		const session = connectedSession();
		session.pushEntries(Array.from({length: 100}, (_, index) => ({text: `msg ${index + 1}`})));
		const rendered = renderApp({session});
		await waitForText(rendered, 'msg 100');
		for (let index = 101; index <= 110; index++) {
			const before = wrapped.mock.calls.length;
			const entry = session.pushEntry({text: `msg ${index}`});
			await waitForText(rendered, `msg ${index}`);
			expect(wrappedIds(before)).toEqual([entry.id]);
		}

		const before = wrapped.mock.calls.length;
		await press(rendered, 'h', 'e', 'l', 'l', 'o');
		await waitForText(rendered, '› hello');
		expect(wrappedIds(before)).toEqual([]);
	});

	test('scrolling wraps what comes into view once; scrolling back wraps nothing', async () => {
		const session = connectedSession();
		session.pushEntries(Array.from({length: 100}, (_, index) => ({text: `msg ${index + 1}`})));
		const rendered = renderApp({session});
		await waitForText(rendered, 'msg 100');
		const live = wrapped.mock.calls.length;
		await press(rendered, keys.pageUp);
		await waitForText(rendered, '▲ scrolled up');
		const paged = wrappedIds(live);
		expect(paged.length).toBeGreaterThan(0);
		expect(new Set(paged).size).toBe(paged.length);
		const up = wrapped.mock.calls.length;
		await press(rendered, keys.end);
		await waitFor(() => !screen(rendered).includes('scrolled'));
		await press(rendered, keys.pageUp);
		await waitForText(rendered, '▲ scrolled up');
		expect(wrappedIds(up)).toEqual([]);
	});

	test('a resize wraps what is on screen again, at the new width, once', async () => {
		const session = connectedSession();
		session.pushEntries(Array.from({length: 100}, (_, index) => ({text: `msg ${index + 1}`})));
		const rendered = renderApp({session});
		await waitForText(rendered, 'msg 100');
		const before = wrapped.mock.calls.length;
		resize(rendered, 80, 24);
		await waitFor(() => wrapped.mock.calls.length > before && screen(rendered).includes('msg 100'));
		const widths = new Set(wrapped.mock.calls.slice(before).map(([, width]) => width));
		expect(widths.size).toBe(1);
		const again = wrappedIds(before);
		expect(again.length).toBeLessThan(40);
		expect(new Set(again).size).toBe(again.length);
	});
});
