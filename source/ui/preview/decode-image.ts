import {DecoderThread} from './decoder-thread.js';
import type {Pixels} from './half-blocks.js';
import {headerSize, type ImageFormat, sniffImage} from './image-header.js';

export {headerSize, type ImageFormat, sniffImage} from './image-header.js';

/** Files larger than this are not decoded for a preview. */
export const maxImageBytes = 20 * 1024 * 1024;
/** Images wider or taller than this are not decoded (a small file can claim a huge image). */
export const maxImageSide = 4096;

/**
 * What came of decoding: the pixels and the thread that decoded them (never the TUI's own), or
 * why there are none, in words for the person.
 */
export type Decoded = {readonly ok: true; readonly format: ImageFormat; readonly image: Pixels; readonly thread: number} | {readonly ok: false; readonly reason: string};

let shared: DecoderThread | undefined;

/** The one decoding thread of the process, made on first use. */
function sharedDecoder(): DecoderThread {
	shared ??= new DecoderThread();
	return shared;
}

/**
 * The file's pixels, for a preview: PNG, JPEG, GIF (its first frame) and WebP (lossy, lossless,
 * with alpha; an animation's first frame). Here only the header is read; the decoding itself is
 * done by a worker thread (decoder-thread.ts: pngjs, jpeg-js, omggif, libwebp built to
 * WebAssembly), one image at a time. Anything else, a file over 20 MB, a header claiming more
 * than 4096 x 4096 pixels, a broken file, or one the worker takes over 10 s on or crashes on gives
 * a reason instead; it never throws. `decoder` is for tests.
 */
export async function decodeImage(bytes: Uint8Array, decoder?: DecoderThread): Promise<Decoded> {
	const format = sniffImage(bytes);
	if (format === undefined) return {ok: false, reason: 'not an image'};
	const name = format.toUpperCase();
	if (bytes.length > maxImageBytes) return {ok: false, reason: 'too large to preview (over 20 MB)'};
	const size = headerSize(bytes, format);
	if (!size || size.width === 0 || size.height === 0) return {ok: false, reason: `not an image (a broken ${name} header)`};
	if (size.width > maxImageSide || size.height > maxImageSide) return {ok: false, reason: `too large to preview (${size.width} x ${size.height} pixels; at most ${maxImageSide} x ${maxImageSide})`};
	const thread = decoder ?? sharedDecoder();
	const outcome = await thread.decode({bytes, format, size, maxSide: maxImageSide});
	if (!outcome.ok) return {ok: false, reason: outcome.reason ?? `not an image (a broken ${name} file)`};
	const {image} = outcome;
	if (image.width !== size.width || image.height !== size.height || image.data.length < image.width * image.height * 4) {
		return {ok: false, reason: `not an image (a broken ${name} file)`};
	}

	return {ok: true, format, image, thread: outcome.thread};
}
