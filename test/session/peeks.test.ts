import {describe, expect, test} from 'vitest';
import {Peeks} from '../../source/session/peeks.js';
import type {TransferPort} from '../../source/session/ports.js';
import type {FileOffer} from '../../source/session/types.js';
import {waitFor} from '../helpers/wait-for.js';

const offer = (id: string, patch: Partial<FileOffer> = {}): FileOffer => ({id, name: `${id}.png`, size: 1000, from: 'bob', complete: true, time: 0, ...patch});

/** A port whose peeks wait until the test settles them, recording each (and its signal). */
function heldPort() {
	const held: Array<{id: string; signal: AbortSignal; resolve: (bytes: Uint8Array) => void}> = [];
	const port: TransferPort = {
		resolvePath: typed => typed,
		upload: async () => {
			throw new Error('not here');
		},
		download: async () => {
			throw new Error('not here');
		},
		peek: async (wanted, {signal}) =>
			new Promise((resolve, reject) => {
				held.push({id: wanted.id, signal, resolve});
				signal.addEventListener('abort', () => reject(new Error('stopped')));
			}),
	};
	return {port, held};
}

const reason = async (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: unknown) => (error as Error).message);

describe('offers fetched into memory for a preview', () => {
	test('refuses, in words, what is not a small complete file', async () => {
		const {port, held} = heldPort();
		const offers = [
			offer('a', {complete: false}),
			offer('b', {failed: 'the sender left'}),
			offer('c', {files: 4}),
			offer('d', {size: 512 * 1024 + 1}),
			offer('e', {size: 512 * 1024}),
		];
		const peeks = new Peeks(port, () => offers);
		expect(await reason(peeks.peek('a'))).toBe('it is still being uploaded');
		expect(await reason(peeks.peek('b'))).toBe('its upload failed (the sender left)');
		expect(await reason(peeks.peek('c'))).toBe('it is a folder');
		expect(await reason(peeks.peek('d'))).toBe('it is 524 kB, over the 524 kB fetched before a download');
		expect(await reason(peeks.peek('zz'))).toBe('no such file offer');
		expect(await reason(new Peeks(undefined, () => offers).peek('e'))).toBe('no file transfer in this room');
		void peeks.peek('e');
		await waitFor(() => held.length === 1, {what: 'the one fetch allowed'});
		expect(held[0]!.id).toBe('e');
	});

	test('one fetch per offer at a time, two offers at once, the rest in turn; close stops them all', async () => {
		const {port, held} = heldPort();
		const peeks = new Peeks(port, () => ['a', 'b', 'c'].map(id => offer(id)));
		const a = peeks.peek('a');
		expect(peeks.peek('a')).toBe(a);
		const b = peeks.peek('b');
		const c = peeks.peek('c');
		await waitFor(() => held.length === 2, {what: 'two fetches started'});
		await new Promise(resolve => setImmediate(resolve));
		expect(held.map(fetch => fetch.id)).toEqual(['a', 'b']);
		held[0]!.resolve(new Uint8Array([1, 2]));
		expect([...(await a)]).toEqual([1, 2]);
		await waitFor(() => held.length === 3, {what: 'the third fetch, in its turn'});
		expect(held[2]!.id).toBe('c');
		// Done: asked again, it is fetched again (the front end keeps what it decoded).
		const again = peeks.peek('a');
		peeks.close();
		expect(await reason(again)).toBe('the session has ended');
		expect(await reason(b)).toBe('stopped');
		expect(await reason(c)).toBe('stopped');
		expect(held.every(fetch => fetch.signal.aborted)).toBe(true);
		expect(await reason(peeks.peek('a'))).toBe('the session has ended');
	});
});
