import {useMemo, useState} from 'react';
import type {ChatEntry} from '../../session/types.js';
import {countAfter} from './by-id.js';
import {scrollDown, scrollTop, scrollUp, visibleLines, type LinesOf, type ScrollAnchor} from './layout.js';

/** Where the messages pane is scrolled to, and how to move it. */
export type Scroll = {
	/** Undefined while live (following the newest entry). */
	readonly anchor: ScrollAnchor | undefined;
	/** Lines the pane shows for messages: one less while scrolled (the marker line). */
	readonly viewHeight: number;
	/** Entries that arrived since the view was scrolled up. */
	readonly newCount: number;
	readonly lineUp: () => void;
	readonly lineDown: () => void;
	readonly pageUp: () => void;
	readonly pageDown: () => void;
	readonly top: () => void;
	readonly live: () => void;
	/** Scrolls just enough that entry `id` is on screen (live again if it is the newest). */
	readonly reveal: (id: number) => void;
};

type State = {readonly anchor?: ScrollAnchor; readonly seenId?: number};

/**
 * Scroll state of the messages pane for a pane `height` lines tall. Every move costs
 * O(height) measured entries, whatever the number of entries.
 */
export function useScroll(entries: readonly ChatEntry[], linesOf: LinesOf, height: number): Scroll {
	const [state, setState] = useState<State>({});
	const anchor = entries.length === 0 ? undefined : state.anchor;
	const scrolledHeight = Math.max(1, height - 1);
	const newCount = anchor === undefined || state.seenId === undefined ? 0 : countAfter(entries, state.seenId);

	const moves = useMemo(() => {
		const seenId = entries.at(-1)?.id;
		const goTo = (move: (from: ScrollAnchor | undefined) => ScrollAnchor | undefined) => {
			setState(previous => {
				const next = move(entries.length === 0 ? undefined : previous.anchor);
				if (next === undefined) {
					return {};
				}

				return {anchor: next, seenId: previous.anchor === undefined ? seenId : previous.seenId};
			});
		};

		const page = Math.max(1, scrolledHeight - 1);
		return {
			lineUp: () => goTo(from => scrollUp(entries, from, 1, scrolledHeight, linesOf)),
			lineDown: () => goTo(from => scrollDown(entries, from, 1, linesOf)),
			pageUp: () => goTo(from => scrollUp(entries, from, page, scrolledHeight, linesOf)),
			pageDown: () => goTo(from => scrollDown(entries, from, page, linesOf)),
			top: () => goTo(() => scrollTop(entries, scrolledHeight, linesOf)),
			live: () => goTo(() => undefined),
			reveal: (id: number) => {
				setState(previous => {
					const anchor = entries.length === 0 ? undefined : previous.anchor;
					const shown = visibleLines(entries, anchor, anchor === undefined ? height : scrolledHeight, linesOf);
					if (shown.some(line => line.key.startsWith(`${id}:`))) return previous;
					const entry = entries.find(one => one.id === id);
					if (!entry || entry === entries.at(-1)) return {};
					return {anchor: {id, line: Math.max(0, linesOf(entry).length - 1)}, seenId: previous.anchor === undefined ? seenId : previous.seenId};
				});
			},
		};
	}, [entries, height, scrolledHeight, linesOf]);

	return {anchor, viewHeight: anchor === undefined ? height : scrolledHeight, newCount, ...moves};
}
