/** Decoded pixels: `data` holds 4 bytes (R, G, B, A) for each pixel, row by row. */
export type Pixels = {readonly width: number; readonly height: number; readonly data: Uint8Array};

/** How colours are written: 24-bit SGR (38;2 / 48;2) or the 256-colour palette (38;5 / 48;5). */
export type ColourDepth = 'truecolor' | '256';

/** The largest preview, in terminal cells. */
export const previewBox = {columns: 40, rows: 12} as const;

const upperHalf = '▀';

/**
 * The size in cells of a `width` x `height` image shown at most `columns` x `rows` cells: each
 * cell is one pixel column and two pixel rows (a cell is about twice as tall as it is wide, so
 * the image keeps its shape), never enlarged, at least one cell.
 */
export function previewSize(width: number, height: number, columns: number, rows: number): {readonly columns: number; readonly rows: number} {
	if (width <= 0 || height <= 0 || columns <= 0 || rows <= 0) return {columns: 0, rows: 0};
	const scale = Math.min(1, columns / width, (rows * 2) / height);
	return {columns: Math.max(1, Math.min(columns, Math.round(width * scale))), rows: Math.max(1, Math.min(rows, Math.round((height * scale) / 2)))};
}

/** The average colour of the pixels in the box [x0, x1) x [y0, y1), composited over black. */
function average(image: Pixels, x0: number, x1: number, y0: number, y1: number): readonly [number, number, number] {
	let r = 0;
	let g = 0;
	let b = 0;
	let count = 0;
	for (let y = y0; y < y1; y++) {
		for (let x = x0; x < x1; x++) {
			const at = (y * image.width + x) * 4;
			const alpha = image.data[at + 3]! / 255;
			r += image.data[at]! * alpha;
			g += image.data[at + 1]! * alpha;
			b += image.data[at + 2]! * alpha;
			count++;
		}
	}

	return count === 0 ? [0, 0, 0] : [Math.round(r / count), Math.round(g / count), Math.round(b / count)];
}

/** The image scaled (box average) to `width` x `height` pixels. */
export function scalePixels(image: Pixels, width: number, height: number): Pixels {
	const data = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) {
		const y0 = Math.floor((y * image.height) / height);
		const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
		for (let x = 0; x < width; x++) {
			const x0 = Math.floor((x * image.width) / width);
			const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width));
			const [r, g, b] = average(image, x0, x1, y0, y1);
			data.set([r, g, b, 255], (y * width + x) * 4);
		}
	}

	return {width, height, data};
}

/** The nearest colour of the 6x6x6 cube or the grey ramp of the 256-colour palette. */
export function palette256(r: number, g: number, b: number): number {
	const level = (value: number) => (value < 48 ? 0 : value < 115 ? 1 : Math.floor((value - 35) / 40));
	const levels = [0, 95, 135, 175, 215, 255];
	const [lr, lg, lb] = [level(r), level(g), level(b)];
	const cube = 16 + 36 * lr + 6 * lg + lb;
	const cubeError = (levels[lr]! - r) ** 2 + (levels[lg]! - g) ** 2 + (levels[lb]! - b) ** 2;
	const grey = Math.round((r + g + b) / 3);
	const step = Math.max(0, Math.min(23, Math.round((grey - 8) / 10)));
	const greyValue = 8 + step * 10;
	const greyError = (greyValue - r) ** 2 + (greyValue - g) ** 2 + (greyValue - b) ** 2;
	return greyError < cubeError ? 232 + step : cube;
}

function colour(layer: 38 | 48, r: number, g: number, b: number, depth: ColourDepth): string {
	return depth === 'truecolor' ? `\u001B[${layer};2;${r};${g};${b}m` : `\u001B[${layer};5;${palette256(r, g, b)}m`;
}

/**
 * The image as rows of coloured half blocks, fitting `columns` x `rows` cells (aspect kept,
 * never enlarged): each cell is `▀` with the upper pixel as its foreground and the lower as its
 * background; each row ends by restoring the default colours (39;49). An empty image: no rows.
 */
export function halfBlockRows(image: Pixels, columns: number, rows: number, depth: ColourDepth = 'truecolor'): string[] {
	const size = previewSize(image.width, image.height, columns, rows);
	if (size.columns === 0) return [];
	const scaled = scalePixels(image, size.columns, size.rows * 2);
	const lines: string[] = [];
	for (let row = 0; row < size.rows; row++) {
		let line = '';
		for (let x = 0; x < size.columns; x++) {
			const top = (row * 2 * size.columns + x) * 4;
			const bottom = ((row * 2 + 1) * size.columns + x) * 4;
			const d = scaled.data;
			line += colour(38, d[top]!, d[top + 1]!, d[top + 2]!, depth) + colour(48, d[bottom]!, d[bottom + 1]!, d[bottom + 2]!, depth) + upperHalf;
		}

		lines.push(`${line}\u001B[39;49m`);
	}

	return lines;
}
