import {PNG} from 'pngjs';
import {tmuxPassthrough} from '../terminal/notify-escapes.js';
import type {Pixels} from './half-blocks.js';

/**
 * kitty's graphics protocol with Unicode placeholders, as strings (pure). The image is sent once
 * as a PNG and given a virtual placement (U=1); the screen shows it wherever text made of
 * U+10EEEE cells names it: the image id in the cell's foreground colour (256-colour palette,
 * so tmux keeps it whatever it knows of the outer terminal's colours), the cell's row and column
 * in the image as two combining diacritics. Being text, the image scrolls and is redrawn with
 * the lines it sits in, by Ink and by tmux alike. kitty 0.28+ and ghostty 1.0+ speak it.
 */

const ESC = '\u001B';
const ST = `${ESC}\\`;

/** The placeholder character. */
export const placeholder = '\u{10EEEE}';

/**
 * The diacritics for the numbers 0, 1, 2... (kitty's rowcolumn-diacritics table, its first 40:
 * enough for a preview of at most 40 x 12 cells).
 */
export const diacritics = [
	0x0305, 0x030d, 0x030e, 0x0310, 0x0312, 0x033d, 0x033e, 0x033f, 0x0346, 0x034a, 0x034b, 0x034c, 0x0350, 0x0351, 0x0352, 0x0357, 0x035b, 0x0363, 0x0364, 0x0365, 0x0366, 0x0367, 0x0368, 0x0369,
	0x036a, 0x036b, 0x036c, 0x036d, 0x036e, 0x036f, 0x0483, 0x0484, 0x0485, 0x0486, 0x0487, 0x0592, 0x0593, 0x0594, 0x0595, 0x0597,
].map(point => String.fromCodePoint(point));

/** Image ids: 1-255, the colours of the 256-colour palette that are not the default (0). */
export const maxImageId = 255;
/**
 * The pixels of one cell, assumed (the terminal is not asked: its answer would come in on the
 * input Ink reads): 10 x 20, about what a 12-14 pt font gives. A thumbnail of that many pixels
 * per cell is sent; the terminal fits it to the placement's cells, its shape kept.
 */
export const kittyCell = {width: 10, height: 20} as const;

/** kitty's largest chunk of base64 payload in one escape sequence. */
export const chunkBytes = 4096;

/** Where a transmitted image is drawn: its id and its size in cells. */
export type KittyPlacement = {readonly id: number; readonly columns: number; readonly rows: number};

/**
 * The placement's rows of text: each `rows` long line is `columns` placeholder cells in the
 * image's colour, each cell carrying its row and column diacritics; each line ends by restoring
 * the default foreground (39).
 */
export function placeholderRows({id, columns, rows}: KittyPlacement): string[] {
	const within = (value: number, most: number) => Number.isInteger(value) && value >= 1 && value <= most;
	if (!within(id, maxImageId) || !within(columns, diacritics.length) || !within(rows, diacritics.length)) {
		throw new RangeError(`no placeholders for image ${id} of ${columns} x ${rows} cells`);
	}

	const lines: string[] = [];
	for (let row = 0; row < rows; row++) {
		let line = `${ESC}[38;5;${id}m`;
		for (let column = 0; column < columns; column++) line += placeholder + diacritics[row]! + diacritics[column]!;
		lines.push(`${line}${ESC}[39m`);
	}

	return lines;
}

/** The image as a PNG file's bytes (pngjs). */
export function encodePng(image: Pixels): Uint8Array {
	const png = new PNG({width: image.width, height: image.height});
	png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.width * image.height * 4);
	return PNG.sync.write(png);
}

/** One graphics command (APC G), wrapped for tmux to pass on when inside it. */
function command(keys: string, payload: string, tmux: boolean): string {
	const sequence = `${ESC}_G${keys}${payload === '' ? '' : `;${payload}`}${ST}`;
	return tmux ? tmuxPassthrough(sequence) : sequence;
}

/**
 * The commands that send `png` as image `placement.id` and make its virtual placement of
 * `placement.columns` x `placement.rows` cells (a=T, U=1, f=100: PNG), the base64 payload cut in
 * chunks of 4096 bytes (m=1 on all but the last). q=2 on every chunk: the terminal answers
 * nothing, so no reply ever reaches the program's input. Inside tmux each chunk is wrapped in
 * tmux's passthrough (tmux 3.3+ with `allow-passthrough on`).
 */
export function transmitSequence(placement: KittyPlacement, png: Uint8Array, tmux = false): string {
	const data = Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64');
	const chunks: string[] = [];
	for (let at = 0; at < data.length || at === 0; at += chunkBytes) chunks.push(data.slice(at, at + chunkBytes));
	return chunks
		.map((chunk, index) => {
			const more = index < chunks.length - 1 ? 1 : 0;
			const keys = index === 0 ? `a=T,U=1,f=100,i=${placement.id},c=${placement.columns},r=${placement.rows},q=2,m=${more}` : `q=2,m=${more}`;
			return command(keys, chunk, tmux);
		})
		.join('');
}

/** Deletes image `id` and frees its data in the terminal (a=d, d=I), answering nothing. */
export function deleteSequence(id: number, tmux = false): string {
	return command(`a=d,d=I,i=${id},q=2`, '', tmux);
}
