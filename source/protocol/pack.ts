/**
 * Packs encoded frames into as few datagram bodies as fit `maxBodyBytes` each. Frames keep their
 * order; a frame that alone exceeds the limit still goes out, alone (callers keep frames small).
 */
export function packFrames(frames: readonly string[], maxBodyBytes: number): string[] {
	const bodies: string[] = [];
	let current: string[] = [];
	let size = 2;
	for (const frame of frames) {
		const bytes = Buffer.byteLength(frame);
		if (current.length > 0 && size + 1 + bytes > maxBodyBytes) {
			bodies.push(`[${current.join(',')}]`);
			current = [];
			size = 2;
		}

		size += (current.length > 0 ? 1 : 0) + bytes;
		current.push(frame);
	}

	if (current.length > 0) {
		bodies.push(`[${current.join(',')}]`);
	}

	return bodies;
}
