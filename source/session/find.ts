import type {ChatEntry, EntryKind} from './types.js';

/** Where a match lies in a text: UTF-16 offsets, `end` exclusive. */
export type MatchRange = {readonly start: number; readonly end: number};

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/**
 * How a text is compared: NFC, lower case (the locale's rules), NFC again, and the final sigma
 * as any other (lower-casing a whole word makes its last Σ a ς, a single letter's a σ).
 */
export function foldText(text: string): string {
	return text.normalize('NFC').toLocaleLowerCase().normalize('NFC').replaceAll('ς', 'σ');
}

/** `foldText` one grapheme cluster at a time, which is how a text is searched. */
function foldEach(text: string): string {
	let folded = '';
	for (const {segment} of graphemes.segment(text)) {
		folded += foldText(segment);
	}

	return folded;
}

/** The last query folded: a search asks about one query for every entry held. */
let lastNeedle = {query: '', needle: ''};

function needleOf(query: string): string {
	if (lastNeedle.query !== query) {
		lastNeedle = {query, needle: foldEach(query)};
	}

	return lastNeedle.needle;
}

/**
 * Where `query` occurs in `text`, ignoring case, compared as NFC ("é" typed as e + U+0301 finds
 * "é"). A match starts and ends on whole characters (grapheme clusters): "e" does not find the
 * "e" of "é". Matches do not overlap; none for a blank query.
 */
export function matchRanges(text: string, query: string): MatchRange[] {
	const needle = needleOf(query);
	// Most texts do not hold the query at all: the whole text folded at once tells, cheaply.
	if (needle.trim() === '' || text === '' || !foldText(text).includes(needle)) {
		return [];
	}

	// The folded text, and for each character of it where it came from.
	let folded = '';
	const starts: number[] = [];
	const origins: Array<{readonly start: number; readonly end: number}> = [];
	for (const {segment, index} of graphemes.segment(text)) {
		starts.push(folded.length);
		origins.push({start: index, end: index + segment.length});
		folded += foldText(segment);
	}

	const byStart = new Map(starts.map((at, position) => [at, position]));
	const ranges: MatchRange[] = [];
	let from = 0;
	for (;;) {
		const at = folded.indexOf(needle, from);
		if (at === -1) {
			return ranges;
		}

		const first = byStart.get(at);
		const after = at + needle.length;
		const last = after === folded.length ? origins.length : byStart.get(after);
		if (first === undefined || last === undefined) {
			from = at + 1;
			continue;
		}

		ranges.push({start: origins[first]!.start, end: origins[last - 1]!.end});
		from = after;
	}
}

/** The entries a search looks in: what was said and done in the room, not local notices. */
export const searchedKinds: ReadonlySet<EntryKind> = new Set(['message', 'action', 'direct', 'offer', 'join', 'leave', 'nick']);

/** The entries whose text holds `query`, oldest first; `hidden` leaves some out (ignored members). */
export function findEntries(entries: readonly ChatEntry[], query: string, hidden: (entry: ChatEntry) => boolean = () => false): ChatEntry[] {
	return entries.filter(entry => searchedKinds.has(entry.kind) && !hidden(entry) && matchRanges(entry.text, query).length > 0);
}
