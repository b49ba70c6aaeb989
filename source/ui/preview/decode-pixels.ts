import {readFile} from 'node:fs/promises';
import {createRequire} from 'node:module';
import webpDecode, {init as initWebp} from '@jsquash/webp/decode.js';
import jpeg from 'jpeg-js';
import {GifReader} from 'omggif';
import {PNG} from 'pngjs';
import type {Pixels} from './half-blocks.js';
import type {ImageFormat, ImageSize} from './image-header.js';
import {firstWebpFrame, isAnimatedWebp} from './webp-frame.js';

/*
 * The decoders themselves. Only the decoding worker (decode-worker.ts) imports this module: the
 * TUI's own thread never decodes. Each throws on a broken file; the size was checked before.
 */

/** Synchronous, as the worker may be: pngjs's streaming parser lets some zlib errors escape uncaught. */
function parsePng(bytes: Uint8Array): Pixels {
	const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
	return {width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength)};
}

/** The first frame, drawn at its place on the logical screen; what it leaves uncovered is transparent. */
function parseGif(bytes: Uint8Array): Pixels {
	const reader = new GifReader(bytes);
	if (reader.numFrames() === 0) throw new Error('a GIF with no frame');
	const frame = reader.frameInfo(0);
	// A frame beyond the screen would be drawn into the wrong rows; its index buffer is its own size.
	if (frame.width === 0 || frame.height === 0 || frame.x + frame.width > reader.width || frame.y + frame.height > reader.height) {
		throw new Error('a GIF frame outside its screen');
	}

	const data = new Uint8Array(reader.width * reader.height * 4);
	reader.decodeAndBlitFrameRGBA(0, data);
	return {width: reader.width, height: reader.height, data};
}

let webpReady: Promise<void> | undefined;
/** WebAssembly's compiled module (the project's lib settings leave WebAssembly's types out). */
type WasmModule = object;
const {Module: WasmModule} = (globalThis as unknown as {WebAssembly: {Module: new (code: Uint8Array) => WasmModule}}).WebAssembly;

/** libwebp, built to WebAssembly (@jsquash/webp), its .wasm read from the package's own folder: no fetch. */
function loadWebp(): Promise<void> {
	webpReady ??= (async () => {
		const path = createRequire(import.meta.url).resolve('@jsquash/webp/codec/dec/webp_dec.wasm');
		const module = new WasmModule(await readFile(path));
		// The package's documented manual initialisation; its types only declare the options form.
		await (initWebp as unknown as (module: WasmModule) => Promise<void>)(module);
	})();
	return webpReady;
}

async function decodeStillWebp(bytes: Uint8Array): Promise<Pixels> {
	await loadWebp();
	const image = (await webpDecode(bytes.slice().buffer)) as {width: number; height: number; data: Uint8ClampedArray};
	// A copy of our own: the decoder's may sit in its WebAssembly memory, which cannot be transferred.
	return {width: image.width, height: image.height, data: new Uint8Array(image.data)};
}

/** A still WebP (lossy, lossless, extended with alpha), or an animation's first frame on its canvas. */
async function parseWebp(bytes: Uint8Array, size: ImageSize): Promise<Pixels> {
	if (!isAnimatedWebp(bytes)) return decodeStillWebp(bytes);
	const frame = firstWebpFrame(bytes);
	if (!frame || frame.x + frame.width > size.width || frame.y + frame.height > size.height) throw new Error('a WebP animation with no whole first frame');
	const image = await decodeStillWebp(frame.still);
	if (image.width !== frame.width || image.height !== frame.height) throw new Error('a WebP frame of the wrong size');
	const data = new Uint8Array(size.width * size.height * 4);
	for (let row = 0; row < frame.height; row++) {
		data.set(image.data.subarray(row * frame.width * 4, (row + 1) * frame.width * 4), ((frame.y + row) * size.width + frame.x) * 4);
	}

	return {width: size.width, height: size.height, data};
}

/** The pixels of an image whose header claimed `size` (already bounded). Throws when the file is broken. */
export async function decodePixels(bytes: Uint8Array, format: ImageFormat, size: ImageSize, maxSide: number): Promise<Pixels> {
	switch (format) {
		case 'png':
			return parsePng(bytes);
		case 'jpeg':
			return jpeg.decode(bytes, {useTArray: true, formatAsRGBA: true, maxResolutionInMP: (maxSide * maxSide) / 1e6, maxMemoryUsageInMB: 256});
		case 'gif':
			return parseGif(bytes);
		case 'webp':
			return parseWebp(bytes, size);
	}
}
