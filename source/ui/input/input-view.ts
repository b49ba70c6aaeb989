/**
 * What of the draft fits the input area: a few rows around the cursor's line, each cut to the
 * width around the cursor, so the cursor is always on screen. Pure.
 */
import stringWidth from 'string-width';
import {cursorPosition, type Draft} from './draft.js';

/** The input grows to this many rows for a multi-line draft; longer drafts scroll. */
export const MAX_INPUT_ROWS = 5;

/** One row of the input: the text before the cursor, the cursor's grapheme (if on this row), the rest. */
export type InputRow = {readonly before: string; readonly cursor?: string; readonly after: string};

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** Rows the draft wants (1 to MAX_INPUT_ROWS). */
export function inputRows(draft: Draft): number {
	let lines = 1;
	for (let index = draft.text.indexOf('\n'); index !== -1 && lines < MAX_INPUT_ROWS; index = draft.text.indexOf('\n', index + 1)) {
		lines++;
	}

	return lines;
}

function graphemes(text: string): string[] {
	return Array.from(segmenter.segment(text), part => part.segment);
}

/** Takes graphemes from `parts` while they fit `width` cells. */
function fitting(parts: readonly string[], width: number): string[] {
	const taken: string[] = [];
	let used = 0;
	for (const part of parts) {
		const cells = stringWidth(part);
		if (used + cells > width) {
			break;
		}

		taken.push(part);
		used += cells;
	}

	return taken;
}

/** A row cut to `width` cells; with `column`, the cursor's place in it stays visible. */
function rowOf(line: string, width: number, column: number | undefined): InputRow {
	if (column === undefined) {
		return {before: fitting(graphemes(line), width).join(''), after: ''};
	}

	const before = graphemes(line.slice(0, column));
	const [cursor = ' ', ...after] = graphemes(line.slice(column));
	const room = Math.max(1, width - stringWidth(cursor));
	// Keep as much before the cursor as fits, leaving a mark when the start is cut off.
	let shown = fitting([...before].reverse(), room).reverse();
	if (shown.length < before.length) {
		shown = ['…', ...fitting([...before].reverse(), room - 1).reverse()];
	}

	const left = room - stringWidth(shown.join(''));
	return {before: shown.join(''), cursor, after: fitting(after, left).join('')};
}

/** The rows to draw for `draft` in `width` cells and `rows` rows. */
export function visibleInput(draft: Draft, width: number, rows: number): {readonly rows: readonly InputRow[]} {
	const {lines, row, column} = cursorPosition(draft);
	const count = Math.max(1, Math.min(rows, lines.length));
	const first = Math.min(Math.max(0, row - count + 1), lines.length - count);
	const shown: InputRow[] = [];
	for (let index = first; index < first + count; index++) {
		shown.push(rowOf(lines[index]!, Math.max(1, width), index === row ? column : undefined));
	}

	return {rows: shown};
}
