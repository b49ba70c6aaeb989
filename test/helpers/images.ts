import {readFileSync} from 'node:fs';
import jpeg from 'jpeg-js';
import {PNG} from 'pngjs';

/** A PNG of `width` x `height` pixels, each (x*40, y*40, 128, 255). */
export function tinyPng(width = 3, height = 2): Buffer {
	const png = new PNG({width, height});
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set([x * 40, y * 40, 128, 255], (y * width + x) * 4);
	return PNG.sync.write(png);
}

/** A PNG of seeded noise: incompressible, so its file is about width x height x 4 bytes. */
export function noisePng(width: number, height: number, seed = 1): Buffer {
	const png = new PNG({width, height});
	let state = seed >>> 0 || 1;
	for (let at = 0; at < png.data.length; at++) {
		// xorshift32: the same bytes for the same seed.
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		png.data[at] = (at & 3) === 3 ? 255 : state & 0xff;
	}

	return PNG.sync.write(png);
}

/** A JPEG of `width` x `height` pixels, all (200, 200, 200). */
export function tinyJpeg(width = 8, height = 8): Buffer {
	const data = Buffer.alloc(width * height * 4, 200);
	return jpeg.encode({width, height, data}, 90).data;
}

/** A file of test/fixtures/images/ (see its README: how each was made, and what it holds). */
export function fixtureImage(name: string): Buffer {
	return readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));
}
