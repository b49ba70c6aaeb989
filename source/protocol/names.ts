import {NAME_MAX_CHARS} from './limits.js';

export type NameCheck = {readonly ok: true; readonly name: string} | {readonly ok: false; readonly reason: string};

/** Control, format (zero-width, bidi), separator and unassigned/private characters. */
const forbidden = /[\p{C}\p{Z}\s]/u;

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

/** The key two names collide on: compatibility-normalised and case-folded ("Ａlice" = "alice"). */
export function nameKey(name: string): string {
	return name.normalize('NFKC').toLowerCase().normalize('NFKC');
}
