import {cleanMessage} from '../protocol/sanitize.js';

/**
 * Pasted or typed text made fit for a draft, as the room will show it: escape sequences
 * (colours from `git diff`, `ls --color`) and control characters removed, CRLF and CR made LF,
 * tabs made spaces, and the line breaks at its end dropped (a copied line usually brings one).
 */
export function cleanDraftText(text: string): string {
	return cleanMessage(text).replace(/\n+$/, '');
}
