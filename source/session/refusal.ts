import type {Refusal, RefusalCode} from './types.js';

const refusalCodes = new Set<string>([
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
] satisfies RefusalCode[]);

/** A refused join as the snapshot shows it: a code the session does not know is 'other'. */
export function refusalOf(code: string, reason: string): Refusal {
	return {code: (refusalCodes.has(code) ? code : 'other') as RefusalCode, reason};
}
