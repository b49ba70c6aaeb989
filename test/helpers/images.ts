import {PNG} from 'pngjs';

/** A PNG of `width` x `height` pixels, each (x*40, y*40, 128, 255). */
export function tinyPng(width = 3, height = 2): Buffer {
	const png = new PNG({width, height});
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set([x * 40, y * 40, 128, 255], (y * width + x) * 4);
	return PNG.sync.write(png);
}
