import {describe, expect, test} from 'vitest';
import fc from 'fast-check';
import {RttEstimator} from '../../source/protocol/rtt.js';
import {RTO_INITIAL_MS, RTO_MAX_MS, RTO_MIN_MS} from '../../source/protocol/limits.js';

describe('RttEstimator', () => {
	test('before any sample the RTO is the initial one', () => {
		const rtt = new RttEstimator();
		expect(rtt.srtt).toBeUndefined();
		expect(rtt.rto()).toBe(RTO_INITIAL_MS);
		expect(RTO_INITIAL_MS).toBe(300);
	});

	test('the first sample sets srtt and rttvar = sample / 2', () => {
		const rtt = new RttEstimator();
		rtt.sample(100);
		expect(rtt.srtt).toBe(100);
		expect(rtt.rttvar).toBe(50);
		expect(rtt.rto()).toBe(300); // 100 + 4 * 50
	});

	test('later samples are smoothed (RFC 6298: rttvar uses the old srtt)', () => {
		const rtt = new RttEstimator();
		rtt.sample(100);
		rtt.sample(200);
		// rttvar = (3 * 50 + |100 - 200|) / 4 = 62.5; srtt = (7 * 100 + 200) / 8 = 112.5
		expect(rtt.rttvar).toBe(62.5);
		expect(rtt.srtt).toBe(112.5);
		expect(rtt.rto()).toBe(112.5 + 4 * 62.5);

		rtt.sample(112.5);
		expect(rtt.rttvar).toBe((3 * 62.5 + 0) / 4);
		expect(rtt.srtt).toBe(112.5);
	});

	test('property: the estimator follows the smoothing formula for any sample sequence', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({min: 0, max: 10_000}), {minLength: 1, maxLength: 50}), samples => {
				const rtt = new RttEstimator();
				let srtt: number | undefined;
				let rttvar = 0;
				for (const sample of samples) {
					if (srtt === undefined) {
						srtt = sample;
						rttvar = sample / 2;
					} else {
						rttvar = 0.75 * rttvar + 0.25 * Math.abs(srtt - sample);
						srtt = 0.875 * srtt + 0.125 * sample;
					}

					rtt.sample(sample);
				}

				expect(rtt.srtt).toBeCloseTo(srtt!, 6);
				expect(rtt.rttvar).toBeCloseTo(rttvar, 6);
				const expected = Math.min(RTO_MAX_MS, Math.max(RTO_MIN_MS, srtt! + Math.max(4 * rttvar, 10)));
				expect(rtt.rto()).toBeCloseTo(expected, 6);
			}),
			{numRuns: 300},
		);
	});

	test('a negative sample counts as zero', () => {
		const rtt = new RttEstimator();
		rtt.sample(-40);
		expect(rtt.srtt).toBe(0);
		expect(rtt.rttvar).toBe(0);
	});

	test('rttvar has a 10 ms floor in the RTO', () => {
		const rtt = new RttEstimator(1, 10_000);
		rtt.sample(100);
		for (let i = 0; i < 200; i++) rtt.sample(100);
		expect(rtt.srtt).toBe(100);
		expect(rtt.rttvar).toBeLessThan(1);
		expect(rtt.rto()).toBe(110);
	});

	test('the RTO is clamped to the minimum', () => {
		const rtt = new RttEstimator();
		rtt.sample(1); // 1 + max(2, 10) = 11
		expect(rtt.rto()).toBe(RTO_MIN_MS);
		const custom = new RttEstimator(80, 1000);
		custom.sample(1);
		expect(custom.rto()).toBe(80);
	});

	test('the RTO is clamped to the maximum', () => {
		const rtt = new RttEstimator();
		rtt.sample(2000); // 2000 + 4000
		expect(rtt.rto()).toBe(RTO_MAX_MS);
		const custom = new RttEstimator(50, 500);
		custom.sample(400);
		expect(custom.rto()).toBe(500);
	});

	test('backoff doubles the RTO per step and is capped at the maximum', () => {
		const rtt = new RttEstimator();
		const seen = [0, 1, 2, 3, 4, 5, 6].map(backoff => {
			rtt.backoff = backoff;
			return rtt.rto();
		});
		expect(seen).toEqual([300, 600, 1200, 2400, 3000, 3000, 3000]);
	});

	test('backoff doubles the measured RTO, and the minimum applies before doubling', () => {
		const rtt = new RttEstimator();
		rtt.sample(10); // 10 + max(20, 10) = 30 -> clamped to 50
		rtt.backoff = 1;
		expect(rtt.rto()).toBe(100);
		rtt.backoff = 3;
		expect(rtt.rto()).toBe(400);
		rtt.backoff = 0;
		expect(rtt.rto()).toBe(50);
	});

	test('property: the RTO always lies within [min, max]', () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({min: -1000, max: 1e7, noNaN: true}), {maxLength: 20}),
				fc.integer({min: 0, max: 12}),
				(samples, backoff) => {
					const rtt = new RttEstimator();
					for (const sample of samples) rtt.sample(sample);
					rtt.backoff = backoff;
					const rto = rtt.rto();
					expect(rto).toBeGreaterThanOrEqual(RTO_MIN_MS);
					expect(rto).toBeLessThanOrEqual(RTO_MAX_MS);
				},
			),
			{numRuns: 300},
		);
	});
});
