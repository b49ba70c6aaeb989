/**
 * Links in message text: found (http, https and mailto only) and made clickable with OSC 8
 * hyperlinks (`ESC ] 8 ; ; URL BEL text ESC ] 8 ; ; BEL`). The text shown stays what was typed; the link's target is the URL as the WHATWG
 * parser writes it (percent-encoded, printable ASCII only), so nothing in it can end the sequence.
 */

/** A link found in text: `text.slice(start, end)` is what was typed, `url` where it goes. */
export type Link = {readonly start: number; readonly end: number; readonly url: string};

// A scheme at a word boundary, then anything up to white space or a character URLs do not hold.
const candidates = /\b(?:https?:\/\/|mailto:)[^\s<>"`\u0000-\u001F\u007F-\u009F]+/gi;
const trailing = new Set(['.', ',', ';', ':', '!', '?', "'", '*']);
const pairs: Record<string, string> = {')': '(', ']': '[', '}': '{'};
const printableAscii = /^[\u0021-\u007E]+$/;

function count(text: string, char: string): number {
	return text.split(char).length - 1;
}

/** Drops the punctuation that ends a sentence, and a closing bracket the URL did not open. */
function trimEnd(text: string): string {
	let end = text.length;
	while (end > 0) {
		const last = text[end - 1]!;
		const opener = pairs[last];
		if (trailing.has(last) || (opener !== undefined && count(text.slice(0, end), last) > count(text.slice(0, end), opener))) {
			end--;
		} else {
			break;
		}
	}

	return text.slice(0, end);
}

/** The URL to link `text` to, or undefined when it is no http(s) or mailto URL. */
export function linkTarget(text: string): string | undefined {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return undefined;
	}

	const web = url.protocol === 'http:' || url.protocol === 'https:';
	if (!(web ? url.hostname !== '' : url.protocol === 'mailto:' && url.pathname !== '')) {
		return undefined;
	}

	return printableAscii.test(url.href) ? url.href : undefined;
}

/** The links in `text`, in order, not overlapping. */
export function findLinks(text: string): Link[] {
	const links: Link[] = [];
	for (const match of text.matchAll(candidates)) {
		const typed = trimEnd(match[0]);
		const url = linkTarget(typed);
		if (url !== undefined) {
			links.push({start: match.index, end: match.index + typed.length, url});
		}
	}

	return links;
}

/**
 * `text` shown as a hyperlink to `url`, BEL-terminated: the form wrap-ansi knows (it closes and
 * reopens a link at a line break) and Ink's output tokenizer knows (with ESC \\ it would count
 * the sequence as visible cells and shift the rest of the row). Terminals with OSC 8 take both.
 */
export function hyperlink(url: string, text: string): string {
	return `\u001B]8;;${url}\u0007${text}\u001B]8;;\u0007`;
}

/** `text` with every link in it made a hyperlink. `text` must hold no control characters. */
export function linkify(text: string): string {
	let result = '';
	let at = 0;
	for (const link of findLinks(text)) {
		result += text.slice(at, link.start) + hyperlink(link.url, text.slice(link.start, link.end));
		at = link.end;
	}

	return at === 0 ? text : result + text.slice(at);
}
