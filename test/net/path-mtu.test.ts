/**
 * Path MTU discovery over real sockets (connection/path-mtu.ts): on loopback the hub finds
 * 1,472-byte datagrams (the cap, loopback's MTU being 65,536); through a relay that drops what is
 * above 1,300 bytes, as a link of a smaller MTU does with don't-fragment set, it settles on 1,280,
 * only its probes are lost, and long lines arrive whole, once, in order.
 */
import {afterEach, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import {largestDatagramOn} from '../../source/net/link-mtu.js';
import {MAX_PROBES} from '../../source/protocol/connection/path-mtu.js';
import {LossyRelay} from '../helpers/lossy-relay.js';
import {joinMember, startHub, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';

let hub: Hub | undefined;
let relay: LossyRelay | undefined;
const members: TestMember[] = [];

afterEach(async () => {
	for (const member of members.splice(0)) member.link.close();
	await relay?.close();
	relay = undefined;
	await hub?.close();
});

const texts = (member: TestMember) => member.events().flatMap(event => (event.k === 'msg' ? [event.text] : []));

test('the interface MTU, less the headers, capped at 1,472; 1,200 where it cannot be read', () => {
	const read = (mtu: string) => () => mtu;
	expect(largestDatagramOn('eth0', 'IPv4', read('1500\n'))).toBe(1472);
	expect(largestDatagramOn('eth0', 'IPv6', read('1500\n'))).toBe(1452);
	expect(largestDatagramOn('lo', 'IPv4', read('65536\n'))).toBe(1472);
	expect(largestDatagramOn('wg0', 'IPv4', read('1420\n'))).toBe(1392);
	expect(largestDatagramOn('tun0', 'IPv4', read('1000'))).toBe(1200);
	expect(largestDatagramOn('eth0', 'IPv4', read('junk'))).toBe(1200);
	expect(largestDatagramOn('eth0', 'IPv4', () => {
		throw new Error('ENOENT');
	})).toBe(1200);
	// Never a path out of /sys/class/net.
	expect(largestDatagramOn('../../etc', 'IPv4', read('9000'))).toBe(1200);
	expect(largestDatagramOn('*', 'IPv4', read('9000'))).toBe(1200);
});

test.skipIf(process.platform !== 'linux')('on loopback: members get 1,472-byte datagrams after one probe each', async () => {
	hub = await startHub();
	for (const name of ['ann', 'bob']) members.push(await joinMember(hub.port, name));
	await waitFor(() => hub!.datagramSizes().every(one => one.bytes === 1472), {timeoutMs: 5000, what: () => `1,472 for everyone: ${JSON.stringify(hub!.datagramSizes())}`});
	// One probe each (another only if an answer took over 400 ms on a busy machine).
	for (const one of hub.datagramSizes()) expect(one.answered).toBeGreaterThanOrEqual(1);
	// The hub's option pathMtu: false: nothing probed, 1,200.
	const plain = await startHub({pathMtu: false});
	try {
		const cal = await joinMember(plain.port, 'cal');
		members.push(cal);
		expect(plain.datagramSizes()).toEqual([{name: 'cal', bytes: 1200, probes: 0, answered: 0}]);
	} finally {
		await plain.close();
	}
});

test.skipIf(process.platform !== 'linux')('through a path of 1,300 bytes: 1,280, only the probes above it lost, long lines whole, once, in order', async () => {
	hub = await startHub();
	relay = new LossyRelay({hubPort: hub.port, seed: 1, drop: 0, duplicate: 0, reorder: 0, maxDatagram: 1300});
	const port = await relay.start();
	for (const name of ['ann', 'bob', 'cal']) members.push(await joinMember(port, name));
	await waitFor(() => hub!.datagramSizes().every(one => one.bytes === 1280), {timeoutMs: 10_000, what: () => `1,280 for everyone: ${JSON.stringify(hub!.datagramSizes())}`});
	const lines = Array.from({length: 12}, (_, i) => `${i} ${'word '.repeat(200 + i * 30)}`.trim());
	for (const line of lines) members[0]!.link.send({k: 'say', text: line});
	await waitFor(() => members.every(member => texts(member).length >= lines.length), {timeoutMs: 20_000, what: () => `every line everywhere: ${members.map(member => texts(member).length).join(', ')}`});
	for (const member of members) expect(texts(member)).toEqual(lines);
	// Three sizes above the path (1,472, 1,452, 1,400), MAX_PROBES probes each, per member: nothing else.
	expect(relay.stats.tooLarge).toBe(3 * MAX_PROBES * members.length);
	expect(relay.stats.largestToMember).toBeGreaterThan(1200);
	expect(relay.stats.largestToMember).toBeLessThanOrEqual(1280);
});
