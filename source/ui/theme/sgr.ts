/**
 * Minimal SGR (colour and emphasis) helpers for text that is wrapped before Ink sees it.
 * wrap-ansi carries these codes across line breaks; Ink keeps SGR sequences as they are.
 * Colours are left out when NO_COLOR is set.
 */

/** NO_COLOR (https://no-color.org): any non-empty value turns colours off. */
function enabled(): boolean {
	const noColor = process.env.NO_COLOR;
	return noColor === undefined || noColor === '';
}

/** An SGR style: the code that opens it and the one that closes it. */
export type SgrStyle = {readonly open: number; readonly close: number};

/** Styles used by the messages pane. */
export const sgr = {
	bold: {open: 1, close: 22},
	dim: {open: 2, close: 22},
	inverse: {open: 7, close: 27},
	red: {open: 31, close: 39},
	green: {open: 32, close: 39},
	yellow: {open: 33, close: 39},
	blue: {open: 34, close: 39},
	magenta: {open: 35, close: 39},
	cyan: {open: 36, close: 39},
	gray: {open: 90, close: 39},
} as const satisfies Record<string, SgrStyle>;

/** Wraps `text` in the given styles, innermost last. */
export function paint(text: string, ...styles: readonly SgrStyle[]): string {
	if (text === '' || styles.length === 0 || !enabled()) {
		return text;
	}

	let open = '';
	let close = '';
	for (const style of styles) {
		open += `\u001B[${style.open}m`;
		close = `\u001B[${style.close}m${close}`;
	}

	return open + text + close;
}

/** A foreground colour from its SGR code (30-37, 90-97). */
export function foreground(code: number): SgrStyle {
	return {open: code, close: 39};
}
