import {useCallback, useMemo, useReducer, useRef} from 'react';
import type {Key} from 'ink';
import type {SubmitOutcome} from '../../session/types.js';
import type {TextEvent} from '../terminal/terminal-input.js';
import {complete, type Completion, type CompletionSource} from './complete.js';
import * as edit from './draft.js';
import {emptyHistory, recallNext, recallPrevious, remember, type HistoryState} from './history.js';

/** The input line's state and what can be done to it. */
export type InputLine = {
	readonly value: string;
	readonly draft: edit.Draft;
	/** Matches of the last Tab when there were several, for the hint line. */
	readonly matches: readonly string[];
	/** A key for the input (it has focus); true when it was the input's. */
	readonly key: (text: string, key: Key) => boolean;
	/** A paste, a line break or Delete, from the terminal input layer. */
	readonly text: (event: TextEvent) => void;
	/** Enter: hands the draft on (unless blank); it stays when the session refused it. */
	readonly submit: () => void;
	readonly previous: () => void;
	readonly next: () => void;
	readonly tab: () => void;
	/** Adds text at the cursor (typing while another pane had focus, a paste). */
	readonly insert: (text: string) => void;
	/** Sets the whole line ("/msg alice "). */
	readonly replace: (text: string) => void;
};

type State = {
	readonly draft: edit.Draft;
	readonly history: HistoryState;
	readonly completion?: Completion;
};

type InputLineOptions = {
	/** Sends the line; a 'refused' answer (too long) keeps it in the input. */
	readonly onSubmit: (line: string) => SubmitOutcome | undefined;
	/** What Tab completes from, read when Tab is pressed. */
	readonly source: () => CompletionSource;
	/** Called on every change of the value made by the person (typing, recall, completion). */
	/** The person changed the draft: what it holds now. */
	readonly onEdit?: (draft: string) => void;
	/** Makes pasted text safe for the draft (escape sequences and controls out, CRLF to LF). */
	readonly clean: (text: string) => string;
	/** A paste that may be a dragged-in file: true when the caller took it (it offers the file). */
	readonly onPaste?: (text: string) => boolean;
};

/** Edits for keys Ink reports, by what they do to the draft. */
function editFor(text: string, key: Key): ((draft: edit.Draft) => edit.Draft) | undefined {
	if (key.backspace || key.delete) {
		return key.meta ? edit.deleteWordBack : edit.deleteBack;
	}

	if (key.leftArrow) {
		return edit.left;
	}

	if (key.rightArrow) {
		return edit.right;
	}

	if (key.home) {
		return edit.lineStart;
	}

	if (key.ctrl) {
		const byLetter: Record<string, (draft: edit.Draft) => edit.Draft> = {
			a: edit.lineStart,
			e: edit.lineEnd,
			u: () => edit.emptyDraft,
			k: edit.deleteToLineEnd,
			w: edit.deleteWordBack,
			b: edit.left,
			h: edit.deleteBack,
		};
		return byLetter[text];
	}

	return undefined;
}

/** No Tab matches: one array, so that the hint line's props stay equal from render to render. */
const noMatches: readonly string[] = [];

/**
 * State of the input line: a draft of one or more lines with a cursor, history and completion.
 * Kept in a ref so that several keys arriving before React re-renders each see the result of
 * the one before; the transitions are the pure functions of draft.ts, history.ts and complete.ts.
 */
export function useInputLine({onSubmit, source, onEdit, clean, onPaste}: InputLineOptions): InputLine {
	const state = useRef<State>({draft: edit.emptyDraft, history: emptyHistory});
	const [, render] = useReducer((count: number) => count + 1, 0);
	const latest = useRef({onSubmit, source, onEdit, clean, onPaste});
	latest.current = {onSubmit, source, onEdit, clean, onPaste};

	/** `edited`: the person changed the draft (a sent draft emptied is not an edit). */
	const update = useCallback((next: Partial<State>, edited = true) => {
		state.current = {...state.current, ...next};
		if (edited) {
			latest.current.onEdit?.(state.current.draft.text);
		}

		render();
	}, []);

	const actions = useMemo(() => {
		const set = (draft: edit.Draft, extra: Partial<State> = {}) => {
			update({completion: undefined, ...extra, draft});
		};

		/** Typed or pasted text goes in cleaned (no controls, escapes or bidi overrides). */
		const insert = (text: string) => {
			set(edit.insert(state.current.draft, latest.current.clean(text)));
		};

		const previous = () => {
			const moved = edit.verticalMove(state.current.draft, -1);
			if (moved) {
				set(moved);
				return;
			}

			const step = recallPrevious(state.current.history, state.current.draft.text);
			set(edit.draftOf(step.value), {history: step.state});
		};

		const next = () => {
			const moved = edit.verticalMove(state.current.draft, 1);
			if (moved) {
				set(moved);
				return;
			}

			const step = recallNext(state.current.history, state.current.draft.text);
			set(edit.draftOf(step.value), {history: step.state});
		};

		return {
			key(text: string, key: Key): boolean {
				const change = editFor(text, key);
				if (change) {
					set(change(state.current.draft));
					return true;
				}

				if (text !== '' && !key.ctrl && !key.meta && !key.return && !key.tab && !key.escape) {
					insert(text);
					return true;
				}

				return false;
			},
			text(event: TextEvent) {
				if (event.kind === 'newline') {
					set(edit.insert(state.current.draft, '\n'));
				} else if (event.kind === 'delete-forward') {
					set(edit.deleteForward(state.current.draft));
				} else if (event.kind === 'paste') {
					const pasted = latest.current.clean(event.text);
					if (pasted !== '' && !latest.current.onPaste?.(pasted)) {
						insert(pasted);
					}
				}
			},
			submit() {
				const line = state.current.draft.text;
				if (line.trim() === '') {
					return;
				}

				if (latest.current.onSubmit(line) === 'refused') {
					return;
				}

				update({draft: edit.emptyDraft, completion: undefined, history: remember(state.current.history, line)}, false);
			},
			previous,
			next,
			tab() {
				const completion = complete(state.current.draft.text, latest.current.source(), state.current.completion);
				if (completion !== undefined) {
					update({draft: edit.draftOf(completion.line), completion});
				}
			},
			insert,
			replace(text: string) {
				set(edit.draftOf(text));
			},
		};
	}, [update]);

	const {draft, completion} = state.current;
	const matches = completion !== undefined && completion.line === draft.text && completion.matches.length > 1 ? completion.matches : noMatches;
	return {value: draft.text, draft, matches, ...actions};
}
