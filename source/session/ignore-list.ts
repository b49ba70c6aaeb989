import {nameKey} from '../protocol/names.js';
import type {ChatEntry} from './types.js';

/**
 * A member ignored here: the name to show (the latest it was seen under) and every name it had
 * while ignored, as name keys (case and width folded), so its earlier lines stay hidden too.
 */
export type IgnoredMember = {readonly name: string; readonly keys: readonly string[]};

/** Who is ignored. Pure: every change makes a new list. */
export type IgnoreList = readonly IgnoredMember[];

/** The ignored member this name is one of, if any (ignoring case, as names do). */
export function ignoredAs(list: IgnoreList, name: string | undefined): IgnoredMember | undefined {
	if (name === undefined) {
		return undefined;
	}

	const key = nameKey(name);
	return list.find(member => member.keys.includes(key));
}

/** The list with `name` ignored (the same list when it already was). */
export function ignore(list: IgnoreList, name: string): IgnoreList {
	return ignoredAs(list, name) ? list : [...list, {name, keys: [nameKey(name)]}];
}

/** The list without the member this name is one of (the same list when it was not ignored). */
export function unignore(list: IgnoreList, name: string): IgnoreList {
	const member = ignoredAs(list, name);
	return member ? list.filter(candidate => candidate !== member) : list;
}

/** After a rename (a `nick` event): an ignored member stays ignored under its new name. */
export function followRename(list: IgnoreList, from: string, to: string): IgnoreList {
	const member = ignoredAs(list, from);
	if (!member) {
		return list;
	}

	const key = nameKey(to);
	const renamed = {name: to, keys: member.keys.includes(key) ? member.keys : [...member.keys, key]};
	return list.map(candidate => (candidate === member ? renamed : candidate));
}

/** Whether the entry is hidden: a message, action or direct message from an ignored member. */
export function isHidden(list: IgnoreList | undefined, entry: ChatEntry): boolean {
	if (!list || list.length === 0) {
		return false;
	}

	return (entry.kind === 'message' || entry.kind === 'action' || entry.kind === 'direct') && ignoredAs(list, entry.from) !== undefined;
}
