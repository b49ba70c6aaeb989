/** Which message is selected in the messages pane, and what can be done with it. Pure. */
import type {ChatEntry} from '../../session/types.js';

/** The reactions offered by `+`, by the digit that picks each. */
// (No emoji that needs a variation selector, such as ❤️: terminals disagree on its width.)
export const PICKER_EMOJI: readonly string[] = ['👍', '😂', '🎉', '😮', '👀', '🙏'];

/** An entry a reply or a reaction can be about: a room message (or action) with its number. */
export function selectable(entry: ChatEntry): boolean {
	return (entry.kind === 'message' || entry.kind === 'action') && entry.seq !== undefined;
}

/**
 * The selection after one step (-1 up, +1 down) from entry `from` (undefined: nothing selected
 * yet, so Up picks the newest message and Down nothing). Stays put at either end.
 */
export function stepSelection(entries: readonly ChatEntry[], from: number | undefined, step: number): number | undefined {
	if (from === undefined) {
		if (step > 0) return undefined;
		for (let index = entries.length - 1; index >= 0; index--) if (selectable(entries[index]!)) return entries[index]!.id;
		return undefined;
	}

	const at = entries.findIndex(entry => entry.id === from);
	if (at === -1) return stepSelection(entries, undefined, step);
	for (let index = at + step; index >= 0 && index < entries.length; index += step) {
		if (selectable(entries[index]!)) return entries[index]!.id;
	}

	return from;
}
