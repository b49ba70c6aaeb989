import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {SnapshotBatch} from '../../source/ui/snapshot-batch.js';
import {connectedSession, type FakeSession} from './fake-session.js';

/** A batch over `session` with a clock the test moves (with the fake timers). */
function batchOf(session: FakeSession, intervalMs = 16) {
	let clock = 1000;
	const batch = new SnapshotBatch(session, intervalMs, () => clock);
	return {
		batch,
		advance(ms: number) {
			clock += ms;
			vi.advanceTimersByTime(ms);
		},
	};
}

beforeEach(() => {
	vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
});

afterEach(() => {
	vi.useRealTimers();
});

describe('SnapshotBatch', () => {
	test('the first change is handed on at once', () => {
		const session = connectedSession();
		const {batch} = batchOf(session);
		const seen: number[] = [];
		batch.subscribe(() => {
			seen.push(batch.getSnapshot().entries.length);
		});
		session.pushEntry({text: 'one'});
		expect(seen).toEqual([1]);
		expect(batch.getSnapshot()).toBe(session.getSnapshot());
		expect(batch.pending).toBe(false);
	});

	test('a burst of entries within the interval is one hand-on, at its end, of the latest snapshot', () => {
		const session = connectedSession();
		const {batch, advance} = batchOf(session, 16);
		const seen: number[] = [];
		batch.subscribe(() => {
			seen.push(batch.getSnapshot().entries.length);
		});
		session.pushEntry({text: 'first'});
		for (let index = 0; index < 50; index++) {
			session.pushEntry({text: `burst ${index}`});
		}

		expect(seen).toEqual([1]);
		expect(batch.getSnapshot().entries).toHaveLength(1);
		expect(batch.pending).toBe(true);
		advance(15);
		expect(seen).toEqual([1]);
		advance(1);
		expect(seen).toEqual([1, 51]);
		expect(batch.getSnapshot()).toBe(session.getSnapshot());
		expect(vi.getTimerCount()).toBe(0);
	});

	test('any other change is handed on at once, with the entries held so far, and every state in turn', () => {
		const session = connectedSession();
		const {batch, advance} = batchOf(session, 100);
		const seen: string[] = [];
		batch.subscribe(() => {
			const {status, entries} = batch.getSnapshot();
			seen.push(`${status} ${entries.length}`);
		});
		session.pushEntry({text: 'one'});
		session.pushEntry({text: 'two'});
		session.update({status: 'connecting'});
		session.update({status: 'refused', refusal: {code: 'wrong-secret', reason: 'wrong room secret'}});
		session.update({status: 'connecting', refusal: undefined});
		expect(seen).toEqual(['connected 1', 'connecting 2', 'refused 2', 'connecting 2']);
		expect(batch.pending).toBe(false);
		session.pushEntry({text: 'three'});
		expect(batch.pending).toBe(true);
		advance(100);
		expect(seen.at(-1)).toBe('connecting 3');
	});

	test('after a quiet interval a change is handed on at once again', () => {
		const session = connectedSession();
		const {batch, advance} = batchOf(session, 16);
		let calls = 0;
		batch.subscribe(() => {
			calls++;
		});
		session.pushEntry({text: 'one'});
		advance(40);
		session.pushEntry({text: 'two'});
		expect(calls).toBe(2);
		expect(batch.pending).toBe(false);
	});

	test('every listener sees the same snapshot; the session has one listener', () => {
		const session = connectedSession();
		const {batch} = batchOf(session);
		const seen: unknown[] = [];
		const stops = [0, 1, 2].map(() =>
			batch.subscribe(() => {
				seen.push(batch.getSnapshot());
			}),
		);
		expect(session.listenerCount).toBe(1);
		session.update({rttMs: 9});
		expect(seen).toHaveLength(3);
		expect(new Set(seen).size).toBe(1);
		for (const stop of stops) {
			stop();
		}

		expect(session.listenerCount).toBe(0);
	});

	test('the last listener gone, a held batch is dropped and the session left alone', () => {
		const session = connectedSession();
		const {batch, advance} = batchOf(session, 16);
		let calls = 0;
		const stop = batch.subscribe(() => {
			calls++;
		});
		session.pushEntry({text: 'one'});
		session.pushEntry({text: 'two'});
		expect(batch.pending).toBe(true);
		stop();
		expect(batch.pending).toBe(false);
		expect(session.listenerCount).toBe(0);
		advance(100);
		expect(calls).toBe(1);
		expect(vi.getTimerCount()).toBe(0);
	});

	test('a change before the first listener is handed on when it subscribes', () => {
		const session = connectedSession();
		const {batch} = batchOf(session);
		session.pushEntry({text: 'early'});
		let calls = 0;
		batch.subscribe(() => {
			calls++;
		});
		expect(calls).toBe(1);
		expect(batch.getSnapshot().entries).toHaveLength(1);
	});
});
