import {existsSync} from 'node:fs';
import {mkdtemp, open, readFile, rm, writeFile} from 'node:fs/promises';
import type {FileHandle} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {describeFsError} from '../../source/net/transfer-error.js';
import {WriteBehind} from '../../source/net/write-behind.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'write-behind-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

const chunkOf = (index: number, length: number) => Buffer.alloc(length, index % 251);

describe('WriteBehind', () => {
	test('writes every chunk in order from the start position, gathering chunks pushed during a write', async () => {
		const file = await open(path.join(dir, 'out.bin'), 'w+');
		await file.write(Buffer.from('HEAD'), 0, 4, 0);
		const groups: number[] = [];
		const writer = new WriteBehind(file, 4, chunks => groups.push(chunks.length));
		const chunks = Array.from({length: 200}, (_, index) => chunkOf(index, 1000 + index));
		for (const chunk of chunks) await writer.push(chunk);
		await writer.flush();
		await file.close();

		expect(await readFile(path.join(dir, 'out.bin'))).toEqual(Buffer.concat([Buffer.from('HEAD'), ...chunks]));
		expect(groups.reduce((a, b) => a + b, 0)).toBe(200);
		// The first chunk starts a write; those pushed while it runs go out together.
		expect(groups.length).toBeLessThan(200);
		expect(Math.max(...groups)).toBeGreaterThan(1);
	});

	test('a push waits while more than the limit waits for the disk, so memory stays bounded', async () => {
		let release: () => void = () => undefined;
		let written = 0;
		let most = 0;
		const slow = {
			async writev(buffers: Uint8Array[]) {
				await new Promise<void>(resolve => {
					release = resolve;
				});
				const bytes = buffers.reduce((sum, buffer) => sum + buffer.length, 0);
				written += bytes;
				return {bytesWritten: bytes, buffers};
			},
		} as unknown as FileHandle;
		const writer = new WriteBehind(slow, 0, () => undefined, 10);
		let pushed = 0;
		const pushing = (async () => {
			for (let index = 0; index < 20; index++) {
				await writer.push(Buffer.alloc(4));
				pushed++;
				most = Math.max(most, pushed * 4 - written);
			}
		})();
		for (let rounds = 0; rounds < 40 && pushed < 20; rounds++) {
			await new Promise(resolve => setImmediate(resolve));
			release();
		}

		await pushing;
		let flushed = false;
		const flushing = writer.flush().then(() => {
			flushed = true;
		});
		for (let rounds = 0; rounds < 40 && !flushed; rounds++) {
			release();
			await new Promise(resolve => setImmediate(resolve));
		}

		await flushing;
		expect(pushed).toBe(20);
		expect(written).toBe(80);
		// What is being written and what waits are each at most the limit plus the chunk that went over.
		expect(most).toBeLessThanOrEqual(2 * (10 + 4));
	});

	test('a short write goes on where it stopped, across chunk boundaries', async () => {
		const target = Buffer.alloc(100);
		const calls: number[] = [];
		const stingy = {
			async writev(buffers: Uint8Array[], position: number) {
				// At most 7 bytes a call: every chunk is split somewhere.
				const all = Buffer.concat(buffers).subarray(0, 7);
				all.copy(target, position);
				calls.push(all.length);
				return {bytesWritten: all.length, buffers};
			},
		} as unknown as FileHandle;
		const writer = new WriteBehind(stingy, 10);
		const chunks = [Buffer.from('abcdefghij'), Buffer.from('KLMNO'), Buffer.from('pqrstuvwxyz0123')];
		for (const chunk of chunks) await writer.push(chunk);
		await writer.flush();
		expect(target.subarray(10, 40).toString()).toBe('abcdefghijKLMNOpqrstuvwxyz0123');
		expect(calls.every(bytes => bytes <= 7)).toBe(true);
	});

	test('the first failed write is kept: flush and every later push reject with it, and nothing more is written', async () => {
		await writeFile(path.join(dir, 'read-only.bin'), '');
		const file = await open(path.join(dir, 'read-only.bin'), 'r');
		const writer = new WriteBehind(file, 0);
		await writer.push(Buffer.from('lost'));
		await expect(writer.flush()).rejects.toMatchObject({code: 'EBADF'});
		await expect(writer.push(Buffer.from('more'))).rejects.toMatchObject({code: 'EBADF'});
		await expect(writer.flush()).rejects.toMatchObject({code: 'EBADF'});
		await file.close();
		expect(await readFile(path.join(dir, 'read-only.bin'), 'utf8')).toBe('');
	});

	test.runIf(existsSync('/dev/full'))('a full disk (/dev/full) fails with ENOSPC, which reads as "disk full"', async () => {
		const file = await open('/dev/full', 'w');
		try {
			const writer = new WriteBehind(file, 0);
			await writer.push(Buffer.alloc(64 * 1024, 1));
			const failure = await writer.flush().catch((error: unknown) => error);
			expect(failure).toMatchObject({code: 'ENOSPC'});
			expect(describeFsError(failure)).toMatch(/^disk full/);
		} finally {
			await file.close();
		}
	});

	test('a write that writes nothing at all is a failure, not a loop', async () => {
		const stuck = {
			async writev(buffers: Uint8Array[]) {
				return {bytesWritten: 0, buffers};
			},
		} as unknown as FileHandle;
		const writer = new WriteBehind(stuck, 0);
		await writer.push(Buffer.from('x'));
		await expect(writer.flush()).rejects.toMatchObject({code: 'EIO'});
	});
});
