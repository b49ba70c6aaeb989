/**
 * Splits a JSON payload into chunks whose JSON-escaped form stays within `chunkBytes`, never
 * splitting a code point. Costs are upper bounds: a control character escapes to 6 bytes.
 */
export function splitPayload(json: string, chunkBytes: number): string[] {
	const chunks: string[] = [];
	let start = 0;
	let cost = 0;
	let index = 0;
	while (index < json.length) {
		const cp = json.codePointAt(index)!;
		const width = cp > 0xff_ff ? 2 : 1;
		const bytes = cp < 0x20 ? 6 : cp === 0x22 || cp === 0x5c ? 2 : cp < 0x80 ? 1 : cp < 0x8_00 ? 2 : cp < 0x1_00_00 ? 3 : 4;
		if (cost + bytes > chunkBytes && index > start) {
			chunks.push(json.slice(start, index));
			start = index;
			cost = 0;
		}

		cost += bytes;
		index += width;
	}

	chunks.push(json.slice(start));
	return chunks;
}
