/**
 * Highlighting what a search found, inside an entry's text before it is wrapped: SGR codes only,
 * so the wrapped lines are the same cells as without (wrap-ansi measures without the codes).
 * Always drawn, NO_COLOR or not: underline and reverse video are not colours, and a search that
 * shows nothing is no search.
 */
import {matchRanges} from '../../session/find.js';
import type {ChatEntry} from '../../session/types.js';
import {searchedText, shownLines} from './format-entry.js';

/** Marks the matches in one shown line of text (and counts them, in order, through an entry). */
export type Marker = (line: string) => string;

/**
 * Around every match: underlined; around the current one: reverse video instead. One code each:
 * wrap-ansi carries one open code over a line break, so a match cut by the wrap stays marked on
 * both lines and nothing leaks past it.
 */
const matchOpen = '\u001B[4m';
const matchClose = '\u001B[24m';
export const currentOpen = '\u001B[7m';
const currentClose = '\u001B[27m';

/** A marker for one entry: `current` is which of its matches (0 = its first) is the search's current one, -1 none. */
export function marker(query: string, current: number): Marker {
	let seen = 0;
	return line => {
		let out = '';
		let at = 0;
		for (const {start, end} of matchRanges(line, query)) {
			const isCurrent = seen++ === current;
			out += line.slice(at, start) + (isCurrent ? currentOpen : matchOpen) + line.slice(start, end) + (isCurrent ? currentClose : matchClose);
			at = end;
		}

		return out + line.slice(at);
	};
}

/** How many matches of `query` the entry shows (as `marker` counts them). */
export function countMatches(entry: ChatEntry, query: string): number {
	const text = searchedText(entry);
	if (text === undefined) {
		return 0;
	}

	// Most entries do not match at all: one look at the whole text tells.
	if (matchRanges(text, query).length === 0) {
		return 0;
	}

	let count = 0;
	for (const line of shownLines(text)) {
		count += matchRanges(line.text, query).length;
	}

	return count;
}

/** The screen line (of the entry's wrapped lines) that holds the current match; 0 when none does. */
export function currentLine(lines: readonly string[]): number {
	return Math.max(0, lines.findIndex(line => line.includes(currentOpen)));
}
