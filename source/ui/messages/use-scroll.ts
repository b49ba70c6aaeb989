import {useMemo, useState} from 'react';
import type {ChatEntry} from '../../session/types.js';
import {countAfter} from './by-id.js';
import {revealLine, scrollDown, scrollTop, scrollUp, type LinesOf, type ScrollAnchor} from './layout.js';

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
	/** Scrolls (only if needed) so that line `line` of entry `id` is on screen. */
	readonly reveal: (target: ScrollAnchor) => void;
	/** Puts the view back where it was (undefined: live). */
	readonly restore: (anchor: ScrollAnchor | undefined) => void;
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
			reveal: (target: ScrollAnchor) => goTo(from => revealLine(entries, from, target, scrolledHeight, linesOf)),
			restore: (anchor: ScrollAnchor | undefined) => goTo(() => anchor),
		};
	}, [entries, scrolledHeight, linesOf]);

	return {anchor, viewHeight: anchor === undefined ? height : scrolledHeight, newCount, ...moves};
}
