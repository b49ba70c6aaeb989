/**
 * Who may try to join (protocol/room/hub-gate.ts): join attempts per address, per address prefix
 * and for the whole hub, with the defaults (docs/protocol.md, "Abuse limits").
 */
import {describe, expect, test} from 'vitest';
import {JOIN_ALL_BURST, JOIN_BURST, JOIN_PREFIX_BURST, JOIN_PREFIX_RATE_PER_SECOND} from '../../../source/protocol/limits.js';
import {addressPrefix, HubGate} from '../../../source/protocol/room/hub-gate.js';

const NOW = 1_000_000;

describe('join attempts are limited per address, per network and overall', () => {
	test('one address: its burst, then refused as "address"', () => {
		const gate = new HubGate(undefined, undefined, NOW);
		const results = Array.from({length: JOIN_BURST + 1}, () => gate.attempt('10.0.0.2', NOW));
		expect(results).toEqual([...Array.from({length: JOIN_BURST}, () => undefined), 'address']);
	});

	test('many addresses of one /24: the prefix\'s burst, then refused as "prefix", and a refusal takes nothing from the wider buckets', () => {
		const gate = new HubGate(undefined, undefined, NOW);
		const results = Array.from({length: JOIN_PREFIX_BURST + 5}, (_, i) => gate.attempt(`10.0.0.${i + 1}`, NOW));
		expect(results.filter(result => result === undefined)).toHaveLength(JOIN_PREFIX_BURST);
		expect(results.slice(JOIN_PREFIX_BURST)).toEqual(Array.from({length: 5}, () => 'prefix'));
		// Another network is not held back by it, and the hub-wide bucket lost only what was let in.
		expect(gate.attempt('10.0.1.1', NOW)).toBeUndefined();
		// The prefix refills at its rate.
		expect(gate.attempt('10.0.0.200', NOW + 1000 / JOIN_PREFIX_RATE_PER_SECOND)).toBeUndefined();
	});

	test('many networks: the hub-wide burst, then refused as "all"', () => {
		const gate = new HubGate(undefined, undefined, NOW);
		const results = Array.from({length: JOIN_ALL_BURST + 3}, (_, i) => gate.attempt(`10.${i >> 8}.${i & 255}.1`, NOW));
		expect(results.filter(result => result === undefined)).toHaveLength(JOIN_ALL_BURST);
		expect(results.slice(JOIN_ALL_BURST)).toEqual(['all', 'all', 'all']);
	});

	test('no limits at all when the join limit is off (benchmarks)', () => {
		const gate = new HubGate(false, undefined, NOW);
		expect(Array.from({length: 500}, () => gate.attempt('10.0.0.2', NOW)).every(result => result === undefined)).toBe(true);
	});

	test.each([
		['192.168.1.8', '192.168.1'],
		['fd00::9', 'fd00:0:0:0'],
		['fe80::1:2:3:4', 'fe80:0:0:0'],
		['2001:db8:1:2:3:4:5:6', '2001:db8:1:2'],
		['2001:DB8:0001::1', '2001:db8:1:0'],
		['::1', '0:0:0:0'],
	])('the network of %s is %s', (address, prefix) => {
		expect(addressPrefix(address)).toBe(prefix);
	});
});
