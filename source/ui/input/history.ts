/**
 * Shell-like recall of typed lines. Pure: every function returns a new state.
 * `index === lines.length` means "at the draft" (the line being typed, kept while browsing).
 */

/** Typed lines, oldest first, and where Up/Down currently points. */
export type HistoryState = {
	readonly lines: readonly string[];
	readonly index: number;
	readonly draft: string;
};

/** A recall step: the new state and the value the input should show. */
export type HistoryStep = {readonly state: HistoryState; readonly value: string};

/** How many lines are remembered. */
export const historyLimit = 500;

/** No lines yet. */
export const emptyHistory: HistoryState = {lines: [], index: 0, draft: ''};

/** Remembers a submitted line (not blank, not a repeat of the last one) and returns to the draft. */
export function remember(state: HistoryState, line: string): HistoryState {
	const keep = line.trim() !== '' && state.lines.at(-1) !== line;
	const lines = keep ? [...state.lines, line].slice(-historyLimit) : state.lines;
	return {lines, index: lines.length, draft: ''};
}

/** Up: the previous line; the current value is kept as the draft when leaving it. */
export function recallPrevious(state: HistoryState, current: string): HistoryStep {
	if (state.index === 0) {
		return {state, value: state.index === state.lines.length ? current : state.lines[0]!};
	}

	const draft = state.index === state.lines.length ? current : state.draft;
	const index = state.index - 1;
	return {state: {...state, index, draft}, value: state.lines[index]!};
}

/** Down: the next line, or the draft again past the newest. */
export function recallNext(state: HistoryState, current: string): HistoryStep {
	if (state.index >= state.lines.length) {
		return {state, value: current};
	}

	const index = state.index + 1;
	const value = index === state.lines.length ? state.draft : state.lines[index]!;
	return {state: {...state, index}, value};
}
