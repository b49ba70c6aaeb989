import {useMemo, useReducer, useRef} from 'react';
import type {Key} from 'ink';
import {cleanDraftText} from '../../session/draft-text.js';
import type {ChatEntry} from '../../session/types.js';
import type {TextEvent} from '../terminal/terminal-input.js';
import {lowerBound} from '../messages/by-id.js';
import {entryLines} from '../messages/format-entry.js';
import {currentLine, marker, type Marker} from '../messages/highlight.js';
import type {LinesOf, ScrollAnchor} from '../messages/layout.js';
import type {Scroll} from '../messages/use-scroll.js';
import {fromNewest, noMatches, searchMatches, stepMatch, type Match, type Matches} from './search-matches.js';

/** The search over the messages pane: its box, its matches, and the keys it takes while open. */
export type Search = {
	readonly active: boolean;
	readonly query: string;
	/** Keys edit the query (after Ctrl+F); false once Enter moved to a match (then n/N move too). */
	readonly typing: boolean;
	readonly matches: Matches;
	/** The current match counted from the newest (1), 0 when there is none. */
	readonly position: number;
	/** The pane's lines with the matches highlighted. */
	readonly linesOf: LinesOf;
	readonly open: (query?: string) => void;
	readonly close: () => void;
	/** A key while the search is open: true when it was the search's. */
	readonly key: (text: string, key: Key) => boolean;
	/** A paste or a line break (Shift+Enter) while the search is open. */
	readonly text: (event: TextEvent) => void;
};

type State = {
	readonly active: boolean;
	readonly query: string;
	readonly typing: boolean;
	readonly selected?: Match;
	/** The view when the search opened, put back when it closes. */
	readonly origin?: ScrollAnchor;
};

const closed: State = {active: false, query: '', typing: true};

type SearchOptions = {
	/** The entries as the pane shows them. */
	readonly entries: readonly ChatEntry[];
	/** The pane's plain lines (the line cache's). */
	readonly linesOf: LinesOf;
	readonly width: number;
	readonly scroll: Scroll;
	/** How an entry is drawn with a search's marks (the pane's own options and decoration kept). */
	readonly measure?: (entry: ChatEntry, width: number, mark: Marker) => readonly string[];
};

/**
 * The messages pane's search (Ctrl+F, /find). Typing edits the query and goes to the newest match;
 * Enter (or ↑, or n after Enter) goes to the next older match, Shift+Enter (↓, N) to the next newer,
 * round at the ends; the pane scrolls only when the match is off screen. Esc closes it and puts the
 * view back as it was (live if it was live). The state sits in a ref, like the input line's, so
 * keys faster than a frame each see the one before.
 */
export function useSearch({entries, linesOf, width, scroll, measure = (entry, columns, mark) => entryLines(entry, columns, {mark})}: SearchOptions): Search {
	const state = useRef<State>(closed);
	const [, render] = useReducer((count: number) => count + 1, 0);
	const {active, query, typing, selected} = state.current;
	const matches = useMemo(() => (active ? searchMatches(entries, query) : noMatches), [active, entries, query]);
	const latest = useRef({entries, matches, width, scroll, measure});
	latest.current = {entries, matches, width, scroll, measure};

	const highlighted = useMemo((): LinesOf => {
		if (!active || matches.all.length === 0) {
			return linesOf;
		}

		const memo = new Map<number, {readonly entry: ChatEntry; readonly lines: readonly string[]}>();
		return entry => {
			if (!matches.perEntry.has(entry.id)) {
				return linesOf(entry);
			}

			const known = memo.get(entry.id);
			if (known?.entry === entry) {
				return known.lines;
			}

			const lines = measure(entry, width, marker(query, selected?.id === entry.id ? selected.occurrence : -1));
			memo.set(entry.id, {entry, lines});
			return lines;
		};
	}, [active, matches, linesOf, width, query, selected, measure]);

	const actions = useMemo(() => {
		const set = (next: Partial<State>) => {
			state.current = {...state.current, ...next};
			render();
		};

		/** Goes to a match: selects it and scrolls to its line if it is off screen. */
		const select = (match: Match | undefined, next: Partial<State> = {}) => {
			set({...next, selected: match});
			if (match === undefined) {
				return;
			}

			const {entries: shown, width: columns, measure: draw} = latest.current;
			const entry = shown[lowerBound(shown, match.id)];
			if (entry?.id === match.id) {
				const lines = draw(entry, columns, marker(state.current.query, match.occurrence));
				latest.current.scroll.reveal({id: entry.id, line: currentLine(lines)});
			}
		};

		const setQuery = (next: string) => {
			const found = searchMatches(latest.current.entries, next);
			select(stepMatch(found, undefined, 0), {query: next, typing: true});
		};

		const move = (step: number) => {
			const {matches: found} = latest.current;
			select(stepMatch(found, state.current.selected, step), {typing: false});
		};

		const open = (initial?: string) => {
			if (!state.current.active) {
				set({...closed, active: true, origin: latest.current.scroll.anchor});
			}

			if (initial !== undefined) {
				setQuery(initial);
			} else {
				set({typing: true});
			}
		};

		const close = () => {
			const {origin} = state.current;
			state.current = closed;
			render();
			latest.current.scroll.restore(origin);
		};

		return {
			open,
			close,
			key(text: string, key: Key): boolean {
				if (key.pageUp || key.pageDown || key.end) {
					return false;
				}

				const {typing: editing, query: current} = state.current;
				if (key.escape) {
					close();
				} else if (key.return || key.upArrow) {
					move(1);
				} else if (key.downArrow) {
					move(-1);
				} else if (key.ctrl && text === 'f') {
					set({typing: true});
				} else if (key.ctrl && text === 'u') {
					setQuery('');
				} else if (key.backspace || key.delete) {
					setQuery([...current].slice(0, -1).join(''));
				} else if (!editing && (text === 'n' || text === 'N')) {
					move(text === 'n' ? 1 : -1);
				} else if (text !== '' && !key.ctrl && !key.meta && !key.tab) {
					setQuery(current + cleanDraftText(text).replaceAll('\n', ' '));
				}

				return true;
			},
			text(event: TextEvent) {
				if (event.kind === 'newline') {
					move(-1);
				} else if (event.kind === 'paste') {
					const line = cleanDraftText(event.text).split('\n')[0] ?? '';
					setQuery(state.current.query + line);
				}
			},
		};
	}, []);

	const position = fromNewest(matches, selected) + 1;
	return {active, query, typing, matches, position, linesOf: highlighted, ...actions};
}
