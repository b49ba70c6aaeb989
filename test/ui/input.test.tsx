import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {connectedSession} from './fake-session.js';
import {keys} from './keys.js';
import {press, renderApp, type RenderedApp} from './render-app.js';
import {screen, waitFor, waitForNoText, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

function lines(rendered: RenderedApp): string[] {
	return screen(rendered).split('\n');
}

/** The input line without its prompt and trailing space (the cursor). */
function inputLine(rendered: RenderedApp): string {
	return (lines(rendered).at(-1) ?? '').replace(/^› /, '').trimEnd();
}

function hintLine(rendered: RenderedApp): string {
	return lines(rendered).at(-2) ?? '';
}

async function waitForInput(rendered: RenderedApp, value: string): Promise<void> {
	await waitFor(() => inputLine(rendered) === value, {message: () => `input "${value}", is "${inputLine(rendered)}"`});
}

async function start(): Promise<{session: ReturnType<typeof connectedSession>; rendered: RenderedApp}> {
	const session = connectedSession();
	const rendered = renderApp({session});
	await waitForText(rendered, '› type a message');
	return {session, rendered};
}

describe('input line', () => {
	test('Enter submits the line and empties the field; blank lines are ignored', async () => {
		const {session, rendered} = await start();
		await press(rendered, keys.enter, '   ');
		await waitForNoText(rendered, 'type a message');
		await press(rendered, keys.enter);
		await press(rendered, 'hello room');
		await waitForInput(rendered, '   hello room');
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.length === 1);
		expect(session.submitted).toEqual(['   hello room']);
		await waitForText(rendered, '› type a message');
	});

	test('pasted lines are sent one by one; the unfinished rest stays in the field', async () => {
		const {session, rendered} = await start();
		await press(rendered, 'first line\rsecond line\r\rthird');
		await waitFor(() => session.submitted.length === 2);
		await waitForInput(rendered, 'third');
		expect(session.submitted).toEqual(['first line', 'second line']);
		await press(rendered, keys.up);
		await waitForInput(rendered, 'second line');
	});

	test('Tab completes a command name, and typing goes on at the end', async () => {
		const {session, rendered} = await start();
		await press(rendered, '/se');
		await waitForInput(rendered, '/se');
		await press(rendered, keys.tab);
		await waitForInput(rendered, '/send');
		await press(rendered, 'notes.txt');
		await waitForInput(rendered, '/send notes.txt');
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.includes('/send notes.txt'));
	});

	test('repeated Tab cycles through the matches, which the hint line lists', async () => {
		const {rendered} = await start();
		await press(rendered, '/m');
		await waitForInput(rendered, '/m');
		await press(rendered, keys.tab);
		await waitForInput(rendered, '/m');
		expect(hintLine(rendered)).toMatch(/^Tab: m {2}me {2}msg/);
		await press(rendered, keys.tab);
		await waitForInput(rendered, '/me');
		await press(rendered, keys.tab);
		await waitForInput(rendered, '/msg');
		await press(rendered, 'b');
		await waitForInput(rendered, '/msg b');
		expect(hintLine(rendered)).not.toMatch(/^Tab:/);
		await press(rendered, keys.tab);
		await waitForInput(rendered, '/msg bob');
	});

	test('Tab completes member names at the end of the line', async () => {
		const {rendered} = await start();
		await press(rendered, 'thanks al');
		await waitForInput(rendered, 'thanks al');
		await press(rendered, keys.tab);
		await waitForInput(rendered, 'thanks alice');
	});

	test('Up and Down recall typed lines like a shell, and Down past the newest gives the draft back', async () => {
		const {session, rendered} = await start();
		for (const line of ['first', 'second']) {
			await press(rendered, line);
			await waitForInput(rendered, line);
			await press(rendered, keys.enter);
			await waitFor(() => session.submitted.includes(line));
		}

		await press(rendered, 'draft');
		await waitForInput(rendered, 'draft');
		await press(rendered, keys.up);
		await waitForInput(rendered, 'second');
		await press(rendered, keys.up);
		await waitForInput(rendered, 'first');
		await press(rendered, keys.up);
		await waitForInput(rendered, 'first');
		await press(rendered, keys.down);
		await waitForInput(rendered, 'second');
		await press(rendered, keys.down);
		await waitForInput(rendered, 'draft');
		await press(rendered, keys.up);
		await waitForInput(rendered, 'second');
		await press(rendered, '!');
		await waitForInput(rendered, 'second!');
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.at(-1) === 'second!');
	});

	test('an unknown command is reported next to the input until the next edit', async () => {
		const {session, rendered} = await start();
		session.onSubmit = line => {
			if (line.startsWith('/sned')) {
				session.pushEntry({kind: 'error', text: 'unknown command /sned, did you mean /send?'});
			}
		};

		await press(rendered, '/sned a.txt');
		await waitForInput(rendered, '/sned a.txt');
		await press(rendered, keys.enter);
		await waitFor(() => hintLine(rendered).includes('✗ unknown command /sned, did you mean /send?'));
		expect(inputLine(rendered)).toBe('type a message, /help for commands');
		expect(screen(rendered).split('\n').filter(line => line.includes('unknown command /sned'))).toHaveLength(2);
		await press(rendered, 'x');
		await waitFor(() => !hintLine(rendered).includes('unknown command'));
		expect(hintLine(rendered)).toContain('Esc/Shift+Tab: pane');
	});

	test('the error also shows when the command and Enter arrive together', async () => {
		const {session, rendered} = await start();
		session.onSubmit = line => {
			session.pushEntry({kind: 'error', text: `unknown command ${line}`});
		};

		await press(rendered, '/sned\r');
		await waitFor(() => hintLine(rendered).includes('✗ unknown command /sned'));
	});

	test('errors from the room (with a seq) are not flashed', async () => {
		const {session, rendered} = await start();
		session.pushEntry({kind: 'error', text: 'room-wide problem', seq: 7});
		await waitForText(rendered, 'room-wide problem');
		expect(hintLine(rendered)).not.toContain('room-wide problem');
	});
});
