import fc from 'fast-check';
import jpeg from 'jpeg-js';
import {describe, expect, it} from 'vitest';
import {decodeImage, maxImageBytes} from '../../../source/ui/preview/decode-image.js';
import {tinyPng} from '../../helpers/images.js';

function tinyJpeg(width = 8, height = 8): Buffer {
	const data = Buffer.alloc(width * height * 4, 200);
	return jpeg.encode({width, height, data}, 90).data;
}

/** A PNG signature and an IHDR chunk claiming `width` x `height` (no image data after it). */
function pngHeader(width: number, height: number): Buffer {
	const header = Buffer.alloc(33);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
	header.writeUInt32BE(13, 8);
	header.write('IHDR', 12, 'latin1');
	header.writeUInt32BE(width, 16);
	header.writeUInt32BE(height, 20);
	header.set([8, 6, 0, 0, 0], 24);
	return header;
}

describe('decodeImage', () => {
	it('decodes a PNG into its RGBA pixels', async () => {
		const decoded = await decodeImage(tinyPng());
		expect(decoded.ok).toBe(true);
		if (!decoded.ok) return;
		expect(decoded.format).toBe('png');
		expect([decoded.image.width, decoded.image.height]).toEqual([3, 2]);
		expect([...decoded.image.data.subarray(4 * 4, 4 * 4 + 4)]).toEqual([40, 40, 128, 255]);
	});

	it('decodes a JPEG', async () => {
		const decoded = await decodeImage(tinyJpeg());
		expect(decoded.ok).toBe(true);
		if (!decoded.ok) return;
		expect(decoded.format).toBe('jpeg');
		expect([decoded.image.width, decoded.image.height]).toEqual([8, 8]);
		expect(Math.abs(decoded.image.data[0]! - 200)).toBeLessThan(8);
	});

	it('says a file that is not an image is not one', async () => {
		expect(await decodeImage(Buffer.from('hello, this is a text file'))).toEqual({ok: false, reason: 'not an image'});
		expect(await decodeImage(new Uint8Array())).toEqual({ok: false, reason: 'not an image'});
	});

	it('leaves GIF and WebP for later, saying so', async () => {
		expect(await decodeImage(Buffer.from('GIF89a\u0001\u0000\u0001\u0000'))).toEqual({ok: false, reason: 'GIF images are not previewed yet'});
		expect(await decodeImage(Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toEqual({ok: false, reason: 'WebP images are not previewed yet'});
	});

	it('refuses a header that claims a huge image before decoding anything (a decompression bomb)', async () => {
		expect(await decodeImage(pngHeader(100_000, 100_000))).toEqual({ok: false, reason: 'too large to preview (100000 x 100000 pixels; at most 4096 x 4096)'});
		expect(await decodeImage(pngHeader(4097, 1))).toMatchObject({ok: false, reason: expect.stringMatching(/^too large to preview/)});
		// A JPEG whose start-of-frame claims 60000 x 60000.
		const bomb = Buffer.from(tinyJpeg());
		const sof = bomb.indexOf(Buffer.from([0xff, 0xc0]));
		bomb.writeUInt16BE(60_000, sof + 5);
		bomb.writeUInt16BE(60_000, sof + 7);
		expect(await decodeImage(bomb)).toMatchObject({ok: false, reason: 'too large to preview (60000 x 60000 pixels; at most 4096 x 4096)'});
	});

	it('refuses a file over 20 MB', async () => {
		const big = Buffer.alloc(maxImageBytes + 1);
		tinyPng().copy(big);
		expect(await decodeImage(big)).toEqual({ok: false, reason: 'too large to preview (over 20 MB)'});
	});

	it('never throws on junk: random bytes, and every PNG and JPEG cut short or with a byte changed', async () => {
		const png = tinyPng(5, 4);
		const jpg = tinyJpeg();
		const inputs: Uint8Array[] = [];
		for (const file of [png, jpg]) {
			for (let length = 0; length < file.length; length++) inputs.push(file.subarray(0, length));
		}

		fc.assert(
			fc.property(fc.uint8Array({maxLength: 300}), fc.constantFrom(png, jpg), fc.nat(), fc.integer({min: 0, max: 255}), (random, file, at, byte) => {
				inputs.push(random);
				const changed = Buffer.from(file);
				changed[at % changed.length] = byte;
				inputs.push(changed);
			}),
			{numRuns: 300},
		);
		for (const input of inputs) {
			const decoded = await decodeImage(input);
			if (!decoded.ok) expect(decoded.reason).toMatch(/^not an image|previewed yet|too large/);
			else expect(decoded.image.data.length).toBeGreaterThanOrEqual(decoded.image.width * decoded.image.height * 4);
		}
	});
});
