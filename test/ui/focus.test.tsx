import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession} from './fake-session.js';
import {keys} from './keys.js';
import {press, renderApp} from './render-app.js';
import {screen, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

/** The title of the pane drawn with a double (focused) border, or "input". */
function focused(frame: string): string {
	const title = /╔═ ([^═]+) ═/.exec(frame)?.[1];
	if (title !== undefined) {
		return title.replace(/ \(.*\)$/, '');
	}

	return frame.split('\n').some(line => line.startsWith('› ')) ? 'input' : 'none';
}

async function waitForFocus(rendered: ReturnType<typeof renderApp>, pane: string): Promise<void> {
	await waitFor(() => focused(screen(rendered)) === pane, {what: () => `focus on ${pane}, is on ${focused(screen(rendered))}`});
}

describe('focus', () => {
	test('Esc cycles input → messages → members → files → input; Shift+Tab goes back', async () => {
		const rendered = renderApp({session: connectedSession()});
		await waitForText(rendered, 'Members (3)');
		await waitForFocus(rendered, 'input');
		for (const pane of ['Messages', 'Members', 'Files', 'input']) {
			await press(rendered, keys.escape);
			await waitForFocus(rendered, pane);
		}

		await press(rendered, keys.shiftTab);
		await waitForFocus(rendered, 'Files');
		await press(rendered, keys.shiftTab);
		await waitForFocus(rendered, 'Members');
	});

	test('typing in another pane goes to the input', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		await waitForText(rendered, 'Members (3)');
		await press(rendered, keys.escape);
		await waitForFocus(rendered, 'Messages');
		await press(rendered, 'h');
		await waitForFocus(rendered, 'input');
		await waitForText(rendered, '› h');
		await press(rendered, 'i');
		await waitForText(rendered, '› hi');
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.includes('hi'));
	});

	test('files pane: Up/Down select an offer, Enter gets it', async () => {
		const session = connectedSession({
			offers: [
				{id: 'f1', name: 'one.txt', size: 10, from: 'alice', complete: true, time: 0},
				{id: 'f2', name: 'two.txt', size: 20, from: 'bob', complete: true, time: 0},
			],
		});
		const rendered = renderApp({session});
		await waitForText(rendered, 'Files (2)');
		await press(rendered, keys.shiftTab);
		await waitForFocus(rendered, 'Files');
		await waitForText(rendered, '› f1 one.txt');
		await press(rendered, keys.down);
		await waitForText(rendered, '› f2 two.txt');
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.includes('/get f2'));
		await press(rendered, keys.up, keys.up);
		await waitForText(rendered, '› f1 one.txt');
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.at(-1) === '/get f1');
		expect(session.submitted).toEqual(['/get f2', '/get f1']);
	});

	test('members pane: Enter starts a direct message', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		await waitForText(rendered, 'Members (3)');
		await press(rendered, keys.escape);
		await waitForFocus(rendered, 'Messages');
		await press(rendered, keys.escape);
		await waitForFocus(rendered, 'Members');
		await press(rendered, keys.down);
		await waitForText(rendered, '›  bob');
		await press(rendered, keys.enter);
		await waitForFocus(rendered, 'input');
		await waitForText(rendered, '› /msg bob');
		await press(rendered, 'hey', keys.enter);
		await waitFor(() => session.submitted.includes('/msg bob hey'));
	});

	test('arrows in the input recall history, not scroll or select', async () => {
		const session = connectedSession({offers: [{id: 'f1', name: 'one.txt', size: 10, from: 'alice', complete: true, time: 0}]});
		const rendered = renderApp({session});
		await waitForText(rendered, 'Files (1)');
		await press(rendered, keys.down, keys.enter);
		await press(rendered, 'x');
		await waitForText(rendered, '› x');
		expect(session.submitted).toEqual([]);
	});
});
