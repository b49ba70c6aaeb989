import type {RoomEvent} from '../items.js';
import {nameKey} from '../names.js';
import {LOG_EVENTS} from './hub-room-log.js';

/** Different reactions one message may carry, at most. */
export const MAX_EMOJI_PER_MESSAGE = 20;
/** Reactions one member may give one message, at most. */
export const MAX_REACTIONS_PER_MEMBER = 8;

const NO_REACTIONS: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map();

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/**
 * Why `emoji` cannot be a reaction, or undefined when it can: one or two characters as people
 * see them (grapheme clusters: 👍, 👍🏽, 🇫🇷, ❤️, +1 is two), no space, no control character.
 */
export function reactionProblem(emoji: string): string | undefined {
	if (emoji.length === 0 || Buffer.byteLength(emoji) > 32) return 'a reaction is an emoji or a short symbol';
	if (/[\s\u0000-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202F\u2060-\u206F]/u.test(emoji.replace(/\u200D|\uFE0F/gu, ''))) {
		return 'a reaction holds no spaces or control characters';
	}

	if ([...segmenter.segment(emoji)].length > 2) return 'a reaction is one emoji (or two characters at most)';
	return undefined;
}

/**
 * The reactions of the room's recent messages, as the hub keeps them to say whether a reaction is
 * given or taken back (`react` toggles). Only public messages the room still remembers (its last
 * LOG_EVENTS events) take reactions. Names are compared as names are (case and look-alikes
 * aside), and follow renames.
 */
export class RoomReactions {
	/** Message number -> emoji -> who gave it (name keys, with the name as shown); null until its first reaction (most never get one). */
	private readonly byMessage = new Map<number, Map<string, Map<string, string>> | null>();

	/** A stamped event, in order: messages become targets, reactions apply, renames follow. */
	remember(event: RoomEvent): void {
		switch (event.k) {
			case 'msg': {
				this.byMessage.set(event.seq, null);
				if (this.byMessage.size > LOG_EVENTS * 1.1) {
					const drop = [...this.byMessage.keys()].slice(0, this.byMessage.size - LOG_EVENTS);
					for (const seq of drop) this.byMessage.delete(seq);
				}

				break;
			}

			case 'react': {
				if (!this.byMessage.has(event.target)) break;
				const emojis = this.byMessage.get(event.target) ?? new Map<string, Map<string, string>>();
				this.byMessage.set(event.target, emojis);
				const names = emojis.get(event.emoji) ?? new Map<string, string>();
				if (event.removed) names.delete(nameKey(event.from));
				else names.set(nameKey(event.from), event.from);
				if (names.size === 0) emojis.delete(event.emoji);
				else emojis.set(event.emoji, names);
				break;
			}

			case 'nick': {
				const from = nameKey(event.from);
				for (const emojis of this.byMessage.values()) {
					if (!emojis) continue;
					for (const names of emojis.values()) {
						if (names.delete(from)) names.set(nameKey(event.to), event.to);
					}
				}

				break;
			}

			default:
		}
	}

	/**
	 * What a reaction of `name`'s to `target` would be: given (`removed: false`) or taken back
	 * (`removed: true`), or why it cannot be.
	 */
	toggle(target: number, emoji: string, name: string): {readonly removed: boolean} | {readonly problem: string; readonly code: string} {
		if (!this.byMessage.has(target)) return {problem: `there is no room message #${target} to react to (or it is too old)`, code: 'no-such-message'};
		const emojis = this.byMessage.get(target) ?? NO_REACTIONS;
		const key = nameKey(name);
		if (emojis.get(emoji)?.has(key)) return {removed: true};
		const problem = reactionProblem(emoji);
		if (problem) return {problem, code: 'bad-reaction'};
		if (!emojis.has(emoji) && emojis.size >= MAX_EMOJI_PER_MESSAGE) return {problem: `message #${target} has ${MAX_EMOJI_PER_MESSAGE} different reactions already`, code: 'too-many-reactions'};
		let mine = 0;
		for (const names of emojis.values()) if (names.has(key)) mine++;
		if (mine >= MAX_REACTIONS_PER_MEMBER) return {problem: `you gave message #${target} ${MAX_REACTIONS_PER_MEMBER} reactions already; take one back first`, code: 'too-many-reactions'};
		return {removed: false};
	}

	/** Whether `seq` is a room message that takes reactions and replies. */
	has(seq: number): boolean {
		return this.byMessage.has(seq);
	}
}
