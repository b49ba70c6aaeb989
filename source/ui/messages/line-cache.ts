import type {ChatEntry} from '../../session/types.js';
import {entryLines, type EntryDecor} from './format-entry.js';

/** Wraps one entry to a width: one string per screen line. */
export type Measure = (entry: ChatEntry, width: number, decor?: EntryDecor) => readonly string[];

/** What is shown with an entry besides its text (a reply's quote, reactions), if anything. */
export type DecorOf = (entry: ChatEntry) => EntryDecor | undefined;

const same = (a: EntryDecor | undefined, b: EntryDecor | undefined) =>
	a?.quote === b?.quote && a?.reactions === b?.reactions && a?.image === b?.image && a?.noPreview === b?.noPreview;

/**
 * Wrapped lines memoized per (entry, decoration, width), for one width. Bounded: the least
 * recently used entries are forgotten, so a long session costs no more than what was recently
 * on screen. `decorOf` is asked each time (cheap lookups); a change (a new reaction) rewraps
 * that entry alone.
 */
export class LineCache {
	readonly #cache = new Map<number, {readonly entry: ChatEntry; readonly decor: EntryDecor | undefined; readonly lines: readonly string[]}>();

	constructor(
		readonly width: number,
		private readonly measure: Measure = (entry, width, decor) => entryLines(entry, width, {}, decor),
		private readonly capacity = 2048,
		private readonly decorOf: DecorOf = () => undefined,
	) {}

	/** The entry's lines at this cache's width. */
	readonly linesOf = (entry: ChatEntry): readonly string[] => {
		const decor = this.decorOf(entry);
		const cached = this.#cache.get(entry.id);
		if (cached?.entry === entry && same(cached.decor, decor)) {
			this.#cache.delete(entry.id);
			this.#cache.set(entry.id, cached);
			return cached.lines;
		}

		const lines = this.measure(entry, this.width, decor);
		this.#cache.set(entry.id, {entry, decor, lines});
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
