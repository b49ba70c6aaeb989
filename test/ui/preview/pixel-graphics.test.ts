import {PNG} from 'pngjs';
import {decode} from 'sixel';
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {encodePng} from '../../../source/ui/preview/kitty-graphics.js';
import {iterm2Sequence, markerFill, markerRows, type PixelImage, placeImages, rowMarker, sixelSequence} from '../../../source/ui/preview/pixel-graphics.js';
import {attachPixelImages, detachPixelImages, PIXEL_IMAGES_HELD, PixelImages, pixelStdout, unknownSixelCell} from '../../../source/ui/preview/pixel-images.js';

const bsu = '\u001B[?2026h';
const esu = '\u001B[?2026l';
const erase = '\u001B[2K\u001B[1A\u001B[2K\u001B[G';
const anyMarker = /[\u{100000}-\u{10FFFD}]/u;

function pixels(width: number, height: number) {
	const data = new Uint8Array(width * height * 4);
	for (let at = 0; at < width * height; at++) data.set([(at * 7) % 256, (at * 3) % 256, 200, 255], at * 4);
	return {width, height, data};
}

const images = new Map<number, PixelImage>([
	[1, {columns: 3, rows: 2, draw: '<image 1>'}],
	[2, {columns: 1, rows: 1, draw: '<image 2>'}],
]);
const imageOf = (id: number) => images.get(id);

describe('marker cells', () => {
	test('one row of cells each, one cell wide each for string-width (and so for Ink)', () => {
		const rows = markerRows({id: 1, columns: 3, rows: 2});
		expect(rows).toEqual([rowMarker(1, 0) + markerFill + markerFill, rowMarker(1, 1) + markerFill + markerFill]);
		expect(rows.map(row => stringWidth(row))).toEqual([3, 3]);
		expect(() => markerRows({id: 0, columns: 3, rows: 2})).toThrow(RangeError);
		expect(() => markerRows({id: 1, columns: 3, rows: 17})).toThrow(RangeError);
	});
});

describe('placeImages: a frame made ready for the terminal', () => {
	const [top = '', bottom = ''] = markerRows({id: 1, columns: 3, rows: 2});

	test('the markers become spaces, and the image is drawn at their row and column just before the end of the synchronized update', () => {
		const frame = `${erase}status line\n│ \u001B[2m12:00\u001B[22m 🎉 ${top}│ members\n│ ${' '.repeat(9)}${bottom}│ alice\n> input${esu}`;
		const out = placeImages(frame, imageOf);
		expect(out).not.toMatch(anyMarker);
		// The text is the same, cell for cell, with spaces where the markers were.
		expect(out.startsWith(`${erase}status line\n│ \u001B[2m12:00\u001B[22m 🎉    │ members\n│ ${' '.repeat(12)}│ alice\n> input`)).toBe(true);
		// Row 2 (one newline before it); column: "│ 12:00 🎉 " is 11 cells wide (the emoji two), so 12.
		expect(out.endsWith(`\u001B7\u001B[2;12H<image 1>\u001B8${esu}`)).toBe(true);
	});

	test('a frame with no end of update gets the draws at its end; Ink writes ESC[?2026l apart, right after', () => {
		expect(placeImages(`x\n${rowMarker(2, 0)}`, imageOf)).toBe('x\n \u001B7\u001B[2;1H<image 2>\u001B8');
	});

	test('an image partly scrolled out of the pane (its first or last row missing) is not drawn: its cells stay blank', () => {
		const lastOnly = placeImages(`${erase}│${bottom}│\n│   │`, imageOf);
		expect(lastOnly).toBe(`${erase}│   │\n│   │`);
		const firstOnly = placeImages(`${erase}│   │\n│${top}│`, imageOf);
		expect(firstOnly).toBe(`${erase}│   │\n│   │`);
	});

	test('rows out of line (another column, a gap, cut short), an unknown image: not drawn either', () => {
		expect(placeImages(`│${top}│\n│ ${bottom}│`, imageOf)).not.toContain('\u001B7');
		expect(placeImages(`│${top}│\n\n│${bottom}│`, imageOf)).not.toContain('\u001B7');
		expect(placeImages(`│${top.slice(0, -2)}│\n│${bottom}│`, imageOf)).not.toContain('\u001B7');
		expect(placeImages(`│${rowMarker(9, 0)}│`, imageOf)).toBe('│ │');
	});

	test('two images in one frame are both drawn; the same image twice, twice', () => {
		const out = placeImages(`${top}${rowMarker(2, 0)}\n${bottom}\n${rowMarker(2, 0)}${esu}`, imageOf);
		expect(out).toBe(`    \n   \n \u001B7\u001B[1;1H<image 1>\u001B8\u001B7\u001B[1;4H<image 2>\u001B8\u001B7\u001B[3;1H<image 2>\u001B8${esu}`);
	});

	test('a frame without markers comes back byte for byte', () => {
		const frame = `${erase}\u001B[1mhello\u001B[22m\n\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007\n${esu}`;
		expect(placeImages(frame, imageOf)).toBe(frame);
	});
});

describe('the encoders', () => {
	test("iTerm2's inline image: OSC 1337 File=, inline, its size in bytes, its cells, its shape kept, the PNG in base64, BEL", () => {
		const png = encodePng(pixels(30, 40));
		const sequence = iterm2Sequence(png, 3, 2);
		expect(sequence).toBe(`\u001B]1337;File=inline=1;size=${png.byteLength};width=3;height=2;preserveAspectRatio=1:${Buffer.from(png).toString('base64')}\u0007`);
		const back = PNG.sync.read(Buffer.from(/:([^\u0007]+)\u0007$/.exec(sequence)![1]!, 'base64'));
		expect([back.width, back.height]).toEqual([30, 40]);
	});

	test('sixel: a DCS q sequence ending in ST that decodes back to the image\'s size', () => {
		const sequence = sixelSequence(pixels(30, 40));
		expect(sequence.startsWith('\u001BP0;1;q"1;1;30;40')).toBe(true);
		expect(sequence.endsWith('\u001B\\')).toBe(true);
		const decoded = decode(sequence.slice(sequence.indexOf('q') + 1, -2));
		expect([decoded.width, decoded.height]).toEqual([30, 40]);
	});
});

describe('PixelImages: each image encoded once', () => {
	test('a placement in cells of 10 x 20 pixels, the same one each time it is asked; given up when its entry goes', () => {
		const store = new PixelImages('iterm2', {width: 10, height: 20});
		const placement = store.placementOf(7, pixels(95, 41))!;
		expect(placement).toEqual({id: 1, columns: 10, rows: 3});
		const draw = store.imageOf(1)!.draw;
		expect(draw).toMatch(/^\u001B\]1337;File=inline=1;size=\d+;width=10;height=3;/);
		expect(store.placementOf(7, pixels(95, 41))).toBe(placement);
		expect(store.imageOf(1)!.draw).toBe(draw);
		expect(store.placementOf(8, pixels(10, 10))!.id).toBe(2);
		store.forgetBefore(8);
		expect(store.imageOf(1)).toBeUndefined();
		expect(store.size).toBe(1);
		expect(new PixelImages('sixel', {width: 10, height: 20}).placementOf(1, pixels(10, 10)) && true).toBe(true);
	});

	test('at most 64 are held: the oldest gives its id up, and its entry shows half blocks from then on', () => {
		const store = new PixelImages('sixel', {width: 10, height: 20});
		for (let entry = 1; entry <= PIXEL_IMAGES_HELD; entry++) store.placementOf(entry, pixels(10, 10));
		expect(store.size).toBe(64);
		const next = store.placementOf(100, pixels(10, 10))!;
		expect(next.id).toBe(1);
		expect(store.size).toBe(64);
		expect(store.placementOf(1, pixels(10, 10))).toBeUndefined();
		expect(store.placementOf(2, pixels(10, 10))!.id).toBe(2);
	});

	test("sixel's cells follow the terminal's cell; unknown, the smallest common one (6 x 12), so a picture never covers more than its cells", () => {
		expect(new PixelImages('sixel', {width: 8, height: 17}).placementOf(1, pixels(320, 204))).toMatchObject({columns: 40, rows: 12});
		expect(new PixelImages('sixel', unknownSixelCell).placementOf(1, pixels(240, 144))).toMatchObject({columns: 40, rows: 12});
	});
});

describe('pixelStdout: the stream Ink writes to', () => {
	function fakeStream() {
		const written: string[] = [];
		const stream = {
			isTTY: true,
			columns: 80,
			rows: 24,
			write(chunk: string) {
				written.push(chunk);
				return true;
			},
		};
		return {stream: stream as unknown as NodeJS.WriteStream, written};
	}

	test('frames with markers are rewritten once images are attached; every other write passes as it is', () => {
		const {stream, written} = fakeStream();
		const out = pixelStdout(stream);
		expect(out.isTTY).toBe(true);
		expect(out.rows).toBe(24);
		const store = new PixelImages('iterm2', {width: 10, height: 20});
		const placement = store.placementOf(1, pixels(20, 20))!;
		const [row] = markerRows(placement);
		out.write(bsu);
		out.write(`a\n${row}`);
		out.write(esu);
		// Nothing attached yet: the frame as it came.
		expect(written).toEqual([bsu, `a\n${row}`, esu]);
		expect(attachPixelImages(out, store)).toBe(true);
		out.write(`a\n${row}`);
		expect(written.at(-1)).toBe(`a\n  \u001B7\u001B[2;1H${store.imageOf(placement.id)!.draw}\u001B8`);
		detachPixelImages(out, new PixelImages('sixel', {width: 10, height: 20}));
		out.write(`b\n${row}`);
		expect(written.at(-1)).toContain('\u001B]1337');
		detachPixelImages(out, store);
		out.write(`c\n${row}`);
		expect(written.at(-1)).toBe(`c\n${row}`);
		expect(attachPixelImages(stream, store)).toBe(false);
	});
});
