import type {Frame} from '../frames.js';
import type {Welcome} from '../items.js';

/**
 * Why a join can be refused: the one vocabulary the wire's `refuse` frames, the hub, the member's
 * connection and the session share. `no-answer` and `other` are the member's own (nothing
 * answered; something else went wrong); a code from a newer hub that is not listed reads as `other`.
 */
export const REFUSAL_CODES = [
	'name-taken',
	'name-invalid',
	'version',
	'full',
	'banned',
	'rate-limited',
	'no-answer',
	'secret-required',
	'wrong-secret',
	'no-secret',
	'hub-key-changed',
	'other',
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

const known = new Set<string>(REFUSAL_CODES);

/** A code as it came off the wire, read into the vocabulary. */
export function refusalCode(code: string): RefusalCode {
	return known.has(code) ? (code as RefusalCode) : 'other';
}

/** How a join (or a rejoin) ended: welcomed, or refused with a code and a reason for people. */
export type JoinOutcome =
	| {readonly ok: true; readonly welcome: Welcome}
	| {readonly ok: false; readonly code: RefusalCode; readonly reason: string};

/** The room's answer to a query (its salt, whether it has a secret). */
export type RoomAnswer = Extract<Frame, {t: 'room'}>;
