import {PNG} from 'pngjs';
import stringWidth from 'string-width';
import {describe, expect, test} from 'vitest';
import {deleteSequence, diacritics, encodePng, placeholder, placeholderRows, transmitSequence} from '../../../source/ui/preview/kitty-graphics.js';

const ESC = '\u001B';
const ST = `${ESC}\\`;

describe("kitty's graphics protocol, as bytes", () => {
	test('the diacritics are the first of kitty\'s table, one per row and column number', () => {
		expect(diacritics).toHaveLength(40);
		expect(diacritics.slice(0, 5).map(mark => mark.codePointAt(0))).toEqual([0x0305, 0x030d, 0x030e, 0x0310, 0x0312]);
		expect(diacritics[39]!.codePointAt(0)).toBe(0x0597);
		expect(new Set(diacritics).size).toBe(40);
	});

	test('placeholder rows: the image id as the 256-colour foreground, each cell U+10EEEE with its row and column diacritics', () => {
		expect(placeholderRows({id: 7, columns: 3, rows: 2})).toEqual([
			`${ESC}[38;5;7m\u{10EEEE}\u0305\u0305\u{10EEEE}\u0305\u030D\u{10EEEE}\u0305\u030E${ESC}[39m`,
			`${ESC}[38;5;7m\u{10EEEE}\u030D\u0305\u{10EEEE}\u030D\u030D\u{10EEEE}\u030D\u030E${ESC}[39m`,
		]);
		// A cell is one column wide however many marks it carries (what Ink measures lines with).
		for (const row of placeholderRows({id: 255, columns: 40, rows: 12})) expect(stringWidth(row)).toBe(40);
		expect(placeholder).toBe(String.fromCodePoint(0x10eeee));
	});

	test('no placeholders for an id or size the encoding cannot say', () => {
		expect(() => placeholderRows({id: 0, columns: 1, rows: 1})).toThrow(RangeError);
		expect(() => placeholderRows({id: 256, columns: 1, rows: 1})).toThrow(RangeError);
		expect(() => placeholderRows({id: 1, columns: 41, rows: 1})).toThrow(RangeError);
		expect(() => placeholderRows({id: 1, columns: 1, rows: 0})).toThrow(RangeError);
		expect(() => placeholderRows({id: Number.NaN, columns: 1, rows: 1})).toThrow(RangeError);
	});

	test('a transmission: a=T,U=1,f=100 with the placement\'s cells and q=2 first, then m=1 chunks of 4096 base64 bytes, m=0 last', () => {
		const png = Uint8Array.from({length: 7000}, (_, index) => (index * 7) % 256);
		const data = Buffer.from(png).toString('base64');
		expect(data).toHaveLength(9336);
		expect(transmitSequence({id: 9, columns: 10, rows: 3}, png)).toBe(
			`${ESC}_Ga=T,U=1,f=100,i=9,c=10,r=3,q=2,m=1;${data.slice(0, 4096)}${ST}` +
				`${ESC}_Gq=2,m=1;${data.slice(4096, 8192)}${ST}` +
				`${ESC}_Gq=2,m=0;${data.slice(8192)}${ST}`,
		);
		const small = Uint8Array.of(1, 2, 3);
		expect(transmitSequence({id: 1, columns: 2, rows: 1}, small)).toBe(`${ESC}_Ga=T,U=1,f=100,i=1,c=2,r=1,q=2,m=0;AQID${ST}`);
	});

	test('inside tmux each chunk is wrapped in its passthrough, every ESC inside doubled', () => {
		const png = Uint8Array.from({length: 3500}, () => 65);
		const data = Buffer.from(png).toString('base64');
		expect(transmitSequence({id: 2, columns: 4, rows: 2}, png, true)).toBe(
			`${ESC}Ptmux;${ESC}${ESC}_Ga=T,U=1,f=100,i=2,c=4,r=2,q=2,m=1;${data.slice(0, 4096)}${ESC}${ESC}\\${ST}` +
				`${ESC}Ptmux;${ESC}${ESC}_Gq=2,m=0;${data.slice(4096)}${ESC}${ESC}\\${ST}`,
		);
		expect(deleteSequence(2, true)).toBe(`${ESC}Ptmux;${ESC}${ESC}_Ga=d,d=I,i=2,q=2${ESC}${ESC}\\${ST}`);
	});

	test('a deletion frees the image\'s data (d=I) and asks for no reply', () => {
		expect(deleteSequence(42)).toBe(`${ESC}_Ga=d,d=I,i=42,q=2${ST}`);
	});

	test('the thumbnail is sent as a PNG of its pixels', () => {
		const image = {width: 3, height: 2, data: Uint8Array.from({length: 24}, (_, index) => index * 10)};
		const decoded = PNG.sync.read(Buffer.from(encodePng(image)));
		expect([decoded.width, decoded.height]).toEqual([3, 2]);
		expect([...decoded.data]).toEqual([...image.data]);
	});
});
