import {afterEach, describe, expect, test} from 'vitest';
import {RECENT_BYTES, Spool} from '../../source/net/spool.js';

const spools: Spool[] = [];
afterEach(async () => {
	await Promise.all(spools.splice(0).map(async spool => spool.destroy()));
});

async function entry(size: number) {
	const spool = await Spool.create(10 * size);
	spools.push(spool);
	return spool.add('file.bin', size, 'alice')!;
}

describe('SpoolEntry: the latest bytes kept in memory for downloads that follow the upload', () => {
	test('bytes from any stored position, to the end of the chunk that holds it; nothing not yet stored', async () => {
		const file = await entry(100);
		expect(file.recentAt(0)).toBeUndefined();
		file.stored(Buffer.from('abcde'));
		file.stored(Buffer.from('fgh'));
		expect(Buffer.from(file.recentAt(0)!).toString()).toBe('abcde');
		expect(Buffer.from(file.recentAt(3)!).toString()).toBe('de');
		expect(Buffer.from(file.recentAt(5)!).toString()).toBe('fgh');
		expect(Buffer.from(file.recentAt(7)!).toString()).toBe('h');
		expect(file.recentAt(8)).toBeUndefined();
		expect(file.received).toBe(8);
	});

	test('only about RECENT_BYTES are kept: older positions are left to the spool file', async () => {
		const chunk = 1024 * 1024;
		const count = RECENT_BYTES / chunk + 4;
		const file = await entry(count * chunk);
		for (let index = 0; index < count; index++) file.stored(Buffer.alloc(chunk, index));
		expect(file.recentAt(0)).toBeUndefined();
		expect(file.recentAt(3 * chunk)).toBeUndefined();
		const newest = file.recentAt((count - 1) * chunk)!;
		expect(newest.length).toBe(chunk);
		expect(newest[0]).toBe(count - 1);
		const oldestKept = file.recentAt((count - RECENT_BYTES / chunk) * chunk)!;
		expect(oldestKept[0]).toBe(count - RECENT_BYTES / chunk);
	});

	test('once the upload ends, whole or failed, the memory is given back', async () => {
		const whole = await entry(4);
		whole.stored(Buffer.from('abcd'));
		whole.complete('0'.repeat(64));
		expect(whole.recentAt(0)).toBeUndefined();

		const failed = await entry(8);
		failed.stored(Buffer.from('abcd'));
		failed.fail('cut');
		expect(failed.recentAt(0)).toBeUndefined();
	});
});
