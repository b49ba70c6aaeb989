import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession} from './fake-session.js';
import {keys} from './keys.js';
import {press, renderApp, type RenderedApp} from './render-app.js';
import {screen, waitForNoText, waitForText} from './wait-for.js';

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
	await waitFor(() => inputLine(rendered) === value, {what: () => `input "${value}", is "${inputLine(rendered)}"`});
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

	test('a burst of pasted lines (no bracketed paste) lands in the draft whole, blank line kept; Enter sends it as one message', async () => {
		const {session, rendered} = await start();
		await press(rendered, 'first line\rsecond line\r\rthird');
		await waitForText(rendered, '4 lines · Enter: send');
		expect(session.submitted).toEqual([]);
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.length === 1);
		expect(session.submitted).toEqual(['first line\nsecond line\n\nthird']);
		await press(rendered, keys.up);
		await waitForText(rendered, '4 lines · Enter: send');
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
		await waitForInput(rendered, '/me');
		expect(hintLine(rendered)).toMatch(/^Tab: me {2}members {2}msg/);
		await press(rendered, keys.tab);
		await waitForInput(rendered, '/members');
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

describe('pastes, line breaks and editing', () => {
	const pasted = (text: string) => `\u001B[200~${text}\u001B[201~`;

	test('a bracketed paste of a code block keeps its lines and indentation, and is only sent on Enter', async () => {
		const {session, rendered} = await start();
		await press(rendered, pasted('def f(x):\r\n    if x:\r\n\treturn 1\r\n'));
		await waitForText(rendered, '3 lines · Enter: send');
		expect(session.submitted).toEqual([]);
		expect(screen(rendered)).toContain('    if x:');
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.length === 1);
		expect(session.submitted).toEqual(['def f(x):\n    if x:\n    return 1']);
	});

	test('colour codes and other escape sequences in a paste are stripped, never acted on', async () => {
		const {session, rendered} = await start();
		await press(rendered, pasted('\u001B[31mred\u001B[0m and \u001B]8;;http://x\u0007link\u001B]8;;\u0007 \u001B[1;5A\u0007done'));
		await waitForInput(rendered, 'red and link done');
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.length === 1);
		expect(session.submitted).toEqual(['red and link done']);
	});

	test('a coloured line typed in (no bracketed paste) cannot crash the input either', async () => {
		const {session, rendered} = await start();
		await press(rendered, 'a\u001B[31mb\u001B[0mc\u001B[?1049h\u001BP1$r\u001B\\d');
		await waitForInput(rendered, 'abcd');
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.length === 1);
		expect(session.submitted).toEqual(['abcd']);
	});

	test.each([
		['Shift+Enter (CSI u)', '\u001B[13;2u'],
		['Shift+Enter (modifyOtherKeys)', '\u001B[27;2;13~'],
		['Alt+Enter', '\u001B\r'],
		['Ctrl+J', '\n'],
	])('%s starts a new line in the draft; the input grows', async (_name, newline) => {
		const {session, rendered} = await start();
		await press(rendered, 'one', newline, 'two', newline, 'three');
		await waitForText(rendered, '3 lines · Enter: send');
		const rows = lines(rendered);
		expect(rows.at(-3)).toBe('› one');
		expect(rows.at(-2)?.trimEnd()).toBe('  two');
		expect(rows.at(-1)?.trimEnd()).toBe('  three');
		// Up moves inside the draft before it recalls history.
		await press(rendered, keys.up, 'X', keys.enter);
		await waitFor(() => session.submitted.length === 1);
		expect(session.submitted).toEqual(['one\ntwoX\nthree']);
	});

	test('a 5,000-character paste stays in the input with its size; Enter sends nothing until it fits', async () => {
		const {session, rendered} = await start();
		await press(rendered, pasted('y'.repeat(5000)));
		await waitFor(() => hintLine(rendered).includes('✗ 5,000 of 4,000 bytes: shorten it or /send it as a file'));
		await press(rendered, keys.enter);
		expect(session.submitted).toEqual(['y'.repeat(5000)]);
		expect(session.outcomes).toEqual(['refused']);
		expect(hintLine(rendered)).toContain('5,000 of 4,000 bytes');
		// Ctrl+U empties the line; a short text then goes out.
		await press(rendered, '\u0015', 'short', keys.enter);
		await waitFor(() => session.outcomes.length === 2);
		expect(session.outcomes).toEqual(['refused', 'sent']);
		expect(session.submitted.at(-1)).toBe('short');
	});

	test('the cursor moves over graphemes; Backspace and Delete edit where it is', async () => {
		const {session, rendered} = await start();
		await press(rendered, 'ab👍🏽cd', keys.left, keys.left, keys.backspace, keys.delete, '-', keys.home, '>', '\u0005', '<', keys.enter);
		await waitFor(() => session.submitted.length === 1);
		expect(session.submitted).toEqual(['>ab-d<']);
	});
});

describe('the editing keys the README lists', () => {
	test('Ctrl+W deletes the word before the cursor, Ctrl+A goes to the line start, Ctrl+K deletes the rest of the line', async () => {
		const {session, rendered} = await start();
		await press(rendered, 'one two three ', '\u0017');
		await waitForInput(rendered, 'one two');
		await press(rendered, 'deux', '\u0001', keys.right, keys.right, keys.right, keys.right, '\u000B');
		await waitForInput(rendered, 'one');
		await press(rendered, 'un', keys.enter);
		await waitFor(() => session.submitted.length === 1);
		expect(session.submitted).toEqual(['one un']);
	});

	test('a draft of seven lines shows in five rows of input, and goes out whole', async () => {
		const {session, rendered} = await start();
		await press(rendered, `\u001B[200~${['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7'].join('\n')}\u001B[201~`);
		await waitForText(rendered, '7 lines');
		const rows = lines(rendered).filter(line => /^(› | {2})l\d$/.test(line.trimEnd()));
		expect(rows).toHaveLength(5);
		await press(rendered, keys.enter);
		await waitFor(() => session.submitted.length === 1);
		expect(session.submitted).toEqual(['l1\nl2\nl3\nl4\nl5\nl6\nl7']);
	});
});

describe('a file dragged into the terminal', () => {
	const pasted = (text: string) => `\u001B[200~${text}\u001B[201~`;

	test('is offered in place: Enter sends it, nothing is typed', async () => {
		const {session, rendered} = await start();
		session.drops.set("'/home/me/my photo.png' ", [{path: '/home/me/my photo.png', name: 'my photo.png', size: 2_100_000}]);
		await press(rendered, pasted("'/home/me/my photo.png' "));
		await waitFor(() => hintLine(rendered).includes('send my photo.png (2.1 MB) to the room? Enter sends, Esc keeps the text'));
		await press(rendered, keys.enter);
		await waitFor(() => session.sentFiles.length === 1);
		expect(session.sentFiles).toEqual([['/home/me/my photo.png']]);
		expect(session.submitted).toEqual([]);
		expect(hintLine(rendered)).not.toContain('send my photo.png');
		expect(inputLine(rendered)).toBe('type a message, /help for commands');
	});

	test('Esc keeps the pasted text in the draft instead', async () => {
		const {session, rendered} = await start();
		session.drops.set('/tmp/a.txt', [{path: '/tmp/a.txt', name: 'a.txt', size: 12}]);
		await press(rendered, pasted('/tmp/a.txt'));
		await waitFor(() => hintLine(rendered).includes('send a.txt (12 B) to the room?'));
		await press(rendered, keys.escape);
		await waitForInput(rendered, '/tmp/a.txt');
		expect(session.sentFiles).toEqual([]);
	});

	test('text that is not a file path is just pasted', async () => {
		const {session, rendered} = await start();
		await press(rendered, pasted('/tmp/not-a-file'));
		await waitForInput(rendered, '/tmp/not-a-file');
		expect(hintLine(rendered)).not.toContain('to the room?');
		expect(session.sentFiles).toEqual([]);
	});
});
