import {MAX_TEXT_BYTES} from '../protocol/limits.js';
import {utf8Bytes} from '../protocol/sanitize.js';

const count = new Intl.NumberFormat('en');

/** The size of a text against the message limit, in UTF-8 bytes. */
export type TextSize = {readonly bytes: number; readonly limit: number};

export function textSize(text: string): TextSize {
	return {bytes: utf8Bytes(text), limit: MAX_TEXT_BYTES};
}

/** Why a message is refused for its size ("5,000 of 4,000 bytes: ..."), or undefined when it fits. */
export function tooLong(text: string): string | undefined {
	const {bytes, limit} = textSize(text);
	return bytes > limit ? `message not sent: it is ${count.format(bytes)} bytes, the limit is ${count.format(limit)} (shorten it, or /send it as a file)` : undefined;
}

/** Thousands separated, as the sizes are shown to people. */
export function formatCount(value: number): string {
	return count.format(value);
}
