import type {ChatEntry} from '../../session/types.js';
import {entryLines} from './format-entry.js';

/** Wraps one entry to a width: one string per screen line. */
export type Measure = (entry: ChatEntry, width: number) => readonly string[];

/**
 * Wrapped lines memoized per (entry, width), for one width. Bounded: the least recently used
 * entries are forgotten, so a long session costs no more than what was recently on screen.
 */
export class LineCache {
	readonly #cache = new Map<number, {readonly entry: ChatEntry; readonly lines: readonly string[]}>();

	constructor(
		readonly width: number,
		private readonly measure: Measure = entryLines,
		private readonly capacity = 2048,
	) {}

	/** The entry's lines at this cache's width. */
	readonly linesOf = (entry: ChatEntry): readonly string[] => {
		const cached = this.#cache.get(entry.id);
		if (cached?.entry === entry) {
			this.#cache.delete(entry.id);
			this.#cache.set(entry.id, cached);
			return cached.lines;
		}

		const lines = this.measure(entry, this.width);
		this.#cache.set(entry.id, {entry, lines});
		if (this.#cache.size > this.capacity) {
			const oldest = this.#cache.keys().next();
			if (!oldest.done) {
				this.#cache.delete(oldest.value);
			}
		}

		return lines;
	};

	/** How many entries are remembered. */
	get size(): number {
		return this.#cache.size;
	}
}
