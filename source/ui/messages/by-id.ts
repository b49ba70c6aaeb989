/** Finding entries by id: entries are sorted by their increasing ids, so binary search. */
import type {ChatEntry} from '../../session/types.js';

/** Index of the first entry whose id is at least `id` (entries.length when none). */
export function lowerBound(entries: readonly ChatEntry[], id: number): number {
	let low = 0;
	let high = entries.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (entries[middle]!.id < id) {
			low = middle + 1;
		} else {
			high = middle;
		}
	}

	return low;
}

/** How many entries have an id greater than `id`. */
export function countAfter(entries: readonly ChatEntry[], id: number): number {
	return entries.length - lowerBound(entries, id + 1);
}
