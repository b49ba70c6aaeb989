import {threadId} from 'node:worker_threads';
import {beforeAll, describe, expect, it} from 'vitest';
import {decodeImage, maxImageBytes} from '../../../source/ui/preview/decode-image.js';
import {requireBuiltDecoder} from '../../helpers/built-decoder.js';
import {fixtureImage, tinyJpeg, tinyPng} from '../../helpers/images.js';

// The decoding runs in a worker thread, from the build (npm run build; npm test does it first).
beforeAll(requireBuiltDecoder);

/** The RGBA of pixel (x, y). */
const pixel = (image: {width: number; data: Uint8Array}, x: number, y: number) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)];
const near = (actual: number[], expected: number[], within = 12) => actual.every((value, index) => Math.abs(value - expected[index]!) <= within);

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

	it('decodes off the TUI\'s own thread, in one worker reused image after image', async () => {
		const png = await decodeImage(tinyPng());
		const jpg = await decodeImage(tinyJpeg());
		if (!png.ok || !jpg.ok) throw new Error('expected both decoded');
		expect(png.thread).not.toBe(threadId);
		expect(png.thread).toBeGreaterThan(0);
		expect(jpg.thread).toBe(png.thread);
	});

	it('decodes a JPEG', async () => {
		const decoded = await decodeImage(tinyJpeg());
		expect(decoded.ok).toBe(true);
		if (!decoded.ok) return;
		expect(decoded.format).toBe('jpeg');
		expect([decoded.image.width, decoded.image.height]).toEqual([8, 8]);
		expect(Math.abs(decoded.image.data[0]! - 200)).toBeLessThan(8);
	});

	it('decodes a GIF\'s first frame, drawn on its logical screen, its transparent pixels transparent', async () => {
		const decoded = await decodeImage(fixtureImage('animated.gif'));
		if (!decoded.ok) throw new Error(decoded.reason);
		expect(decoded.format).toBe('gif');
		// A 6 x 4 screen; the first frame is 2 x 2 at (1, 1), red but its top-left pixel (the second frame is all blue).
		expect([decoded.image.width, decoded.image.height]).toEqual([6, 4]);
		expect(pixel(decoded.image, 1, 1)[3]).toBe(0);
		expect(pixel(decoded.image, 2, 1)).toEqual([255, 0, 0, 255]);
		expect(pixel(decoded.image, 1, 2)).toEqual([255, 0, 0, 255]);
		expect(pixel(decoded.image, 2, 2)).toEqual([255, 0, 0, 255]);
		expect(pixel(decoded.image, 0, 0)[3]).toBe(0);
		expect(pixel(decoded.image, 5, 3)[3]).toBe(0);
	});

	it('decodes a lossless WebP (VP8L) exactly and a lossy one (VP8) closely', async () => {
		for (const name of ['lossless.webp', 'lossy.webp']) {
			const decoded = await decodeImage(fixtureImage(name));
			if (!decoded.ok) throw new Error(`${name}: ${decoded.reason}`);
			expect(decoded.format).toBe('webp');
			expect([decoded.image.width, decoded.image.height]).toEqual([4, 3]);
			// Red, but a blue bottom-right pixel (which lossy coding at 4 x 3 blurs: it is only bluer).
			const [topLeft, bottomRight] = [pixel(decoded.image, 0, 0), pixel(decoded.image, 3, 2)];
			if (name === 'lossless.webp') expect([topLeft, bottomRight]).toEqual([[255, 0, 0, 255], [0, 0, 255, 255]]);
			else expect(near(topLeft, [255, 0, 0, 255], 24) && bottomRight[2]! > topLeft[2]! + 30, `${topLeft} ${bottomRight}`).toBe(true);
		}
	});

	it('decodes an extended WebP (VP8X) with its alpha', async () => {
		const decoded = await decodeImage(fixtureImage('alpha.webp'));
		if (!decoded.ok) throw new Error(decoded.reason);
		expect([decoded.image.width, decoded.image.height]).toEqual([4, 3]);
		// The left half transparent, the right half green.
		for (let y = 0; y < 3; y++) {
			expect([pixel(decoded.image, 0, y)[3], pixel(decoded.image, 1, y)[3]]).toEqual([0, 0]);
			expect(near(pixel(decoded.image, 3, y), [0, 255, 0, 255])).toBe(true);
		}
	});

	it('decodes an animated WebP\'s first frame, at its place on the canvas', async () => {
		const decoded = await decodeImage(fixtureImage('animated.webp'));
		if (!decoded.ok) throw new Error(decoded.reason);
		// A 4 x 4 canvas; the first frame is 2 x 2 at (2, 2), red but its top-left pixel.
		expect([decoded.image.width, decoded.image.height]).toEqual([4, 4]);
		expect(pixel(decoded.image, 0, 0)[3]).toBe(0);
		expect(pixel(decoded.image, 2, 2)[3]).toBe(0);
		expect(near(pixel(decoded.image, 3, 2), [255, 0, 0, 255])).toBe(true);
		expect(near(pixel(decoded.image, 2, 3), [255, 0, 0, 255])).toBe(true);
		expect(near(pixel(decoded.image, 3, 3), [255, 0, 0, 255])).toBe(true);
		expect(pixel(decoded.image, 1, 1)[3]).toBe(0);
	});

	it('says a file that is not an image is not one', async () => {
		expect(await decodeImage(Buffer.from('hello, this is a text file'))).toEqual({ok: false, reason: 'not an image'});
		expect(await decodeImage(new Uint8Array())).toEqual({ok: false, reason: 'not an image'});
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

	it('refuses a GIF whose logical screen is huge, and one whose first frame lies outside its screen', async () => {
		const gif = Buffer.from(fixtureImage('animated.gif'));
		gif.writeUInt16LE(60_000, 6);
		gif.writeUInt16LE(5000, 8);
		expect(await decodeImage(gif)).toEqual({ok: false, reason: 'too large to preview (60000 x 5000 pixels; at most 4096 x 4096)'});
		// A 1 x 1 screen whose first frame claims 65535 x 65535: never decoded.
		const frame = Buffer.from(fixtureImage('animated.gif'));
		frame.writeUInt16LE(1, 6);
		frame.writeUInt16LE(1, 8);
		const descriptor = frame.indexOf(0x2c);
		frame.writeUInt16LE(65_535, descriptor + 5);
		frame.writeUInt16LE(65_535, descriptor + 7);
		expect(await decodeImage(frame)).toEqual({ok: false, reason: 'not an image (a broken GIF file)'});
	});

	it('refuses a WebP whose VP8, VP8L or VP8X header claims a huge image', async () => {
		const lossy = Buffer.from(fixtureImage('lossy.webp'));
		lossy.writeUInt16LE(16_383, 26);
		lossy.writeUInt16LE(16_383, 28);
		expect(await decodeImage(lossy)).toEqual({ok: false, reason: 'too large to preview (16383 x 16383 pixels; at most 4096 x 4096)'});
		const lossless = Buffer.from(fixtureImage('lossless.webp'));
		// Width - 1 and height - 1, 14 bits each after the signature byte.
		lossless.writeUInt32LE((lossless.readUInt32LE(21) & ~0x0fff_ffff) | 9999 | (4096 << 14), 21);
		expect(await decodeImage(lossless)).toEqual({ok: false, reason: 'too large to preview (10000 x 4097 pixels; at most 4096 x 4096)'});
		const extended = Buffer.from(fixtureImage('alpha.webp'));
		extended.writeUIntLE(999_999, 24, 3);
		extended.writeUIntLE(0, 27, 3);
		expect(await decodeImage(extended)).toEqual({ok: false, reason: 'too large to preview (1000000 x 1 pixels; at most 4096 x 4096)'});
		const animated = Buffer.from(fixtureImage('animated.webp'));
		animated.writeUIntLE(4999, 27, 3);
		expect(await decodeImage(animated)).toEqual({ok: false, reason: 'too large to preview (4 x 5000 pixels; at most 4096 x 4096)'});
	});

	it('says a GIF or WebP header that is cut short is broken', async () => {
		expect(await decodeImage(Buffer.from('GIF89a\u0001\u0000'))).toEqual({ok: false, reason: 'not an image (a broken GIF header)'});
		expect(await decodeImage(Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toEqual({ok: false, reason: 'not an image (a broken WEBP header)'});
	});

	it('refuses a file over 20 MB', async () => {
		const big = Buffer.alloc(maxImageBytes + 1);
		tinyPng().copy(big);
		expect(await decodeImage(big)).toEqual({ok: false, reason: 'too large to preview (over 20 MB)'});
	});
});
