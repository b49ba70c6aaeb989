import {afterEach, expect, test} from 'vitest';
import {Spool} from '../../source/net/spool.js';

const spools: Spool[] = [];
afterEach(async () => {
	await Promise.all(spools.splice(0).map(async spool => spool.destroy()));
});

async function spoolOf(quota: number) {
	const spool = await Spool.create(quota);
	spools.push(spool);
	return spool;
}

test('declared sizes reserve nothing; bytes are charged as they come, and a failed upload gives them back', async () => {
	const spool = await spoolOf(1000);
	const idle = [spool.add('a', 1000, 'alice'), spool.add('b', 1000, 'alice'), spool.add('c', 1000, 'alice')];
	expect(idle.every(entry => entry !== undefined)).toBe(true);
	expect(spool.used).toBe(0);
	expect(spool.add('too big', 1001, 'bob')).toBeUndefined();

	const real = spool.add('d', 600, 'bob')!;
	expect(spool.charge(real, 600)).toBe(true);
	expect(spool.free).toBe(400);
	expect(spool.add('over what is free', 401, 'bob')).toBeUndefined();
	expect(spool.charge(idle[0]!, 500)).toBe(false);
	expect(spool.used).toBe(600);
	expect(spool.charge(idle[0]!, 400)).toBe(true);
	await spool.fail(idle[0]!, 'cut');
	expect(spool.used).toBe(600);
	expect(spool.charge(idle[0]!, 1)).toBe(false);
});

test('an expired offer gives its bytes back and takes no more', async () => {
	const spool = await spoolOf(1000);
	const entry = spool.add('a', 600, 'alice')!;
	expect(spool.charge(entry, 600)).toBe(true);
	entry.complete('0'.repeat(64));
	await spool.expire(entry, 'expired 1 day after it was offered');
	expect(spool.used).toBe(0);
	expect(entry.state).toBe('expired');
	expect(spool.get(entry.id)?.failure).toBe('expired 1 day after it was offered');
});
