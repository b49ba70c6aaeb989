import {afterEach, describe, expect, test} from 'vitest';
import {MemoryBudget, Spool} from '../../source/net/spool.js';

const spools: Spool[] = [];
afterEach(async () => {
	await Promise.all(spools.splice(0).map(async spool => spool.destroy()));
});

async function spoolOf(quota: number, budget = Number.POSITIVE_INFINITY) {
	const spool = await Spool.create(quota, undefined, new MemoryBudget(budget));
	spools.push(spool);
	return spool;
}

/** Whether a promise has settled, after the event loop went round once (no timer). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
	let done = false;
	void promise.then(
		() => (done = true),
		() => (done = true),
	);
	await new Promise(resolve => setImmediate(resolve));
	return done;
}

describe('MemoryBudget: upload bytes in memory, over all uploads', () => {
	test('a chunk waits while the budget is spent by bytes not yet on disk, and goes once they are', async () => {
		const spool = await spoolOf(10_000, 100);
		const first = spool.add('a', 1000, 'alice')!;
		const second = spool.add('b', 1000, 'bob')!;
		await first.reserve(80);
		const waiting = second.reserve(40);
		expect(await settled(waiting)).toBe(false);
		expect(spool.memory.used).toBe(80);

		// The first upload's bytes reach the disk: with an upload waiting, they are not kept in memory.
		first.stored(Buffer.alloc(80, 1));
		expect(await settled(waiting)).toBe(true);
		expect(first.recentAt(0)).toBeUndefined();
		expect(spool.memory.used).toBe(40);
		expect(second.memory).toBe(40);
	});

	test('the recent windows (copies of bytes on disk) make room for a newcomer at once', async () => {
		const spool = await spoolOf(10_000, 100);
		const first = spool.add('a', 1000, 'alice')!;
		await first.reserve(90);
		first.stored(Buffer.alloc(90, 1));
		expect(first.recentAt(0)).toBeDefined();
		const second = spool.add('b', 1000, 'bob')!;
		expect(await settled(second.reserve(50))).toBe(true);
		expect(first.recentAt(0)).toBeUndefined();
		expect(spool.memory.used).toBe(50);
	});

	test('first come, first served; an abandoned wait leaves the line', async () => {
		const budget = new MemoryBudget(100);
		await budget.acquire(100);
		const gone = new AbortController();
		const abandoned = budget.acquire(60, gone.signal);
		const next = budget.acquire(60);
		const last = budget.acquire(30);
		gone.abort(new Error('connection closed'));
		await expect(abandoned).rejects.toThrow('connection closed');
		budget.release(50);
		// 60 does not fit in 50 yet, and 30 behind it does not overtake it.
		expect(await settled(last)).toBe(false);
		budget.release(50);
		expect(await settled(next)).toBe(true);
		expect(await settled(last)).toBe(true);
		expect(budget.used).toBe(90);
	});

	test('an upload that ends gives back all it held, and a chunk larger than the budget passes alone', async () => {
		const spool = await spoolOf(10_000, 100);
		const entry = spool.add('a', 1000, 'alice')!;
		await entry.reserve(250);
		entry.stored(Buffer.alloc(200));
		expect(spool.memory.used).toBe(250);
		entry.complete('0'.repeat(64));
		expect(spool.memory.used).toBe(0);
		expect(entry.memory).toBe(0);
	});
});
