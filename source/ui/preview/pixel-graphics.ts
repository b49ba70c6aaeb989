import {image2sixel} from 'sixel';
import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import type {Pixels} from './half-blocks.js';

/**
 * iTerm2's inline images (OSC 1337) and sixel, as strings (pure). Both draw pixels at the
 * cursor, outside the text, so the picture cannot travel in Ink's frames as text (as kitty's
 * placeholders do). Instead the messages hold marker cells where the picture goes, and each
 * frame is rewritten on its way to the terminal (`placeImages`): the markers become spaces, and
 * the pictures are drawn over those spaces at the end of the same frame, inside Ink's
 * synchronized update (ESC[?2026h ... ESC[?2026l), so a terminal that knows it shows text and
 * pictures at once.
 */

const ESC = '\u001B';
const BEL = '\u0007';
/** Ink's end of a synchronized update. */
export const endSynchronized = `${ESC}[?2026l`;

/**
 * Marker cells: characters of the Supplementary Private Use Area-B (plane 16), one cell wide
 * for string-width and so for Ink's layout. The first cell of each row of an image names the
 * image and the row (U+100000 + id x 16 + row); the rest of the row is U+10FFFD. The terminal
 * never sees them: every frame's are turned into spaces.
 */
const markerBase = 0x10_00_00;
export const markerFill = '\u{10FFFD}';
/** Image ids: 1 to 3000 (each has 16 row markers, below kitty's placeholder U+10EEEE). */
export const maxPixelImageId = 3000;
const maxRows = 16;
/** Any marker character, for taking them out of what people sent (see `clean` in format-entry). */
export const markerCharacters = /[\u{100000}-\u{10FFFD}]/gu;

/** Where an image goes: its id and its size in cells. */
export type PixelPlacement = {readonly id: number; readonly columns: number; readonly rows: number};
/** A known image: its size in cells and the bytes that draw it at the cursor. */
export type PixelImage = {readonly columns: number; readonly rows: number; readonly draw: string};

/** The marker starting row `row` of image `id`. */
export function rowMarker(id: number, row: number): string {
	return String.fromCodePoint(markerBase + id * maxRows + row);
}

/** The placement's rows of marker cells, `columns` cells each. */
export function markerRows({id, columns, rows}: PixelPlacement): string[] {
	const within = (value: number, most: number) => Number.isInteger(value) && value >= 1 && value <= most;
	if (!within(id, maxPixelImageId) || !within(columns, 1000) || !within(rows, maxRows)) {
		throw new RangeError(`no marker cells for image ${id} of ${columns} x ${rows} cells`);
	}

	return Array.from({length: rows}, (_, row) => rowMarker(id, row) + markerFill.repeat(columns - 1));
}

/** One marker row as found in a frame: its screen row and column (1-based), image, row, width. */
type Found = {readonly line: number; readonly column: number; readonly id: number; readonly row: number; readonly cells: number};

const anyMarker = /[\u{100000}-\u{10FFFD}]/u;
const rowMarkers = /[\u{100000}-\u{10FFFC}]\u{10FFFD}*/gu;
const lastMarker = markerBase + (maxPixelImageId + 1) * maxRows;

function found(lines: readonly string[]): Found[] {
	const all: Found[] = [];
	for (const [index, line] of lines.entries()) {
		if (!anyMarker.test(line)) continue;
		const text = stripAnsi(line);
		for (const match of text.matchAll(rowMarkers)) {
			const code = match[0].codePointAt(0)! - markerBase;
			if (code >= lastMarker - markerBase) continue;
			const cells = [...match[0]].length;
			all.push({line: index + 1, column: stringWidth(text.slice(0, match.index)) + 1, id: Math.floor(code / maxRows), row: code % maxRows, cells});
		}
	}

	return all;
}

/**
 * One frame as Ink wrote it, made ready for the terminal (pure). The frame's text starts at the
 * top-left of the screen (the TUI draws full screen on the alternate screen: each frame erases
 * the last one back to its first line, or clears the screen and homes the cursor), so a marker's
 * screen row is one more than the newlines before it, its column one more than the width of
 * what precedes it on its line (escape codes stripped). Every marker becomes a space; each image
 * `imageOf` knows whose rows are all in the frame, one under the other in one column and each
 * whole (an image scrolled partly out of the pane, or cut, is not drawn: its cells stay blank)
 * is drawn there: cursor saved (ESC 7), moved (CSI row;col H), the image, cursor restored (ESC 8),
 * just before the frame's ESC[?2026l (at its end when it has none). A frame without markers is
 * returned as it came.
 */
export function placeImages(frame: string, imageOf: (id: number) => PixelImage | undefined): string {
	if (!anyMarker.test(frame)) return frame;
	const lines = frame.split('\n');
	const rows = found(lines);
	let draws = '';
	for (const top of rows) {
		if (top.row !== 0) continue;
		const image = imageOf(top.id);
		if (image === undefined || top.cells !== image.columns) continue;
		const whole = Array.from({length: image.rows - 1}, (_, index) => index + 1).every(row =>
			rows.some(other => other.id === top.id && other.row === row && other.line === top.line + row && other.column === top.column && other.cells === image.columns),
		);
		if (whole) draws += `${ESC}7${ESC}[${top.line};${top.column}H${image.draw}${ESC}8`;
	}

	const text = frame.replace(markerCharacters, ' ');
	const end = text.lastIndexOf(endSynchronized);
	return end === -1 ? text + draws : text.slice(0, end) + draws + text.slice(end);
}

/**
 * iTerm2's inline image (OSC 1337 File=, also WezTerm's): an image file's bytes (PNG, JPEG) in base64, shown in
 * `columns` x `rows` cells (a bare number is cells in iTerm2's units), its shape kept inside them.
 * iTerm2 moves the cursor past the image: the caller saves and restores it around the draw.
 */
export function iterm2Sequence(file: Uint8Array, columns: number, rows: number): string {
	const data = Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString('base64');
	return `${ESC}]1337;File=inline=1;size=${file.byteLength};width=${columns};height=${rows};preserveAspectRatio=1:${data}${BEL}`;
}

/** Colours in a sixel image's palette (the most the sixel standard allows). */
export const sixelColours = 256;

/**
 * The pixels as one sixel image (DCS q ... ST; the `sixel` package's encoder, its palette
 * quantised to 256 colours with its dithering), drawn at the cursor at their own size in pixels.
 * Background select 1: pixels the image leaves out keep what is under them.
 */
export function sixelSequence(image: Pixels): string {
	return image2sixel(image.data, image.width, image.height, sixelColours, 1);
}
