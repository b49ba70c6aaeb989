/** Bytes as base64url without padding, as the handshake's frames carry them. */
export function toBase64(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** The bytes of a base64url string, or undefined when it is not one. */
export function fromBase64(text: string): Uint8Array | undefined {
	if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
		return undefined;
	}

	return new Uint8Array(Buffer.from(text, 'base64url'));
}
