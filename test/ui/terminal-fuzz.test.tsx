import {cleanup} from 'ink-testing-library';
import stringWidth from 'string-width';
import {afterEach, expect, test} from 'vitest';
import {seededRandom} from '../helpers/seeded-random.js';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession} from './fake-session.js';
import {press, renderApp} from './render-app.js';
import {screen, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

const ESC = '\u001B';
const SEED = Number(process.env.TERMINAL_FUZZ_SEED ?? Date.now() % 2 ** 31);

/** Pieces of what terminals and pastes send; Ctrl+C (leaving) is left out, it is a real key. */
const pieces = [
	'a', 'hello ', 'é', '漢字', '😀', '\uFFFD', ' ', '\r', '\n', '\t', '\u007F', '\u0015', '\u0017', '\u0001', '\u0005', '\u0000', '\u001C',
	ESC, `${ESC}[A`, `${ESC}[B`, `${ESC}[C`, `${ESC}[D`, `${ESC}[5~`, `${ESC}[6~`, `${ESC}[3~`, `${ESC}[Z`, `${ESC}[F`, `${ESC}[H`,
	`${ESC}[31m`, `${ESC}[0m`, `${ESC}[38;5;196m`, `${ESC}[?1049h`, `${ESC}[6n`, `${ESC}[1;5A`, `${ESC}[13;2u`, `${ESC}[27;2;13~`,
	`${ESC}]0;title\u0007`, `${ESC}]8;;http://x${ESC}\\`, `${ESC}P1$r${ESC}\\`, `${ESC}_apc${ESC}\\`, `${ESC}O`, `${ESC}OA`, `${ESC}[`, `${ESC}]`,
	`${ESC}[200~`, `${ESC}[201~`, `${ESC}\r`, `${ESC}b`, '\u009B', '\u0085', '\u202E',
];

function randomChunk(random: () => number): string {
	let chunk = '';
	const count = 1 + Math.floor(random() * 12);
	for (let index = 0; index < count; index++) {
		chunk += pieces[Math.floor(random() * pieces.length)];
	}

	// Now and then a large paste, bracketed or not, up to 20 kB.
	if (random() < 0.03) {
		const body = 'line of text\r\n'.repeat(Math.floor(random() * 1400));
		chunk += random() < 0.5 ? `${ESC}[200~${body}${ESC}[201~` : body;
	}

	return chunk;
}

test(`fuzz: random keys, escape sequences and pastes never crash the chat screen, and typing still works after (seed ${SEED})`, async () => {
	const session = connectedSession();
	const rendered = renderApp({session});
	await waitForText(rendered, '› type a message');
	const random = seededRandom(SEED);
	const started = Date.now();
	let chunks = 0;
	try {
		while (chunks < 400 && Date.now() - started < 8000) {
			// eslint-disable-next-line no-await-in-loop
			await press(rendered, randomChunk(random));
			chunks++;
		}
	} catch (error) {
		throw new Error(`TERMINAL_FUZZ_SEED=${SEED} crashed after ${chunks} chunks: ${(error as Error).stack}`);
	}

	// The screen is still the chat, within the terminal's 100x24.
	const frame = screen(rendered).split('\n');
	expect(frame.join('\n')).toContain('Members');
	expect(frame.length).toBeLessThanOrEqual(24);
	expect(Math.max(...frame.map(line => stringWidth(line)))).toBeLessThanOrEqual(100);
	// Whatever the fuzz left in the draft (even one too long to send), Ctrl+U clears it and typing works.
	// A typed letter brings the focus back to the input, wherever the fuzz left it.
	await press(rendered, 'x', '\u0015', 'end-of-fuzz-marker', '\r');
	await waitFor(() => session.submitted.at(-1) === 'end-of-fuzz-marker', {what: () => `the marker sent (seed ${SEED}); screen:\n${screen(rendered)}`});
	for (const line of session.submitted) {
		// eslint-disable-next-line no-control-regex
		expect(line, `seed ${SEED}`).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202E]/);
	}
});
