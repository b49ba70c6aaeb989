import jpeg from 'jpeg-js';
import {PNG} from 'pngjs';
import type {Pixels} from './half-blocks.js';

/** Files larger than this are not decoded for a preview. */
export const maxImageBytes = 20 * 1024 * 1024;
/** Images wider or taller than this are not decoded (a small file can claim a huge image). */
export const maxImageSide = 4096;

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** What came of decoding: the pixels, or why there are none, in words for the person. */
export type Decoded = {readonly ok: true; readonly format: ImageFormat; readonly image: Pixels} | {readonly ok: false; readonly reason: string};

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format, from the file's first bytes (not its name). */
export function sniffImage(bytes: Uint8Array): ImageFormat | undefined {
	const starts = (prefix: readonly number[], at = 0) => prefix.every((byte, index) => bytes[at + index] === byte);
	if (starts(pngSignature)) return 'png';
	if (starts([0xff, 0xd8, 0xff])) return 'jpeg';
	if (starts([0x47, 0x49, 0x46, 0x38])) return 'gif';
	if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
	return undefined;
}

/** The width and height a PNG or JPEG header claims, read without decoding; undefined when there is none. */
export function headerSize(bytes: Uint8Array, format: 'png' | 'jpeg'): {readonly width: number; readonly height: number} | undefined {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (format === 'png') {
		// The IHDR chunk comes first: length (4), "IHDR" (4), width (4), height (4).
		if (bytes.length < 24 || String.fromCodePoint(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
		return {width: view.getUint32(16), height: view.getUint32(20)};
	}

	// JPEG: walk the segments to the first start-of-frame marker.
	let at = 2;
	while (at + 4 <= bytes.length) {
		if (bytes[at] !== 0xff) return undefined;
		const marker = bytes[at + 1]!;
		if (marker === 0xff) {
			at++;
			continue;
		}

		const length = view.getUint16(at + 2);
		const startOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (startOfFrame) {
			if (at + 9 > bytes.length) return undefined;
			return {width: view.getUint16(at + 7), height: view.getUint16(at + 5)};
		}

		if (marker === 0xda || length < 2) return undefined;
		at += 2 + length;
	}

	return undefined;
}

function parsePng(bytes: Uint8Array): Promise<Pixels> {
	return new Promise((resolve, reject) => {
		// The async parser inflates through zlib off the main thread.
		new PNG().parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error, png) => {
			if (error) reject(error);
			else resolve({width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength)});
		});
	});
}

/**
 * The file's pixels, for a preview: PNG and JPEG (pure-JS decoders, pngjs and jpeg-js). Anything
 * else, a file over 20 MB, a header claiming more than 4096 x 4096 pixels, or a broken file
 * gives a reason instead; it never throws.
 */
export async function decodeImage(bytes: Uint8Array): Promise<Decoded> {
	const format = sniffImage(bytes);
	if (format === undefined) return {ok: false, reason: 'not an image'};
	if (format === 'gif' || format === 'webp') return {ok: false, reason: `${format === 'gif' ? 'GIF' : 'WebP'} images are not previewed yet`};
	if (bytes.length > maxImageBytes) return {ok: false, reason: 'too large to preview (over 20 MB)'};
	const size = headerSize(bytes, format);
	if (!size || size.width === 0 || size.height === 0) return {ok: false, reason: `not an image (a broken ${format.toUpperCase()} header)`};
	if (size.width > maxImageSide || size.height > maxImageSide) return {ok: false, reason: `too large to preview (${size.width} x ${size.height} pixels; at most ${maxImageSide} x ${maxImageSide})`};
	try {
		const image =
			format === 'png'
				? await parsePng(bytes)
				: jpeg.decode(bytes, {useTArray: true, formatAsRGBA: true, maxResolutionInMP: (maxImageSide * maxImageSide) / 1e6, maxMemoryUsageInMB: 256});
		if (image.width !== size.width || image.height !== size.height || image.data.length < image.width * image.height * 4) {
			return {ok: false, reason: `not an image (a broken ${format.toUpperCase()} file)`};
		}

		return {ok: true, format, image};
	} catch {
		return {ok: false, reason: `not an image (a broken ${format.toUpperCase()} file)`};
	}
}
