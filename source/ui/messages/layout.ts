/**
 * The visible window of the messages pane, computed from the bottom up.
 *
 * Only the entries that can reach the screen are measured: everything here walks at most
 * `height + amount` screen lines from an anchor, so its cost does not depend on how many
 * entries the session holds (entries are sorted by id, found by binary search).
 */
import type {ChatEntry} from '../../session/types.js';
import {lowerBound} from './by-id.js';

/** Wraps one entry at the pane width (memoized by the caller). */
export type LinesOf = (entry: ChatEntry) => readonly string[];

/** A scrolled-up view: the last visible screen line is line `line` of entry `id`. */
export type ScrollAnchor = {readonly id: number; readonly line: number};

/** One screen line of the pane. */
export type VisibleLine = {readonly key: string; readonly text: string};

type Position = {readonly index: number; readonly line: number};

function lineCount(entries: readonly ChatEntry[], index: number, linesOf: LinesOf): number {
	return Math.max(1, linesOf(entries[index]!).length);
}

function bottom(entries: readonly ChatEntry[], linesOf: LinesOf): Position {
	const index = entries.length - 1;
	return {index, line: lineCount(entries, index, linesOf) - 1};
}

function resolve(entries: readonly ChatEntry[], anchor: ScrollAnchor | undefined, linesOf: LinesOf): Position | undefined {
	if (entries.length === 0) {
		return undefined;
	}

	if (anchor === undefined) {
		return bottom(entries, linesOf);
	}

	const index = lowerBound(entries, anchor.id);
	if (index >= entries.length) {
		return bottom(entries, linesOf);
	}

	if (entries[index]!.id !== anchor.id) {
		return {index, line: 0};
	}

	return {index, line: Math.min(anchor.line, lineCount(entries, index, linesOf) - 1)};
}

/** Moves up `amount` lines; `rest` is what could not be moved because the top was reached. */
function back(entries: readonly ChatEntry[], from: Position, amount: number, linesOf: LinesOf): {position: Position; rest: number} {
	let {index, line} = from;
	let rest = amount;
	while (rest > 0) {
		if (line >= rest) {
			line -= rest;
			rest = 0;
			break;
		}

		if (index === 0) {
			rest -= line;
			line = 0;
			break;
		}

		rest -= line + 1;
		index--;
		line = lineCount(entries, index, linesOf) - 1;
	}

	return {position: {index, line}, rest};
}

/** Moves down `amount` lines; undefined when that reaches the bottom (live). */
function forward(entries: readonly ChatEntry[], from: Position, amount: number, linesOf: LinesOf): Position | undefined {
	let {index, line} = from;
	let rest = amount;
	for (;;) {
		const remaining = lineCount(entries, index, linesOf) - 1 - line;
		if (remaining >= rest) {
			line += rest;
			break;
		}

		if (index === entries.length - 1) {
			return undefined;
		}

		rest -= remaining + 1;
		index++;
		line = 0;
	}

	const last = entries.length - 1;
	if (index === last && line === lineCount(entries, last, linesOf) - 1) {
		return undefined;
	}

	return {index, line};
}

function anchorOf(entries: readonly ChatEntry[], position: Position | undefined): ScrollAnchor | undefined {
	return position === undefined ? undefined : {id: entries[position.index]!.id, line: position.line};
}

/** The view whose top is the first line, or live when everything fits. */
export function scrollTop(entries: readonly ChatEntry[], height: number, linesOf: LinesOf): ScrollAnchor | undefined {
	if (entries.length === 0) {
		return undefined;
	}

	return anchorOf(entries, forward(entries, {index: 0, line: 0}, Math.max(0, height - 1), linesOf));
}

/** Scrolls up `amount` lines, never past the first line (the view stays full). */
export function scrollUp(
	entries: readonly ChatEntry[],
	anchor: ScrollAnchor | undefined,
	amount: number,
	height: number,
	linesOf: LinesOf,
): ScrollAnchor | undefined {
	const from = resolve(entries, anchor, linesOf);
	if (from === undefined) {
		return undefined;
	}

	const {position} = back(entries, from, amount, linesOf);
	if (back(entries, position, Math.max(0, height - 1), linesOf).rest > 0) {
		return scrollTop(entries, height, linesOf);
	}

	return anchorOf(entries, position);
}

/** Scrolls down `amount` lines; undefined (live) once the bottom is reached. */
export function scrollDown(
	entries: readonly ChatEntry[],
	anchor: ScrollAnchor | undefined,
	amount: number,
	linesOf: LinesOf,
): ScrollAnchor | undefined {
	const from = resolve(entries, anchor, linesOf);
	if (from === undefined || anchor === undefined) {
		return undefined;
	}

	return anchorOf(entries, forward(entries, from, amount, linesOf));
}

/** The screen lines to draw, top to bottom: at most `height`, ending at the anchor (or the bottom). */
export function visibleLines(
	entries: readonly ChatEntry[],
	anchor: ScrollAnchor | undefined,
	height: number,
	linesOf: LinesOf,
): VisibleLine[] {
	const end = resolve(entries, anchor, linesOf);
	if (end === undefined || height <= 0) {
		return [];
	}

	const above: VisibleLine[] = [];
	for (let index = end.index; index >= 0 && above.length < height; index--) {
		const entry = entries[index]!;
		const lines = linesOf(entry);
		const last = index === end.index ? end.line : lines.length - 1;
		for (let line = last; line >= 0 && above.length < height; line--) {
			above.push({key: `${entry.id}:${line}`, text: lines[line] ?? ''});
		}
	}

	above.reverse();
	for (let index = end.index, line = end.line + 1; index < entries.length && above.length < height; index++, line = 0) {
		const entry = entries[index]!;
		const lines = linesOf(entry);
		for (; line < lines.length && above.length < height; line++) {
			above.push({key: `${entry.id}:${line}`, text: lines[line] ?? ''});
		}
	}

	return above;
}

/**
 * The view that shows line `line` of entry `id`: the view as it is when it shows it already
 * (`height` lines ending at `anchor`), else one with that line about the middle (live when that
 * reaches the bottom). `scrolledHeight` is the height of a scrolled view (the marker takes a line).
 */
export function revealLine(
	entries: readonly ChatEntry[],
	anchor: ScrollAnchor | undefined,
	target: ScrollAnchor,
	scrolledHeight: number,
	linesOf: LinesOf,
): ScrollAnchor | undefined {
	const index = lowerBound(entries, target.id);
	if (index >= entries.length || entries[index]!.id !== target.id) {
		return anchor;
	}

	const height = anchor === undefined ? scrolledHeight + 1 : scrolledHeight;
	const key = `${target.id}:${target.line}`;
	if (visibleLines(entries, anchor, height, linesOf).some(visible => visible.key === key)) {
		return anchor;
	}

	const line = Math.min(target.line, lineCount(entries, index, linesOf) - 1);
	return anchorOf(entries, forward(entries, {index, line}, Math.floor((scrolledHeight - 1) / 2), linesOf));
}
