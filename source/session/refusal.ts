import {refusalCode} from '../protocol/connection/outcomes.js';
import type {Refusal} from './types.js';

/** A refused join as the snapshot shows it: a code the protocol does not know is 'other'. */
export function refusalOf(code: string, reason: string): Refusal {
	return {code: refusalCode(code), reason};
}
