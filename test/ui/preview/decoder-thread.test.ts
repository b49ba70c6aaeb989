import {execFile} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {decodeImage} from '../../../source/ui/preview/decode-image.js';
import {DecoderThread, decodeTimeoutMs, decoderLimits, type DecoderOptions} from '../../../source/ui/preview/decoder-thread.js';
import {requireBuiltDecoder} from '../../helpers/built-decoder.js';
import {tinyPng} from '../../helpers/images.js';

// The stand-in worker decides by the claimed width: 1 hangs, 2 throws, 3 fills its heap, 4 exits.
const misbehaving = new URL('../../fixtures/workers/misbehaving-decoder.mjs', import.meta.url);
const threads: DecoderThread[] = [];

function thread(options: DecoderOptions = {}): DecoderThread {
	const made = new DecoderThread({script: misbehaving, ...options});
	threads.push(made);
	return made;
}

async function decodedBy(decoded: ReturnType<typeof decodeImage>): Promise<number> {
	const result = await decoded;
	if (!result.ok) throw new Error(`expected pixels, got: ${result.reason}`);
	return result.thread;
}

afterEach(async () => {
	await Promise.all(threads.splice(0).map(made => made.close()));
});

describe('DecoderThread', () => {
	it('keeps the defaults: 10 s for one image, a bounded heap', () => {
		expect(decodeTimeoutMs).toBe(10_000);
		expect(decoderLimits.maxOldGenerationSizeMb).toBeLessThanOrEqual(256);
	});

	it('reuses one worker for image after image', async () => {
		const decoder = thread();
		const first = await decodedBy(decodeImage(tinyPng(5, 5), decoder));
		expect(await decodedBy(decodeImage(tinyPng(6, 5), decoder))).toBe(first);
	});

	it('ends a worker that takes too long, gives the image a reason, and starts a fresh worker for the next', async () => {
		const decoder = thread({timeoutMs: 300});
		const first = await decodedBy(decodeImage(tinyPng(5, 5), decoder));
		expect(await decodeImage(tinyPng(1, 1), decoder)).toEqual({ok: false, reason: 'took too long to decode (over 300 ms)'});
		const next = await decodedBy(decodeImage(tinyPng(5, 5), decoder));
		expect(next).not.toBe(first);
	});

	it('queues images one at a time: the one behind a slow image waits for it, then gets a fresh worker', async () => {
		const decoder = thread({timeoutMs: 300});
		const settled: string[] = [];
		const slow = decodeImage(tinyPng(1, 1), decoder).then(result => settled.push(result.ok ? 'slow ok' : result.reason));
		const quick = decodeImage(tinyPng(5, 5), decoder).then(result => settled.push(result.ok ? 'quick ok' : result.reason));
		await Promise.all([slow, quick]);
		expect(settled).toEqual(['took too long to decode (over 300 ms)', 'quick ok']);
	});

	it('gives a reason when the worker crashes or exits, and the next image a fresh worker', async () => {
		const decoder = thread();
		const first = await decodedBy(decodeImage(tinyPng(5, 5), decoder));
		expect(await decodeImage(tinyPng(2, 1), decoder)).toEqual({ok: false, reason: 'could not be decoded (the decoder stopped: a decoder bug)'});
		const second = await decodedBy(decodeImage(tinyPng(5, 5), decoder));
		expect(second).not.toBe(first);
		expect(await decodeImage(tinyPng(4, 1), decoder)).toEqual({ok: false, reason: 'could not be decoded (the decoder stopped, code 3)'});
		expect(await decodedBy(decodeImage(tinyPng(5, 5), decoder))).not.toBe(second);
	});

	it('gives a reason when the worker goes over its memory limit, and the next image a fresh worker', async () => {
		const decoder = thread({resourceLimits: {maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4}});
		expect(await decodeImage(tinyPng(3, 1), decoder)).toEqual({ok: false, reason: 'too large to preview (decoding it ran out of memory)'});
		expect((await decodeImage(tinyPng(5, 5), decoder)).ok).toBe(true);
	});

	it('never keeps the process alive: a script that decodes one image exits by itself', async () => {
		// The built module (npm run build), as the CLI runs it; the test runner would keep the process alive.
		requireBuiltDecoder();
		const built = fileURLToPath(new URL('../../../dist/source/ui/preview/decode-image.js', import.meta.url));
		const script = `const {decodeImage} = await import(${JSON.stringify(built)}); const keep = setInterval(() => {}, 1000);
			const result = await decodeImage(Buffer.from(${JSON.stringify(tinyPng(3, 2).toString('base64'))}, 'base64'));
			clearInterval(keep); console.log(result.ok, result.thread ?? result.reason);`;
		const {code, stdout} = await new Promise<{code: number | null; stdout: string}>(resolve => {
			const child = execFile(process.execPath, ['--input-type=module', '-e', script], {timeout: 15_000}, (error, out) => resolve({code: error ? (child.exitCode ?? -1) : 0, stdout: out}));
		});
		expect(stdout.trim()).toBe('true 1');
		expect(code).toBe(0);
	});
});

beforeAll(requireBuiltDecoder);
