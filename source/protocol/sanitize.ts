import stripAnsi from 'strip-ansi';

/**
 * C0 and C1 controls, DEL, and the direction marks, overrides and isolates that can disguise
 * text (Trojan Source): LRM, RLM, ALM, U+202A-202E, U+2066-2069. Line feeds are handled apart.
 */
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Columns between tab stops when a message's tabs become spaces. */
export const TAB_STOP = 4;

/**
 * Makes text safe to show on one line of someone's terminal (names, reasons, notices): escape
 * sequences removed whole, then any remaining control character dropped; tabs, newlines and
 * line/paragraph separators become spaces.
 */
export function cleanText(text: string): string {
	return stripAnsi(text).replace(/[\t\n\u2028\u2029]/g, ' ').replace(unsafe, '');
}

/**
 * Makes a message's text safe to show, keeping its lines: escape sequences removed whole, CRLF
 * and lone CR become LF (so do the line and paragraph separators), tabs become spaces up to the
 * next stop of TAB_STOP columns, and every other control character is dropped.
 */
export function cleanMessage(text: string): string {
	return stripAnsi(text)
		.replace(/\r\n?|[\u2028\u2029]/g, '\n')
		.replace(unsafe, '')
		.split('\n')
		.map(line => expandTabs(line))
		.join('\n');
}

function expandTabs(line: string): string {
	if (!line.includes('\t')) {
		return line;
	}

	let out = '';
	let column = 0;
	for (const char of line) {
		const add = char === '\t' ? ' '.repeat(TAB_STOP - (column % TAB_STOP)) : char;
		column += add === char ? 1 : add.length;
		out += add;
	}

	return out;
}

/** UTF-8 length, the unit every text limit is counted in. */
export function utf8Bytes(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}
