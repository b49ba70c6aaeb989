import unhomoglyph from 'unhomoglyph';
import {NAME_MAX_CHARS} from './limits.js';

export type NameCheck = {readonly ok: true; readonly name: string} | {readonly ok: false; readonly reason: string};

/**
 * Control, format (zero-width, bidi), separator and unassigned/private characters, and the
 * default-ignorable ones that show as nothing (the Hangul fillers, variation selectors): a name
 * must be seen.
 */
const forbidden = /[\p{C}\p{Z}\s\p{Default_Ignorable_Code_Point}]/u;

/**
 * Checks a requested member name: NFC-normalised, 1-32 characters, no control, format or
 * space characters (a name is one word, so /msg NAME TEXT is unambiguous), and not starting
 * with "/" or "*" (which would read as a command or an action).
 */
export function checkName(raw: string): NameCheck {
	const name = raw.normalize('NFC');
	const length = [...name].length;
	if (length === 0) {
		return {ok: false, reason: 'a name needs at least one character'};
	}

	if (length > NAME_MAX_CHARS) {
		return {ok: false, reason: `a name has at most ${NAME_MAX_CHARS} characters (this one has ${length})`};
	}

	if (forbidden.test(name)) {
		return {ok: false, reason: 'a name cannot contain spaces, control or invisible characters'};
	}

	if (name.startsWith('/') || name.startsWith('*')) {
		return {ok: false, reason: 'a name cannot start with "/" or "*"'};
	}

	return {ok: true, name};
}

/** Names' keys worked out lately: the hub asks for its senders' on every message (ids are scoped by them). */
const nameKeys = new Map<string, string>();
const NAME_KEYS_MAX = 4096;

/** The key two names collide on: compatibility-normalised and case-folded ("Ａlice" = "alice"). */
export function nameKey(name: string): string {
	let key = nameKeys.get(name);
	if (key === undefined) {
		key = name.normalize('NFKC').toLowerCase().normalize('NFKC');
		if (nameKeys.size >= NAME_KEYS_MAX) nameKeys.clear();
		nameKeys.set(name, key);
	}

	return key;
}

/** Default ignorable code points (variation selectors, the Hangul fillers, ...): UTS #39 drops them. */
const ignorable = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * The UTS #39 skeleton of a text (Unicode Security Mechanisms, section 4): NFD, default ignorable
 * code points removed, each character replaced by its prototype from Unicode's confusables.txt
 * (the mapping the `unhomoglyph` package ships), NFD again. Texts with the same skeleton can be
 * mistaken for each other: "аlice" (Cyrillic а), "a1ice" and "alice" are all "alice"; "m" is "rn".
 * For comparing only: a skeleton is not a name to show.
 */
export function skeleton(text: string): string {
	return unhomoglyph(text.normalize('NFD').replace(ignorable, '')).normalize('NFD');
}

/**
 * The keys on which two names look alike, both UTS #39 skeletons, compared kind by kind (the first
 * with the first, the second with the second): the skeleton of the case-folded name (`nameKey`),
 * for "аlice" ~ "Alice" and "АLICE" ~ "alice"; and the skeleton of the case-folded skeleton of the
 * name as written, for the look-alikes that only a capital has: "PaypaI" (capital I) ~ "paypal",
 * "B0B" ~ "bob". Names are one per member ignoring case, so either way they are the same name to
 * the eye.
 */
export function lookalikeKeys(name: string): readonly [folded: string, written: string] {
	return [skeleton(nameKey(name)), skeleton(nameKey(skeleton(name)))];
}
