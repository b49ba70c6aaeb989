import {describe, expect, it} from 'vitest';
import {allowedCpus, cpuMask} from '../../bench/netns.js';

describe('the benchmark namespaces keep each host on its own CPUs', () => {
	it('reads the CPUs a process may use from /proc/self/status', () => {
		expect(allowedCpus('Name:\tnode\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n')).toEqual([0, 1]);
		expect(allowedCpus('Cpus_allowed_list:\t2,4-6,9\n')).toEqual([2, 4, 5, 6, 9]);
		expect(allowedCpus('Cpus_allowed_list:\t5\n')).toEqual([5]);
		expect(allowedCpus('Name:\tnode\n')).toEqual([]);
		expect(allowedCpus('Cpus_allowed_list:\tx-y\n')).toEqual([]);
	});

	it('writes masks as rps_cpus takes them, in 32-bit groups, highest first', () => {
		expect(cpuMask([1])).toBe('2');
		expect(cpuMask([0])).toBe('1');
		expect(cpuMask([1, 2, 3])).toBe('e');
		expect(cpuMask([31])).toBe('80000000');
		expect(cpuMask([0, 32])).toBe('1,00000001');
		expect(cpuMask([33, 35, 70])).toBe('40,0000000a,00000000');
	});
});
