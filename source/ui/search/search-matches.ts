/** Where a search's matches are, in the entries shown. Pure. */
import type {ChatEntry} from '../../session/types.js';
import {countMatches} from '../messages/highlight.js';

/** One match: the entry it is in and which of that entry's matches it is (0 = the first). */
export type Match = {readonly id: number; readonly occurrence: number};

/** Every match of `query` in `entries`, oldest first; per entry, how many. */
export type Matches = {readonly all: readonly Match[]; readonly perEntry: ReadonlyMap<number, number>};

export const noMatches: Matches = {all: [], perEntry: new Map()};

export function searchMatches(entries: readonly ChatEntry[], query: string): Matches {
	if (query.trim() === '') {
		return noMatches;
	}

	const all: Match[] = [];
	const perEntry = new Map<number, number>();
	for (const entry of entries) {
		const count = countMatches(entry, query);
		if (count > 0) {
			perEntry.set(entry.id, count);
			for (let occurrence = 0; occurrence < count; occurrence++) {
				all.push({id: entry.id, occurrence});
			}
		}
	}

	return {all, perEntry};
}

/** Where `match` is among `matches`, counted from the newest (0); -1 when it is not among them. */
export function fromNewest(matches: Matches, match: Match | undefined): number {
	if (match === undefined) {
		return -1;
	}

	const at = matches.all.findIndex(candidate => candidate.id === match.id && candidate.occurrence === match.occurrence);
	return at === -1 ? -1 : matches.all.length - 1 - at;
}

/** The match `step` places older (positive) or newer (negative) than `match`, wrapping round; the newest when `match` is gone. */
export function stepMatch(matches: Matches, match: Match | undefined, step: number): Match | undefined {
	const total = matches.all.length;
	if (total === 0) {
		return undefined;
	}

	const at = fromNewest(matches, match);
	const next = at === -1 ? 0 : (((at + step) % total) + total) % total;
	return matches.all[total - 1 - next];
}
