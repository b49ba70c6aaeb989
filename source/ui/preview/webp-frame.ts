/** An animated WebP's first frame: where it lies on the canvas, and a still WebP of it alone. */
export type WebpFrame = {readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly still: Uint8Array};

const animationFlag = 0x02;
const alphaFlag = 0x10;

const fourcc = (bytes: Uint8Array, at: number) => String.fromCodePoint(...bytes.subarray(at, at + 4));
const uint24 = (bytes: Uint8Array, at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);

/** Whether an extended WebP (VP8X) says it is an animation. */
export function isAnimatedWebp(bytes: Uint8Array): boolean {
	return bytes.length >= 21 && fourcc(bytes, 12) === 'VP8X' && (bytes[20]! & animationFlag) !== 0;
}

/**
 * The first frame (ANMF chunk) of an animated WebP, as a still WebP libwebp decodes on its own: an
 * extended header the frame's size, then the frame's own chunks (ALPH and VP8, or VP8L) as they
 * are. Undefined when there is no whole first frame.
 */
export function firstWebpFrame(bytes: Uint8Array): WebpFrame | undefined {
	let at = 12;
	while (at + 8 <= bytes.length) {
		const size = new DataView(bytes.buffer, bytes.byteOffset + at + 4, 4).getUint32(0, true);
		const start = at + 8;
		if (size > bytes.length - start) return undefined;
		if (fourcc(bytes, at) === 'ANMF') {
			// X / 2, Y / 2, width - 1, height - 1 (24 bits each), duration (24 bits), flags (1 byte).
			if (size < 16) return undefined;
			const frame = bytes.subarray(start + 16, start + size);
			const still = new Uint8Array(12 + 18 + frame.length);
			const view = new DataView(still.buffer);
			still.set([0x52, 0x49, 0x46, 0x46]); // RIFF
			view.setUint32(4, still.length - 8, true);
			still.set([0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x58], 8); // WEBP VP8X
			view.setUint32(16, 10, true);
			still[20] = alphaFlag;
			still.set(bytes.subarray(start + 6, start + 12), 24); // width - 1, height - 1
			still.set(frame, 30);
			return {x: uint24(bytes, start) * 2, y: uint24(bytes, start + 3) * 2, width: uint24(bytes, start + 6) + 1, height: uint24(bytes, start + 9) + 1, still};
		}

		at = start + size + (size % 2);
	}

	return undefined;
}
