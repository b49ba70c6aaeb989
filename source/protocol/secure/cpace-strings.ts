import {concatBytes, utf8ToBytes} from '@noble/hashes/utils.js';

/**
 * The string utilities of draft-irtf-cfrg-cpace (appendix "CPace function definitions"): the
 * length-value encodings that make every hashed CPace input prefix-free, and the transcripts.
 */

/** prepend_len: `data` preceded by its length in LEB128 (7 bits a byte, least significant first). */
export function prependLen(data: Uint8Array): Uint8Array {
	const length: number[] = [];
	let rest = data.length;
	do {
		const low = rest & 0x7f;
		rest = Math.floor(rest / 128);
		length.push(rest > 0 ? low | 0x80 : low);
	} while (rest > 0);

	return concatBytes(Uint8Array.from(length), data);
}

/** lv_cat: each part length-prefixed, then all concatenated (a prefix-free encoding). */
export function lvCat(...parts: Uint8Array[]): Uint8Array {
	return concatBytes(...parts.map((part) => prependLen(part)));
}

/** True when `a` sorts after `b` byte by byte, a longer string after its own prefix. */
export function lexicographicallyLarger(a: Uint8Array, b: Uint8Array): boolean {
	const common = Math.min(a.length, b.length);
	for (let index = 0; index < common; index++) {
		if (a[index] !== b[index]) {
			return a[index]! > b[index]!;
		}
	}

	return a.length > b.length;
}

/** o_cat: "oc", then the larger of the two strings, then the other. */
export function oCat(a: Uint8Array, b: Uint8Array): Uint8Array {
	const [first, second] = lexicographicallyLarger(a, b) ? [a, b] : [b, a];
	return concatBytes(utf8ToBytes('oc'), first, second);
}

/** transcript_ir: the initiator's message (Ya, ADa) first, then the responder's. */
export function transcriptIr(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
	return concatBytes(lvCat(ya, ada), lvCat(yb, adb));
}

/** transcript_oc: both messages in an order that does not depend on who spoke first. */
export function transcriptOc(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
	return oCat(lvCat(ya, ada), lvCat(yb, adb));
}

/**
 * generator_string: lv_cat(DSI, PRS, zero padding, CI, sid), the padding sized so that DSI and
 * PRS fill the hash's first input block whatever the (short) password's length.
 */
export function generatorString(dsi: Uint8Array, prs: Uint8Array, ci: Uint8Array, sid: Uint8Array, blockBytes: number): Uint8Array {
	const padding = Math.max(0, blockBytes - 1 - prependLen(prs).length - prependLen(dsi).length);
	return lvCat(dsi, prs, new Uint8Array(padding), ci, sid);
}
