import {randomBytes} from 'node:crypto';

/** Where secret bytes come from: `n` uniformly random octets. Injected so that tests are deterministic. */
export type RandomSource = (n: number) => Uint8Array;

/** The operating system's CSPRNG (node:crypto), the default everywhere outside tests. */
export const systemRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

/** `n` bytes from `random`, copied (so the caller may wipe them) and checked for length. */
export function drawBytes(random: RandomSource, n: number): Uint8Array {
	const bytes = Uint8Array.from(random(n));
	if (bytes.length !== n) {
		throw new Error(`the random source gave ${bytes.length} bytes, not ${n}`);
	}

	return bytes;
}
