import {reactionCounts} from '../../session/reactions.js';
import type {ChatEntry, SessionSnapshot} from '../../session/types.js';
import type {EntryDecor} from './format-entry.js';

/** How far back from the newest entry a reply's original is looked for. */
const QUOTE_SEARCH = 5000;
/** Replies whose quote is remembered, at most (the oldest forgotten first, found again if shown). */
const QUOTES_KEPT = 2048;

/**
 * What the messages pane shows with each entry, from the snapshot it reads through `current`:
 * a reply's quote (the original found by its number among the entries held, remembered once
 * found: a message's text never changes), a message's reaction counts, and the preview of an
 * image offered or saved by a download (from `preview`, when previews are on: its thumbnail, and
 * its placement where the terminal was sent it).
 */
export function entryDecor(current: () => SessionSnapshot, preview?: (entry: ChatEntry) => Pick<EntryDecor, 'image' | 'kitty' | 'pixels' | 'noPreview'> | undefined): (entry: ChatEntry) => EntryDecor | undefined {
	const quotes = new Map<number, string>();
	return entry => {
		if (entry.kind === 'notice' || entry.kind === 'offer') {
			return preview?.(entry);
		}

		if (entry.kind !== 'message' && entry.kind !== 'action') return undefined;
		const snapshot = current();
		const list = entry.seq === undefined ? undefined : snapshot.reactions?.[entry.seq];
		const reactions = list && list.length > 0 ? reactionCounts(list) : undefined;
		let quote: string | undefined;
		if (entry.replyTo !== undefined) {
			quote = quotes.get(entry.id);
			if (quote === undefined) {
				// Found or not, the answer stays: entries before a reply never change.
				const original = findBySeq(snapshot.entries, entry.replyTo, entry.id);
				quote = original ? `${original.from ?? '?'}: ${original.text}` : `#${entry.replyTo} (not in this view)`;
				quotes.set(entry.id, quote);
				if (quotes.size > QUOTES_KEPT) quotes.delete(quotes.keys().next().value!);
			}
		}

		return quote === undefined && reactions === undefined ? undefined : {...(quote === undefined ? {} : {quote}), ...(reactions === undefined ? {} : {reactions})};
	};
}

/** The message numbered `seq`, looked for from the entry `beforeId` backwards (the newest QUOTE_SEARCH entries). */
export function findBySeq(entries: readonly ChatEntry[], seq: number, beforeId = Number.POSITIVE_INFINITY): ChatEntry | undefined {
	let looked = 0;
	for (let index = entries.length - 1; index >= 0 && looked < QUOTE_SEARCH; index--, looked++) {
		const entry = entries[index]!;
		if (entry.id >= beforeId) continue;
		if (entry.seq === seq) return entry.kind === 'message' || entry.kind === 'action' ? entry : undefined;
		if (entry.seq !== undefined && entry.seq < seq) return undefined;
	}

	return undefined;
}
