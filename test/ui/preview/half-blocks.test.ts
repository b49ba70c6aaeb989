import fc from 'fast-check';
import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import {describe, expect, it} from 'vitest';
import {halfBlockRows, palette256, previewSize, type Pixels} from '../../../source/ui/preview/half-blocks.js';

function image(width: number, height: number, pixel: (x: number, y: number) => readonly [number, number, number, number]): Pixels {
	const data = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
	return {width, height, data};
}

describe('halfBlockRows', () => {
	it('draws a 2x2 image as one row of two cells: upper pixel foreground, lower pixel background', () => {
		const colours = [
			[255, 0, 0, 255],
			[0, 255, 0, 255],
			[0, 0, 255, 255],
			[255, 255, 255, 255],
		] as const;
		const rows = halfBlockRows(image(2, 2, (x, y) => colours[y * 2 + x]!), 40, 12);
		expect(rows).toEqual(['\u001B[38;2;255;0;0m\u001B[48;2;0;0;255m▀\u001B[38;2;0;255;0m\u001B[48;2;255;255;255m▀\u001B[39;49m']);
	});

	it('writes 256-colour codes when asked', () => {
		const rows = halfBlockRows(image(1, 2, (_x, y) => (y === 0 ? [255, 0, 0, 255] : [0, 0, 0, 255])), 40, 12, '256');
		expect(rows).toEqual(['\u001B[38;5;196m\u001B[48;5;16m▀\u001B[39;49m']);
	});

	it('composites transparent pixels over black', () => {
		const rows = halfBlockRows(image(1, 2, () => [200, 100, 50, 0]), 40, 12);
		expect(rows).toEqual(['\u001B[38;2;0;0;0m\u001B[48;2;0;0;0m▀\u001B[39;49m']);
	});

	it('shrinks a large image to the box, keeping its shape', () => {
		expect(previewSize(800, 600, 40, 12)).toEqual({columns: 32, rows: 12});
		expect(previewSize(1000, 100, 40, 12)).toEqual({columns: 40, rows: 2});
		expect(previewSize(3, 4, 40, 12)).toEqual({columns: 3, rows: 2});
		const rows = halfBlockRows(image(800, 600, x => [x % 256, 0, 0, 255]), 40, 12);
		expect(rows).toHaveLength(12);
		expect(stringWidth(rows[0]!)).toBe(32);
	});

	it('never exceeds the width or the rows it is given', () => {
		fc.assert(
			fc.property(fc.integer({min: 1, max: 120}), fc.integer({min: 1, max: 120}), fc.integer({min: 1, max: 50}), fc.integer({min: 1, max: 14}), (width, height, columns, rows) => {
				const lines = halfBlockRows(image(width, height, () => [10, 20, 30, 255]), columns, rows);
				expect(lines.length).toBeGreaterThan(0);
				expect(lines.length).toBeLessThanOrEqual(rows);
				for (const line of lines) {
					expect(stringWidth(line)).toBeLessThanOrEqual(columns);
					expect(stripAnsi(line)).toMatch(/^▀+$/);
				}
			}),
			{numRuns: 200},
		);
	});

	it('maps colours to the 256 palette: cube corners and greys', () => {
		expect(palette256(0, 0, 0)).toBe(16);
		expect(palette256(255, 255, 255)).toBe(231);
		expect(palette256(128, 128, 128)).toBe(244);
	});

	it('draws nothing for an empty image', () => {
		expect(halfBlockRows({width: 0, height: 0, data: new Uint8Array()}, 40, 12)).toEqual([]);
	});
});
