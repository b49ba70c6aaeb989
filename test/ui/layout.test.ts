import {describe, expect, test} from 'vitest';
import type {ChatEntry} from '../../source/session/types.js';
import {LineCache} from '../../source/ui/messages/line-cache.js';
import {countAfter, lowerBound} from '../../source/ui/messages/by-id.js';
import {scrollDown, scrollTop, scrollUp, visibleLines, type LinesOf} from '../../source/ui/messages/layout.js';

/** Entries with ids 1..count; entry i is (i % 3) + 1 lines tall. */
function entries(count: number, firstId = 1): ChatEntry[] {
	return Array.from({length: count}, (_, index) => ({
		id: firstId + index,
		kind: 'message',
		time: 0,
		text: `m${firstId + index}`,
		fromHistory: false,
		mentionsMe: false,
	}));
}

function counting(): {linesOf: LinesOf; calls: () => number} {
	let calls = 0;
	return {
		linesOf(entry) {
			calls++;
			return Array.from({length: (entry.id % 3) + 1}, (_, line) => `${entry.text}.${line}`);
		},
		calls: () => calls,
	};
}

const {linesOf} = counting();

describe('visibleLines', () => {
	test('live: the last `height` lines, top to bottom', () => {
		const list = entries(10);
		expect(visibleLines(list, undefined, 4, linesOf).map(line => line.text)).toEqual(['m8.2', 'm9.0', 'm10.0', 'm10.1']);
	});

	test('shorter than the pane: everything', () => {
		expect(visibleLines(entries(2), undefined, 10, linesOf).map(line => line.text)).toEqual(['m1.0', 'm1.1', 'm2.0', 'm2.1', 'm2.2']);
	});

	test('anchored: ends at the anchor line, keys are unique', () => {
		const list = entries(10);
		const lines = visibleLines(list, {id: 5, line: 1}, 3, linesOf);
		expect(lines.map(line => line.text)).toEqual(['m4.1', 'm5.0', 'm5.1']);
		expect(new Set(lines.map(line => line.key)).size).toBe(3);
	});

	test('an anchor near the top still fills the pane', () => {
		expect(visibleLines(entries(10), {id: 1, line: 0}, 4, linesOf).map(line => line.text)).toEqual(['m1.0', 'm1.1', 'm2.0', 'm2.1']);
	});

	test('nothing to show', () => {
		expect(visibleLines([], undefined, 5, linesOf)).toEqual([]);
	});
});

describe('scrolling', () => {
	const list = entries(30);
	test('up by lines, then down back to live', () => {
		const up = scrollUp(list, undefined, 2, 5, linesOf);
		expect(up).toEqual({id: 29, line: 1});
		const further = scrollUp(list, up, 3, 5, linesOf);
		expect(further).toEqual({id: 28, line: 0});
		expect(scrollDown(list, further, 3, linesOf)).toEqual({id: 29, line: 1});
		expect(scrollDown(list, further, 5, linesOf)).toBeUndefined();
	});

	test('never above the first line', () => {
		const top = scrollTop(list, 5, linesOf);
		expect(visibleLines(list, top, 5, linesOf)[0]?.text).toBe('m1.0');
		expect(scrollUp(list, undefined, 10_000, 5, linesOf)).toEqual(top);
	});

	test('nothing to scroll when everything fits', () => {
		expect(scrollUp(entries(2), undefined, 3, 10, linesOf)).toBeUndefined();
	});

	test('binary searches by id', () => {
		const sparse = entries(5, 100);
		expect(lowerBound(sparse, 102)).toBe(2);
		expect(lowerBound(sparse, 1)).toBe(0);
		expect(lowerBound(sparse, 1000)).toBe(5);
		expect(countAfter(sparse, 101)).toBe(3);
		expect(countAfter(sparse, 104)).toBe(0);
	});
});

describe('cost does not grow with the number of entries', () => {
	/** The entries behind a proxy that counts how many of them are read. */
	function watched(count: number): {list: ChatEntry[]; touched: () => number} {
		let touched = 0;
		const list = new Proxy(entries(count), {
			get(target, property, receiver) {
				if (typeof property === 'string' && /^\d+$/.test(property)) {
					touched++;
				}

				return Reflect.get(target, property, receiver) as unknown;
			},
		});
		return {list, touched: () => touched};
	}

	/** For each operation: [entries wrapped, entries read]. */
	function work(count: number): Array<[number, number]> {
		const {list, touched} = watched(count);
		const results: Array<[number, number]> = [];
		const measure = (action: (linesOf: LinesOf) => unknown) => {
			const probe = counting();
			const before = touched();
			action(probe.linesOf);
			results.push([probe.calls(), touched() - before]);
		};

		measure(linesOf => visibleLines(list, undefined, 40, linesOf));
		measure(linesOf => scrollUp(list, undefined, 39, 40, linesOf));
		const anchor = scrollUp(list, undefined, 39, 40, linesOf);
		measure(linesOf => visibleLines(list, anchor, 40, linesOf));
		measure(linesOf => scrollDown(list, anchor, 39, linesOf));
		measure(linesOf => scrollTop(list, 40, linesOf));
		measure(() => countAfter(list, count - 5));
		return results;
	}

	test('50,000 entries are wrapped exactly like 50, and read about as often', () => {
		const small = work(50);
		const large = work(50_000);
		expect(large.map(([wrapped]) => wrapped)).toEqual(small.map(([wrapped]) => wrapped));
		for (const [index, [wrapped, read]] of large.entries()) {
			expect(wrapped).toBeLessThan(120);
			expect(read).toBeLessThanOrEqual(small[index]![1] + 2 * Math.ceil(Math.log2(50_000)));
		}
	});

	test('a LineCache wraps each visible entry once per width', () => {
		let calls = 0;
		const cache = new LineCache(40, (entry, width) => {
			calls++;
			return [`${entry.text}@${width}`];
		});
		const list = entries(50_000);
		visibleLines(list, undefined, 30, cache.linesOf);
		const first = calls;
		visibleLines(list, undefined, 30, cache.linesOf);
		expect(first).toBe(30);
		expect(calls).toBe(first);
	});

	test('the cache is bounded', () => {
		const cache = new LineCache(40, entry => [entry.text], 100);
		for (const entry of entries(1000)) {
			cache.linesOf(entry);
		}

		expect(cache.size).toBe(100);
	});
});
