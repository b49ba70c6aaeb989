export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** The width and height an image's header claims. */
export type ImageSize = {readonly width: number; readonly height: number};

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

const latin1 = (bytes: Uint8Array, from: number, to: number) => String.fromCodePoint(...bytes.subarray(from, to));

function jpegSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
	// Walk the segments to the first start-of-frame marker.
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

/** The size in a WebP's first chunk: a lossy (VP8), lossless (VP8L) or extended (VP8X) image. */
function webpSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
	if (bytes.length < 25) return undefined;
	const chunk = latin1(bytes, 12, 16);
	if (chunk === 'VP8 ') {
		if (bytes.length < 30) return undefined;
		// A key frame's tag (3 bytes), the start code 9d 01 2a, then 14-bit width and height.
		if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
		return {width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff};
	}

	if (chunk === 'VP8L') {
		// The signature 0x2f, then width - 1 and height - 1 in 14 bits each, least significant first.
		if (bytes[20] !== 0x2f) return undefined;
		const bits = view.getUint32(21, true);
		return {width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1};
	}

	if (chunk === 'VP8X') {
		if (bytes.length < 30) return undefined;
		// Flags (1 byte), reserved (3), then canvas width - 1 and height - 1 in 24 bits each.
		const uint24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
		return {width: uint24(24) + 1, height: uint24(27) + 1};
	}

	return undefined;
}

/**
 * The width and height the header claims, read without decoding anything: PNG's IHDR, JPEG's
 * start of frame, GIF's logical screen, WebP's VP8 / VP8L / VP8X chunk. Undefined when there is none.
 */
export function headerSize(bytes: Uint8Array, format: ImageFormat): ImageSize | undefined {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	switch (format) {
		case 'png': {
			// The IHDR chunk comes first: length (4), "IHDR" (4), width (4), height (4).
			if (bytes.length < 24 || latin1(bytes, 12, 16) !== 'IHDR') return undefined;
			return {width: view.getUint32(16), height: view.getUint32(20)};
		}

		case 'jpeg':
			return jpegSize(bytes, view);
		case 'gif':
			// "GIF87a" or "GIF89a", then the logical screen's width and height, little-endian.
			if (bytes.length < 13) return undefined;
			return {width: view.getUint16(6, true), height: view.getUint16(8, true)};
		case 'webp':
			return webpSize(bytes, view);
	}
}
