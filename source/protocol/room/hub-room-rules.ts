import {MAX_TEXT_BYTES} from '../limits.js';
import {cleanMessage, utf8Bytes} from '../sanitize.js';
import type {HubMember, RateLimit} from './hub-room-member.js';

/** A message's text as the room stamps it, or why it is not sent (nothing to say when blank). */
export type TextCheck = {readonly text: string} | {readonly problem: string} | undefined;

/** Checks a message's text: at most `MAX_TEXT_BYTES` of UTF-8, cleaned of controls, not blank. */
export function checkText(raw: string): TextCheck {
	const bytes = utf8Bytes(raw);
	if (bytes > MAX_TEXT_BYTES) {
		return {problem: `message not sent: ${bytes} bytes, the limit is ${MAX_TEXT_BYTES}`};
	}

	const text = cleanMessage(raw);
	return text.trim() === '' ? undefined : {text};
}

/**
 * A message held back over the rate limit. Returns what to tell the member when it is due (at
 * most once a second), undefined otherwise.
 */
export function heldBack(member: HubMember, rate: RateLimit | undefined, now: number): string | undefined {
	if (now - member.lastLimitNotice < 1000) {
		return undefined;
	}

	member.lastLimitNotice = now;
	return `slow down: the room takes ${rate?.perSecond ?? 0} messages a second (bursts of ${rate?.burst ?? 0}); the rest wait their turn`;
}
