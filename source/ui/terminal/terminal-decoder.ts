/**
 * The bytes a terminal sends, taken apart before anything else sees them. Pure: the caller
 * passes the time, and calls `flush()` when a lone Esc has waited long enough.
 *
 * What comes out: keys that Ink's key parser is known to handle (printable text, control
 * keys, the arrow/function/navigation sequences), pastes (bracketed, DEC mode 2004, or a burst
 * of text with line breaks inside, from a terminal without it), and the few keys we handle
 * ourselves. Every other escape sequence (colours, OSC, DCS, unknown CSI) is dropped whole.
 */
export type TerminalEvent =
	/** Safe to hand to Ink as they are. */
	| {readonly kind: 'keys'; readonly data: string}
	/** Pasted text, raw (escape sequences and controls still in it). */
	| {readonly kind: 'paste'; readonly text: string}
	/** Shift+Enter, Alt+Enter, Ctrl+J: a line break in the draft. */
	| {readonly kind: 'newline'}
	/** The Delete key (Ink reports it like Backspace). */
	| {readonly kind: 'delete-forward'}
	/** Focus reporting (DEC mode 1004). */
	| {readonly kind: 'focus'; readonly focused: boolean};

const ESC = '\u001B';
const pasteStart = `${ESC}[200~`;
const pasteEnd = `${ESC}[201~`;
/** A paste larger than this is ended here (what follows until its end marker is dropped). */
export const MAX_PASTE_CHARS = 1024 * 1024;
/** Chunks this close after a burst paste belong to it (a large paste arrives in several reads). */
export const BURST_GAP_MS = 30;
/** An escape sequence this long without its end is not one: it is dropped. */
const MAX_SEQUENCE_CHARS = 4096;

/** Final bytes of CSI sequences that are keys Ink knows (arrows, Home/End, F1-F4, Shift+Tab). */
const csiKeyFinals = new Set(['A', 'B', 'C', 'D', 'E', 'H', 'F', 'Z', 'P', 'Q', 'R', 'S']);
/** Codes of `CSI n ~` that Ink knows (Home, Insert, Delete, End, PgUp, PgDn, F1-F12). */
const tildeCodes = new Set([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 23, 24]);

type Parsed = {readonly length: number; readonly event?: TerminalEvent; readonly startsPaste?: boolean} | 'incomplete';

/** Reads a CSI sequence at `at` (buffer[at] is ESC, buffer[at + 1] is '['). */
function parseCsi(buffer: string, at: number): Parsed {
	let index = at + 2;
	// The Linux console's F1-F5: ESC [ [ A.
	if (buffer[index] === '[') {
		return index + 1 < buffer.length ? {length: 4} : 'incomplete';
	}

	while (index < buffer.length) {
		const code = buffer.charCodeAt(index);
		if (code >= 0x40 && code <= 0x7e) {
			return {length: index + 1 - at, ...classifyCsi(buffer.slice(at + 2, index), buffer[index]!)};
		}

		if (code < 0x20 || code > 0x3f) {
			// Not a CSI byte: whatever came so far was no sequence.
			return {length: index - at};
		}

		if (index - at > MAX_SEQUENCE_CHARS) {
			return {length: index - at};
		}

		index++;
	}

	return 'incomplete';
}

function classifyCsi(parameters: string, final: string): {event?: TerminalEvent; startsPaste?: boolean} {
	const sequence = `${ESC}[${parameters}${final}`;
	if (final === '~') {
		const [code, modifier] = parameters.split(';').map(Number);
		if (parameters === '200') {
			return {startsPaste: true};
		}

		// xterm's modifyOtherKeys: Shift+Enter is CSI 27;2;13~, Alt+Enter CSI 27;3;13~.
		if (/^27;\d+;13$/.test(parameters)) {
			return {event: {kind: 'newline'}};
		}

		if (code === 3 && modifier === undefined) {
			return {event: {kind: 'delete-forward'}};
		}

		return /^\d+(;\d+)?$/.test(parameters) && tildeCodes.has(code!) ? {event: {kind: 'keys', data: sequence}} : {};
	}

	if (final === 'u') {
		// CSI u (kitty, fixterms): 13 is Enter; any modifier makes it a line break.
		return /^13;\d+$/.test(parameters) ? {event: {kind: 'newline'}} : {};
	}

	if ((final === 'I' || final === 'O') && parameters === '') {
		return {event: {kind: 'focus', focused: final === 'I'}};
	}

	return csiKeyFinals.has(final) && /^(1;\d+)?$/.test(parameters) ? {event: {kind: 'keys', data: sequence}} : {};
}

/** OSC, DCS, APC, PM and SOS run until BEL or ESC \ (string terminator); all dropped. */
function parseString(buffer: string, at: number): Parsed {
	for (let index = at + 2; index < buffer.length; index++) {
		const char = buffer[index];
		if (char === '\u0007') {
			return {length: index + 1 - at};
		}

		if (char === ESC) {
			if (index + 1 >= buffer.length) {
				return 'incomplete';
			}

			if (buffer[index + 1] === '\\') {
				return {length: index + 2 - at};
			}
		}

		if (index - at > MAX_SEQUENCE_CHARS) {
			return {length: index - at};
		}
	}

	return 'incomplete';
}

function parseEscape(buffer: string, at: number): Parsed {
	const next = buffer[at + 1];
	if (next === undefined) {
		return 'incomplete';
	}

	switch (next) {
		case '[': {
			return parseCsi(buffer, at);
		}

		case 'O': {
			const final = buffer[at + 2];
			if (final === undefined) {
				return 'incomplete';
			}

			return /^[A-DHFP-S]$/.test(final) ? {length: 3, event: {kind: 'keys', data: buffer.slice(at, at + 3)}} : {length: 2};
		}

		case ']':
		case 'P':
		case '_':
		case '^':
		case 'X': {
			return parseString(buffer, at);
		}

		case '\r': {
			return {length: 2, event: {kind: 'newline'}};
		}

		case ESC: {
			return {length: 1, event: {kind: 'keys', data: ESC}};
		}

		default: {
			// Alt+letter, Alt+digit, Alt+Backspace: keys Ink knows. Esc before anything else is dropped.
			return /^[a-zA-Z0-9\u007F\b]$/.test(next) ? {length: 2, event: {kind: 'keys', data: buffer.slice(at, at + 2)}} : {length: 1};
		}
	}
}

/** The longest end of `text` that could be the start of `marker`. */
function partialSuffix(text: string, marker: string): number {
	for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
		if (marker.startsWith(text.slice(-length))) {
			return length;
		}
	}

	return 0;
}

/** A burst from a terminal without bracketed paste: text with a line break before its end. */
function isBurst(chunk: string): boolean {
	const body = chunk.replace(/[\r\n]+$/, '');
	return body.length > 1 && /[\r\n]/.test(body);
}

/** Control characters that Ink handles as keys: Ctrl+letters, Tab, Enter, Backspace. */
function controlKey(char: string): TerminalEvent | undefined {
	if (char === '\n') {
		return {kind: 'newline'};
	}

	const code = char.charCodeAt(0);
	return (code >= 1 && code <= 0x1a) || code === 0x7f ? {kind: 'keys', data: char} : undefined;
}

// eslint-disable-next-line no-control-regex
const special = /[\u0000-\u001F\u007F-\u009F]/;

export class TerminalDecoder {
	private pending = '';
	private paste: string | undefined;
	private pasteDropping = false;
	private burstUntil = Number.NEGATIVE_INFINITY;

	/** True while an incomplete sequence, a lone Esc, or an unfinished paste waits for more bytes. */
	get waiting(): boolean {
		return this.pending !== '' || this.paste !== undefined;
	}

	/** True while a bracketed paste has started and not ended. */
	get pasting(): boolean {
		return this.paste !== undefined;
	}

	/** Takes a chunk as read from the terminal, at time `now` (ms). */
	push(chunk: string, now: number): TerminalEvent[] {
		if (this.paste === undefined && this.pending === '' && !chunk.includes(pasteStart) && (isBurst(chunk) || this.continuesBurst(chunk, now))) {
			this.burstUntil = now + BURST_GAP_MS;
			const text = chunk.replace(/[\r\n]+$/, '');
			return text === '' ? [] : [{kind: 'paste', text}];
		}

		const buffer = this.pending + chunk;
		this.pending = '';
		const events: TerminalEvent[] = [];
		let index = 0;
		while (index < buffer.length) {
			if (this.paste !== undefined) {
				index = this.readPaste(buffer, index, events);
				continue;
			}

			const char = buffer[index]!;
			if (char === ESC) {
				const parsed = parseEscape(buffer, index);
				if (parsed === 'incomplete') {
					this.pending = buffer.slice(index);
					break;
				}

				if (parsed.startsPaste) {
					this.paste = '';
				} else if (parsed.event) {
					events.push(parsed.event);
				}

				index += parsed.length;
			} else if (special.test(char)) {
				const event = controlKey(char);
				if (event) {
					events.push(event);
				}

				index++;
			} else {
				let end = index + 1;
				while (end < buffer.length && buffer[end] !== ESC && !special.test(buffer[end]!)) {
					end++;
				}

				events.push({kind: 'keys', data: buffer.slice(index, end)});
				index = end;
			}
		}

		return events;
	}

	/** Text right after a burst is more of the same paste; a lone Enter (or a key sequence) is not. */
	private continuesBurst(chunk: string, now: number): boolean {
		return now <= this.burstUntil && !chunk.startsWith(ESC) && /[^\r\n]/.test(chunk);
	}

	/**
	 * Nothing more came for a while: a lone Esc is the Esc key, a sequence cut short is dropped,
	 * and a paste whose end marker never came (a stray start marker) ends with what it has.
	 */
	flush(): TerminalEvent[] {
		const pending = this.pending;
		this.pending = '';
		if (this.paste !== undefined) {
			const text = this.paste + pending;
			this.paste = undefined;
			this.pasteDropping = false;
			return text === '' ? [] : [{kind: 'paste', text}];
		}

		return pending === ESC ? [{kind: 'keys', data: ESC}] : [];
	}

	private readPaste(buffer: string, index: number, events: TerminalEvent[]): number {
		const end = buffer.indexOf(pasteEnd, index);
		const stop = end === -1 ? buffer.length - partialSuffix(buffer.slice(index), pasteEnd) : end;
		if (!this.pasteDropping) {
			this.paste += buffer.slice(index, stop);
			if (this.paste!.length > MAX_PASTE_CHARS) {
				this.paste = this.paste!.slice(0, MAX_PASTE_CHARS);
				this.pasteDropping = true;
			}
		}

		if (end === -1) {
			this.pending = buffer.slice(stop);
			return buffer.length;
		}

		if (this.paste !== '') {
			events.push({kind: 'paste', text: this.paste!});
		}

		this.paste = undefined;
		this.pasteDropping = false;
		return end + pasteEnd.length;
	}
}
