import {ignoredAs, isHidden, type IgnoreList} from '../../session/ignore-list.js';
import type {ChatEntry} from '../../session/types.js';

/** "3 lines from bob hidden (/unignore bob)". */
export function hiddenText(count: number, name: string): string {
	return `${count} line${count === 1 ? '' : 's'} from ${name} hidden (/unignore ${name})`;
}

/**
 * The entries as the messages pane shows them: each run of an ignored member's messages and DMs
 * (one after another, from that member) collapsed into one dim line counting them, in place. It
 * takes the id of the run's first entry, so ids stay increasing. Nobody ignored: `entries` itself.
 */
export function collapseIgnored(entries: readonly ChatEntry[], ignored: IgnoreList | undefined): readonly ChatEntry[] {
	if (!ignored || ignored.length === 0) {
		return entries;
	}

	const shown: ChatEntry[] = [];
	let run: {first: ChatEntry; last: ChatEntry; name: string; count: number} | undefined;
	const flush = () => {
		if (run) {
			const {first, last, name, count} = run;
			shown.push({id: first.id, kind: 'notice', time: last.time, fromHistory: first.fromHistory, mentionsMe: false, from: name, text: hiddenText(count, name)});
			run = undefined;
		}
	};

	for (const entry of entries) {
		if (!isHidden(ignored, entry)) {
			flush();
			shown.push(entry);
			continue;
		}

		const name = ignoredAs(ignored, entry.from)!.name;
		if (run?.name !== name) {
			flush();
			run = {first: entry, last: entry, name, count: 0};
		}

		run.last = entry;
		run.count++;
	}

	flush();
	return shown;
}

const memo = new WeakMap<readonly ChatEntry[], {readonly ignored: IgnoreList | undefined; readonly shown: readonly ChatEntry[]}>();

/** `collapseIgnored`, worked out once per snapshot (the panes and the scroll all ask). */
export function shownEntries(entries: readonly ChatEntry[], ignored: IgnoreList | undefined): readonly ChatEntry[] {
	const known = memo.get(entries);
	if (known && known.ignored === ignored) {
		return known.shown;
	}

	const shown = collapseIgnored(entries, ignored);
	memo.set(entries, {ignored, shown});
	return shown;
}
