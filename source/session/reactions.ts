import {cleanText} from '../protocol/sanitize.js';
import type {Reaction} from './types.js';

export type Reactions = Readonly<Record<number, readonly Reaction[]>>;

/**
 * A reaction given (`removed` false) or taken back, applied to the reactions by message number.
 * Pure: a new record where something changed, the same one where nothing did. Emoji keep the
 * order they were first given in; names, the order people gave them.
 */
export function applyReaction(reactions: Reactions, target: number, emoji: string, from: string, removed: boolean): Reactions {
	const name = cleanText(from);
	const shown = cleanText(emoji);
	const list = reactions[target] ?? [];
	const index = list.findIndex(reaction => reaction.emoji === shown);
	const current = index === -1 ? undefined : list[index]!;
	const has = current?.names.includes(name) === true;
	if (removed ? !has : has) return reactions;
	const names = removed ? current!.names.filter(one => one !== name) : [...(current?.names ?? []), name];
	const next = index === -1 ? [...list, {emoji: shown, names}] : list.map((reaction, i) => (i === index ? {emoji: shown, names} : reaction));
	return {...reactions, [target]: next.filter(reaction => reaction.names.length > 0)};
}

/** The reactions with `from` renamed `to` wherever they gave one. */
export function renameInReactions(reactions: Reactions, from: string, to: string): Reactions {
	let changed = false;
	const next: Record<number, readonly Reaction[]> = {};
	for (const [target, list] of Object.entries(reactions)) {
		next[Number(target)] = list.map(reaction => {
			if (!reaction.names.includes(from)) return reaction;
			changed = true;
			return {emoji: reaction.emoji, names: reaction.names.map(name => (name === from ? to : name))};
		});
	}

	return changed ? next : reactions;
}

/** "👍 3  🎉 1": a message's reactions as its line under it shows them. */
export function reactionCounts(list: readonly Reaction[] | undefined): string {
	return (list ?? []).map(reaction => `${reaction.emoji} ${reaction.names.length}`).join('  ');
}

/** "👍 alice, bob · 🎉 carol": who gave each reaction, for the selected message's detail line. */
export function reactionNames(list: readonly Reaction[] | undefined): string {
	return (list ?? []).map(reaction => `${reaction.emoji} ${reaction.names.join(', ')}`).join(' · ');
}
