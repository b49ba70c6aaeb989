import fc from 'fast-check';
import {beforeAll, describe, expect, it} from 'vitest';
import {decodeImage, maxImageSide} from '../../../source/ui/preview/decode-image.js';
import {requireBuiltDecoder} from '../../helpers/built-decoder.js';
import {fixtureImage, tinyJpeg, tinyPng} from '../../helpers/images.js';

// The decoding runs in a worker thread, from the build (npm run build; npm test does it first).
beforeAll(requireBuiltDecoder);

/*
 * A seeded, bounded fuzzer: every format's files with bytes changed, cut, inserted and removed
 * (the headers most often). A failure prints fast-check's seed and path; to replay it exactly:
 * PREVIEW_FUZZ_SEED=<seed> PREVIEW_FUZZ_PATH=<path> npx vitest run test/ui/preview/decode-fuzz.test.ts
 */
const seed = process.env.PREVIEW_FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x1_0000_0000) : Number(process.env.PREVIEW_FUZZ_SEED);
const replayPath = process.env.PREVIEW_FUZZ_PATH;
const settleWithinMs = 15_000;

const files = [
	tinyPng(5, 4),
	tinyJpeg(),
	...['animated.gif', 'lossy.webp', 'lossless.webp', 'alpha.webp', 'animated.webp'].map(name => fixtureImage(name)),
];

type Mutation = {kind: 'set'; at: number; byte: number} | {kind: 'cut'; at: number} | {kind: 'insert'; at: number; bytes: Uint8Array} | {kind: 'remove'; at: number; length: number};

const at = fc.oneof(fc.nat(40), fc.nat());
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	{weight: 4, arbitrary: fc.record({kind: fc.constant('set' as const), at, byte: fc.oneof(fc.constantFrom(0, 1, 0x7f, 0xff), fc.integer({min: 0, max: 255}))})},
	fc.record({kind: fc.constant('cut' as const), at: fc.nat()}),
	fc.record({kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({minLength: 1, maxLength: 16})}),
	fc.record({kind: fc.constant('remove' as const), at, length: fc.integer({min: 1, max: 16})}),
);

function mutate(file: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
	let bytes = Buffer.from(file);
	for (const change of mutations) {
		const where = bytes.length === 0 ? 0 : change.at % bytes.length;
		if (change.kind === 'set' && bytes.length > 0) bytes[where] = change.byte;
		else if (change.kind === 'cut') bytes = bytes.subarray(0, where);
		else if (change.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, where), change.bytes, bytes.subarray(where)]);
		else if (change.kind === 'remove') bytes = Buffer.concat([bytes.subarray(0, where), bytes.subarray(where + change.length)]);
	}

	return bytes;
}

async function settled(bytes: Uint8Array) {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => reject(new Error(`decodeImage did not settle within ${settleWithinMs} ms`)), settleWithinMs);
	});
	try {
		return await Promise.race([decodeImage(bytes), late]);
	} finally {
		clearTimeout(timer);
	}
}

describe('decodeImage on mutated PNG, JPEG, GIF and WebP files', () => {
	it(`never throws, always settles, and gives pixels or a reason (seed ${seed})`, async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({min: 0, max: files.length - 1}), fc.array(mutation, {minLength: 1, maxLength: 4}), fc.uint8Array({maxLength: 64}), async (which, mutations, random) => {
				for (const input of [mutate(files[which]!, mutations), random]) {
					const decoded = await settled(input);
					if (decoded.ok) {
						const {width, height, data} = decoded.image;
						expect(width > 0 && height > 0 && width <= maxImageSide && height <= maxImageSide).toBe(true);
						expect(data.length).toBeGreaterThanOrEqual(width * height * 4);
					} else {
						// A broken file is named as one: a timeout or a crashed worker would be a decoder's failure.
						expect(decoded.reason).toMatch(/^(?:not an image|too large to preview \(\d+ x \d+ pixels)/);
					}
				}
			}),
			{seed, numRuns: 400, ...(replayPath === undefined ? {} : {path: replayPath}), endOnFailure: true},
		);
	});
});
