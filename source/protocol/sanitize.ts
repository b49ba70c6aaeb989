import stripAnsi from 'strip-ansi';

/**
 * C0 and C1 controls, DEL, and the direction marks, overrides and isolates that can disguise
 * text (Trojan Source): LRM, RLM, ALM, U+202A-202E, U+2066-2069.
 */
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Makes text safe to show in someone's terminal: escape sequences removed whole, then any
 * remaining control character dropped; tabs, newlines and line/paragraph separators become spaces (a message is one line).
 */
export function cleanText(text: string): string {
	return stripAnsi(text).replace(/[\t\n\u2028\u2029]/g, ' ').replace(unsafe, '');
}

/** UTF-8 length, the unit every text limit is counted in. */
export function utf8Bytes(text: string): number {
	return Buffer.byteLength(text, 'utf8');
}
