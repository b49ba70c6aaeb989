/**
 * The text being typed, with its cursor: a pure value, and the edits the input line makes to
 * it. Lines are separated by \n; the cursor is an index into `text` that always sits between
 * two graphemes (so an emoji or an accented letter is stepped over whole).
 */
export type Draft = {readonly text: string; readonly cursor: number};

export const emptyDraft: Draft = {text: '', cursor: 0};

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** A draft holding `text`, the cursor at its end. */
export function draftOf(text: string): Draft {
	return {text, cursor: text.length};
}

/** Inserts text at the cursor. */
export function insert(draft: Draft, text: string): Draft {
	if (text === '') {
		return draft;
	}

	return {text: draft.text.slice(0, draft.cursor) + text + draft.text.slice(draft.cursor), cursor: draft.cursor + text.length};
}

function previousBoundary(text: string, index: number): number {
	let last = 0;
	for (const {index: start} of segmenter.segment(text.slice(0, index))) {
		last = start;
	}

	return index === 0 ? 0 : last;
}

function nextBoundary(text: string, index: number): number {
	const first = segmenter.segment(text.slice(index))[Symbol.iterator]().next();
	return first.done ? index : index + first.value.segment.length;
}

export function left(draft: Draft): Draft {
	return {...draft, cursor: previousBoundary(draft.text, draft.cursor)};
}

export function right(draft: Draft): Draft {
	return {...draft, cursor: nextBoundary(draft.text, draft.cursor)};
}

/** Removes the text from `start` to `end`; the cursor goes to where it was. */
function cut(draft: Draft, start: number, end: number): Draft {
	return {text: draft.text.slice(0, start) + draft.text.slice(end), cursor: start};
}

/** Backspace: the grapheme before the cursor. */
export function deleteBack(draft: Draft): Draft {
	return cut(draft, previousBoundary(draft.text, draft.cursor), draft.cursor);
}

/** Delete: the grapheme after the cursor. */
export function deleteForward(draft: Draft): Draft {
	return cut(draft, draft.cursor, nextBoundary(draft.text, draft.cursor));
}

/** Ctrl+W: the word before the cursor, and the spaces after it. */
export function deleteWordBack(draft: Draft): Draft {
	return cut(draft, draft.text.slice(0, draft.cursor).replace(/[^\s]*\s*$/u, '').length, draft.cursor);
}

function lineStartOf(text: string, index: number): number {
	return text.lastIndexOf('\n', index - 1) + 1;
}

function lineEndOf(text: string, index: number): number {
	const end = text.indexOf('\n', index);
	return end === -1 ? text.length : end;
}

/** Ctrl+A / Home: the start of the cursor's line. */
export function lineStart(draft: Draft): Draft {
	return {...draft, cursor: lineStartOf(draft.text, draft.cursor)};
}

/** Ctrl+E: the end of the cursor's line. */
export function lineEnd(draft: Draft): Draft {
	return {...draft, cursor: lineEndOf(draft.text, draft.cursor)};
}

/** Ctrl+K: the rest of the cursor's line. */
export function deleteToLineEnd(draft: Draft): Draft {
	return cut(draft, draft.cursor, lineEndOf(draft.text, draft.cursor));
}

/** Up or Down a line, keeping the column as far as the line allows; undefined at the first or last line. */
export function verticalMove(draft: Draft, step: -1 | 1): Draft | undefined {
	const {text, cursor} = draft;
	const start = lineStartOf(text, cursor);
	const column = cursor - start;
	if (step < 0) {
		if (start === 0) {
			return undefined;
		}

		const previousStart = lineStartOf(text, start - 1);
		return {text, cursor: snap(text, Math.min(previousStart + column, start - 1))};
	}

	const end = lineEndOf(text, cursor);
	if (end === text.length) {
		return undefined;
	}

	const nextEnd = lineEndOf(text, end + 1);
	return {text, cursor: snap(text, Math.min(end + 1 + column, nextEnd))};
}

/** The nearest grapheme boundary at or before `index`. */
function snap(text: string, index: number): number {
	const boundary = previousBoundary(text, index);
	return nextBoundary(text, boundary) === index ? index : boundary;
}

/** The draft's lines, and where the cursor is among them. */
export function cursorPosition(draft: Draft): {readonly lines: readonly string[]; readonly row: number; readonly column: number} {
	const lines = draft.text.split('\n');
	const before = draft.text.slice(0, draft.cursor).split('\n');
	return {lines, row: before.length - 1, column: before.at(-1)!.length};
}
