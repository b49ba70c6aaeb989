/**
 * Waiting for frames instead of sleeping, on the shared `waitFor` (test/helpers/wait-for.ts):
 * wait until the screen shows (or no longer shows) a text within a bounded time, and read the
 * screen the way a person sees it.
 */
import stripAnsi from 'strip-ansi';
import type {render} from 'ink-testing-library';
import {waitFor, type WaitOptions} from '../helpers/wait-for.js';

/** What ink-testing-library's render returns. */
export type Rendered = ReturnType<typeof render>;

/**
 * Writes that are no frame: the bell, and the notification and window-title sequences written
 * straight to the terminal (OSC, or DCS for tmux), and kitty's graphics commands (APC). Ink's
 * frames never start with those.
 */
export function isRawWrite(frame: string): boolean {
	return frame === '\u0007' || frame.startsWith('\u001B]') || frame.startsWith('\u001BP') || frame.startsWith('\u001B_');
}

/** The last frame Ink drew (a bare bell or notification write is not a frame), with colours stripped. */
export function screen(rendered: Rendered): string {
	return stripAnsi(rawScreen(rendered));
}

/** The last frame with its colour codes. */
export function rawScreen(rendered: Rendered): string {
	const frame = rendered.frames.findLast(candidate => !isRawWrite(candidate));
	return frame ?? '';
}

/** Waits until the screen shows `text` (a string or pattern); returns the screen. */
export async function waitForText(rendered: Rendered, text: string | RegExp, options: WaitOptions = {}): Promise<string> {
	const matches = (frame: string) => (typeof text === 'string' ? frame.includes(text) : text.test(frame));
	return waitFor(
		() => {
			const frame = screen(rendered);
			return matches(frame) ? frame : '';
		},
		{timeoutMs: options.timeoutMs, what: options.what ?? (() => `${String(text)} on screen; last frame:\n${screen(rendered)}`)},
	);
}

/** Waits until the screen no longer shows `text`. */
export async function waitForNoText(rendered: Rendered, text: string | RegExp, options: WaitOptions = {}): Promise<string> {
	return waitFor(
		() => {
			const frame = screen(rendered);
			const present = typeof text === 'string' ? frame.includes(text) : text.test(frame);
			return present ? '' : frame || ' ';
		},
		{timeoutMs: options.timeoutMs, what: options.what ?? (() => `${String(text)} to go; last frame:\n${screen(rendered)}`)},
	);
}

/** Lets Ink attach its input listeners (they are set up in effects after a render). */
export async function settle(): Promise<void> {
	await new Promise(resolve => {
		setImmediate(resolve);
	});
}
