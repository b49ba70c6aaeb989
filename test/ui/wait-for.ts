/**
 * Waiting for frames instead of sleeping: poll a condition until it holds or a bounded time
 * has passed, and read the screen the way a person sees it.
 */
import stripAnsi from 'strip-ansi';
import type {render} from 'ink-testing-library';

/** What ink-testing-library's render returns. */
export type Rendered = ReturnType<typeof render>;

type WaitOptions = {readonly timeout?: number; readonly message?: string | (() => string)};

/** Resolves once `check` returns something truthy (and does not throw); fails after `timeout` ms. */
export async function waitFor<T>(check: () => T, {timeout = 5000, message}: WaitOptions = {}): Promise<NonNullable<T>> {
	const started = Date.now();
	let lastError: unknown;
	for (;;) {
		try {
			const value = check();
			if (value) {
				return value as NonNullable<T>;
			}
		} catch (error) {
			lastError = error;
		}

		if (Date.now() - started > timeout) {
			const detail = typeof message === 'function' ? message() : (message ?? 'condition');
			const cause = lastError instanceof Error ? ` (${lastError.message})` : '';
			throw new Error(`timed out after ${timeout} ms waiting for ${detail}${cause}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 5);
		});
	}
}

/** The last frame Ink drew (a bare bell write is not a frame), with colours stripped. */
export function screen(rendered: Rendered): string {
	return stripAnsi(rawScreen(rendered));
}

/** The last frame with its colour codes. */
export function rawScreen(rendered: Rendered): string {
	const frame = rendered.frames.findLast(candidate => candidate !== '\u0007');
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
		{timeout: options.timeout, message: options.message ?? (() => `${String(text)} on screen; last frame:\n${screen(rendered)}`)},
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
		{timeout: options.timeout, message: options.message ?? (() => `${String(text)} to go; last frame:\n${screen(rendered)}`)},
	);
}

/** Lets Ink attach its input listeners (they are set up in effects after a render). */
export async function settle(): Promise<void> {
	await new Promise(resolve => {
		setImmediate(resolve);
	});
}
