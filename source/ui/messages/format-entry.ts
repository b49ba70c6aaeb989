import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import wrapAnsi from 'wrap-ansi';
import type {ChatEntry} from '../../session/types.js';
import {type ColourDepth, halfBlockRows, type Pixels, previewBox} from '../preview/half-blocks.js';
import {type KittyPlacement, placeholderRows} from '../preview/kitty-graphics.js';
import {markerCharacters, markerRows, type PixelPlacement} from '../preview/pixel-graphics.js';
import type {Marker} from './highlight.js';
import {linkify} from './links.js';
import {nameColour} from '../theme/name-colour.js';
import {foreground, paint, sgr, type SgrStyle} from '../theme/sgr.js';

/** How entries are drawn beyond their width. */
export type EntryOptions = {
	/** Links in what people said become OSC 8 hyperlinks (the terminal shows them). */
	readonly links?: boolean;
	/** What a search found, highlighted (SGR codes only: the lines and their widths stay the same). */
	readonly mark?: Marker;
	/** How an image preview's colours are written (the terminal's depth). */
	readonly colours?: ColourDepth;
};

/** Width of the "HH:MM " column in front of every entry. */
export const timeColumnWidth = 6;

const minimumBodyWidth = 10;
// Control characters other than \n, including ESC: entries should arrive clean, this is a backstop.
const controlCharacters = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Local wall-clock time as HH:MM. */
export function formatTime(time: number): string {
	const date = new Date(time);
	return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** A centred dim rule: `──── history ────`. */
export function ruleLine(label: string, width: number): string {
	const text = ` ${label} `;
	const rest = Math.max(0, width - stringWidth(text));
	const left = Math.min(2, rest);
	return paint('─'.repeat(left) + text + '─'.repeat(rest - left), sgr.dim);
}

/** Control characters out; the private-use characters that reserve an image's cells (and kitty's placeholder) replaced: only previews make them. */
function clean(text: string): string {
	return text.replaceAll('\t', '    ').replace(controlCharacters, '').replace(markerCharacters, '\uFFFD');
}

function name(who: string | undefined): string {
	const plain = clean(who ?? '?');
	return paint(plain, foreground(nameColour(plain).code), sgr.bold);
}

/** One line of the entry as typed (split at \n), styled, its leading spaces counted apart. */
type LogicalLine = {readonly indent: number; readonly text: string};

/** The text's lines as shown, each without its leading spaces (which are counted apart). */
export function shownLines(text: string): Array<{readonly indent: number; readonly text: string}> {
	return clean(text)
		.split('\n')
		.map(line => {
			const indent = /^ */.exec(line)?.[0].length ?? 0;
			return {indent, text: line.slice(indent)};
		});
}

/** With `links`, the links in the text become hyperlinks (not while a search marks it: the marks go in alone). */
function logical(text: string, styles: readonly SgrStyle[], mark?: Marker, links = false): LogicalLine[] {
	return shownLines(text).map(({indent, text: line}) => ({indent, text: paint(mark ? mark(line) : links ? linkify(line) : line, ...styles)}));
}

/** The header before the first line ("alice: "); the lines after it are aligned under its text. */
function headed(header: string, lines: readonly LogicalLine[]): LogicalLine[] {
	const [first, ...rest] = lines;
	const text = first ? ' '.repeat(first.indent) + first.text : '';
	const hang = stringWidth(header);
	return [{indent: 0, text: header + text}, ...rest.map(line => ({...line, indent: line.indent + hang}))];
}

function eventLines(entry: ChatEntry, sign: string, fallback: string, mark: Marker | undefined): LogicalLine[] {
	const text = entry.text === '' ? fallback : entry.text;
	const prefix = `${sign} `;
	if (!mark) {
		return logical(prefix + text, [sgr.dim]);
	}

	// The sign is not searched: only the text after it is marked.
	let first = true;
	return logical(prefix + text, [sgr.dim], line => {
		const skip = first && line.startsWith(prefix) ? prefix.length : 0;
		first = false;
		return line.slice(0, skip) + mark(line.slice(skip));
	});
}

/**
 * The text a search looks in, as `entryLines` shows it (events' fallback wording included); undefined
 * for the kinds not searched (local notices and errors, markers).
 */
export function searchedText(entry: ChatEntry): string | undefined {
	const from = entry.from ?? '?';
	switch (entry.kind) {
		case 'message':
		case 'action':
		case 'direct':
		case 'offer': {
			return entry.text;
		}

		case 'join': {
			return entry.text === '' ? `${from} joined` : entry.text;
		}

		case 'leave': {
			return entry.text === '' ? `${from} left${entry.reason ? ` (${entry.reason})` : ''}` : entry.text;
		}

		case 'nick': {
			return entry.text === '' ? `${from} is now known as ${entry.to ?? '?'}` : entry.text;
		}

		default: {
			return undefined;
		}
	}
}

/** The entry as styled logical lines, before wrapping; `mark` highlights what a search found. */
function entryLogicalLines(entry: ChatEntry, mark?: Marker, links = false): LogicalLine[] {
	const body = () => logical(entry.text, entry.mentionsMe ? [sgr.yellow, sgr.bold] : [], mark, links);
	const from = entry.from ?? '?';
	switch (entry.kind) {
		case 'message': {
			return headed(`${name(from)}: `, body());
		}

		case 'action': {
			return headed(`* ${name(from)} `, body());
		}

		case 'direct': {
			return headed(`${paint('[dm]', sgr.magenta)} ${name(from)} -> ${name(entry.to)}: `, body());
		}

		case 'offer': {
			// The session's line already names the sender, the file and the /get command.
			return headed('⇩ ', body());
		}

		case 'join': {
			return eventLines(entry, '→', `${from} joined`, mark);
		}

		case 'leave': {
			return eventLines(entry, '←', `${from} left${entry.reason ? ` (${entry.reason})` : ''}`, mark);
		}

		case 'nick': {
			return eventLines(entry, '~', `${from} is now known as ${entry.to ?? '?'}`, mark);
		}

		case 'notice': {
			return logical(entry.text, [sgr.dim]);
		}

		case 'error': {
			return logical(entry.text, [sgr.red]);
		}

		case 'history-start':
		case 'history-end': {
			return [];
		}
	}
}

const printableAscii = /^[\u0020-\u007E]*$/;

/**
 * What wrap-ansi (hard, trimmed) makes of one line that needs no break, computed without it:
 * undefined unless the line's visible text is printable ASCII (SGR codes around it allowed)
 * and fits `columns`. wrap-ansi measures with an older string-width that builds its emoji
 * pattern for every character (about 5 µs a character); most chat lines are this case.
 * Exactly its steps for a single row: spaces at the start of the row dropped, words joined
 * by their spaces, spaces at the end dropped (the SGR codes after them kept).
 */
export function unbrokenLine(text: string, columns: number): string | undefined {
	if (text.includes('\u009B')) {
		return undefined;
	}

	const visible = stripAnsi(text);
	if (visible.length > columns || !printableAscii.test(visible)) {
		return undefined;
	}

	if (text.trim() === '') {
		return '';
	}

	let row = '';
	for (const [index, word] of text.split(' ').entries()) {
		row = row.trimStart();
		if (index !== 0 && stripAnsi(row).length > 0) {
			row += ' ';
		}

		row += word;
	}

	const words = row.split(' ');
	let last = words.length;
	while (last > 0 && stripAnsi(words[last - 1]!).length === 0) {
		last--;
	}

	return last === words.length ? row : words.slice(0, last).join(' ') + words.slice(last).join('');
}

/** The line hard-wrapped to `columns` cells (wrap-ansi), a line that fits without it. */
export function wrapLine(text: string, columns: number): string[] {
	const unbroken = unbrokenLine(text, columns);
	return unbroken === undefined ? wrapAnsi(text, columns, {hard: true}).split('\n') : [unbroken];
}

function wrapLogical({indent, text}: LogicalLine, width: number): string[] {
	const usable = width - indent;
	if (usable < minimumBodyWidth) {
		return wrapLine(' '.repeat(indent) + text, width);
	}

	const pad = ' '.repeat(indent);
	return wrapLine(text, usable).map(part => pad + part);
}

/**
 * What is shown with a message besides its own text: the one-line quote of the message a reply
 * answers ("↳ bob: the slides are ready"), and its reactions' counts ("👍 3  🎉 1").
 */
export type EntryDecor = {
	readonly quote?: string;
	readonly reactions?: string;
	/** A downloaded image's thumbnail, drawn in half blocks under the entry (at most 40 x 12 cells). */
	readonly image?: Pixels;
	/** The same image sent to the terminal (kitty's graphics protocol): drawn as its placeholder cells where they fit the width. */
	readonly kitty?: KittyPlacement;
	/** The same image drawn by iTerm2's inline images or sixel: its cells reserved as marker cells where they fit the width. */
	readonly pixels?: PixelPlacement;
	/** Why an image offered or saved has no preview ("not an image (a broken PNG file)"): one dim line under the entry. */
	readonly noPreview?: string;
};

/**
 * The entry wrapped to `width` terminal cells: one string per screen line, each at most
 * `width` cells wide (wide CJK characters, emoji and combining marks measured by string-width).
 * `options.mark` highlights what a search found (SGR codes only: the lines and their widths are
 * the same as without); `decor` adds a reply's quote above and the reactions below.
 */
export function entryLines(entry: ChatEntry, width: number, options: EntryOptions = {}, decor: EntryDecor = {}): readonly string[] {
	if (entry.kind === 'history-start') {
		return [ruleLine('history', width)];
	}

	if (entry.kind === 'history-end') {
		return [ruleLine('live', width)];
	}

	const withTime = width - timeColumnWidth >= minimumBodyWidth;
	const bodyWidth = Math.max(1, withTime ? width - timeColumnWidth : width);
	const lines: string[] = [];
	if (decor.quote !== undefined) {
		// One line, cut to fit: the quote is a pointer to the original, not a copy of it.
		const quote = clean(decor.quote).replaceAll('\n', ' ');
		lines.push(paint(truncateTo(`↳ ${quote}`, bodyWidth), sgr.dim));
	}

	for (const line of entryLogicalLines(entry, options.mark, options.links === true)) {
		lines.push(...wrapLogical(line, bodyWidth));
	}

	if (decor.reactions) {
		lines.push(...wrapLine(paint(clean(decor.reactions), sgr.cyan), bodyWidth));
	}

	if (decor.kitty && decor.kitty.columns <= bodyWidth) {
		lines.push(...placeholderRows(decor.kitty));
	} else if (decor.pixels && decor.pixels.columns <= bodyWidth) {
		lines.push(...markerRows(decor.pixels));
	} else if (decor.image) {
		// A pane too narrow for the placement's cells cuts nothing: half blocks fit any width.
		lines.push(...halfBlockRows(decor.image, Math.min(previewBox.columns, bodyWidth), previewBox.rows, options.colours));
	} else if (decor.noPreview !== undefined) {
		lines.push(paint(truncateTo(`no preview: ${clean(decor.noPreview).replaceAll('\n', ' ')}`, bodyWidth), sgr.dim));
	}

	if (lines.length === 0) {
		lines.push('');
	}

	if (!withTime) {
		return lines;
	}

	const time = `${paint(formatTime(entry.time), sgr.gray)} `;
	const gap = ' '.repeat(timeColumnWidth);
	return lines.map((line, index) => (index === 0 ? time : gap) + line);
}

/** `text` cut to `columns` cells, an ellipsis where it was cut. */
export function truncateTo(text: string, columns: number): string {
	if (stringWidth(text) <= columns) return text;
	let out = '';
	for (const character of text) {
		if (stringWidth(`${out + character}…`) > columns) break;
		out += character;
	}

	return `${out}…`;
}
