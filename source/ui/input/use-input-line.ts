import {useCallback, useMemo, useReducer, useRef} from 'react';
import {complete, type Completion, type CompletionSource} from './complete.js';
import {emptyHistory, recallNext, recallPrevious, remember, type HistoryState} from './history.js';

/** The input line's state and what can be done to it. */
export type InputLine = {
	readonly value: string;
	/** Changes whenever the value is set from outside the text field (history, completion, ...). */
	readonly revision: number;
	/** Matches of the last Tab when there were several, for the hint line. */
	readonly matches: readonly string[];
	/** The text field changed (typing); each line break in it submits the line before it. */
	readonly change: (value: string) => void;
	/** Enter: hands the line on (unless blank), remembers it, empties the field. */
	readonly submit: () => void;
	readonly previous: () => void;
	readonly next: () => void;
	readonly tab: () => void;
	/** Adds text at the end (typing while another pane had focus). */
	readonly insert: (text: string) => void;
	/** Sets the whole line ("/msg alice "). */
	readonly replace: (text: string) => void;
};

/** Pasted text (or keys typed faster than a frame) can bring Enter inside the value. */
const lineBreak = /[\r\n]/;
const lineBreaks = /\r\n|\r|\n/;

type State = {
	readonly value: string;
	readonly revision: number;
	readonly history: HistoryState;
	readonly completion?: Completion;
};

type InputLineOptions = {
	readonly onSubmit: (line: string) => void;
	/** What Tab completes from, read when Tab is pressed. */
	readonly source: () => CompletionSource;
	/** Called on every change of the value made by the person (typing, recall, completion). */
	readonly onEdit?: () => void;
};

/**
 * State of the input line. Kept in a ref so that several keys arriving before React
 * re-renders each see the result of the one before; the transitions are the pure
 * functions of history.ts and complete.ts.
 */
export function useInputLine({onSubmit, source, onEdit}: InputLineOptions): InputLine {
	const state = useRef<State>({value: '', revision: 0, history: emptyHistory});
	const [, render] = useReducer((count: number) => count + 1, 0);
	const latest = useRef({onSubmit, source, onEdit});
	latest.current = {onSubmit, source, onEdit};

	const update = useCallback((next: State) => {
		state.current = next;
		latest.current.onEdit?.();
		render();
	}, []);

	const actions = useMemo(() => {
		const set = (value: string, extra: Partial<State> = {}) => {
			const current = state.current;
			update({...current, ...extra, value, revision: current.revision + 1});
		};

		const submitLine = (line: string) => {
			if (line.trim() === '') {
				return;
			}

			set('', {history: remember(state.current.history, line), completion: undefined});
			latest.current.onSubmit(line);
		};

		return {
			change(value: string) {
				if (!lineBreak.test(value)) {
					if (value !== state.current.value) {
						update({...state.current, value});
					}

					return;
				}

				const lines = value.split(lineBreaks);
				const rest = lines.pop() ?? '';
				const sent = lines.filter(line => line.trim() !== '');
				set(rest, {history: sent.reduce(remember, state.current.history), completion: undefined});
				for (const line of sent) {
					latest.current.onSubmit(line);
				}
			},
			submit() {
				submitLine(state.current.value);
			},
			previous() {
				const step = recallPrevious(state.current.history, state.current.value);
				set(step.value, {history: step.state});
			},
			next() {
				const step = recallNext(state.current.history, state.current.value);
				set(step.value, {history: step.state});
			},
			tab() {
				const completion = complete(state.current.value, latest.current.source(), state.current.completion);
				if (completion !== undefined) {
					set(completion.line, {completion});
				}
			},
			insert(text: string) {
				set(state.current.value + text);
			},
			replace(text: string) {
				set(text);
			},
		};
	}, [update]);

	const {value, revision, completion} = state.current;
	const matches = completion !== undefined && completion.line === value && completion.matches.length > 1 ? completion.matches : [];
	return {value, revision, matches, ...actions};
}
