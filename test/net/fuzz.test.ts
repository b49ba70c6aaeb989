import dgram from 'node:dgram';
import {afterEach, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import {encodeEnvelope, encodeSealedEnvelope} from '../../source/protocol/envelope.js';
import {PROTOCOL_VERSION} from '../../source/protocol/limits.js';
import {allReceived, joinMember, startHub, type TestMember} from '../helpers/room.js';
import {seededRandom} from '../helpers/seeded-random.js';
import {waitFor} from '../helpers/wait-for.js';

let hub: Hub | undefined;
const members: TestMember[] = [];

afterEach(async () => {
	for (const member of members.splice(0)) {
		member.link.close();
	}

	await hub?.close();
});

/** Valid-looking datagrams to mutate: every frame kind, real tokens among fake ones. */
function seeds(tokens: string[]): Buffer[] {
	const bodies = [
		[{t: 'hello', cid: 'abc', name: 'eve'}],
		[{t: 'query', cid: 'q1'}],
		[{t: 'd', g: 0, n: 1, e: {k: 'say', text: 'hi'}}],
		[{t: 'd', g: 0, n: 2, p: [0, 3], x: '{"k":"sa'}],
		[{t: 'd', g: 0, n: 5, e: {k: 'nick', name: 'x'.repeat(40)}}],
		[{t: 'd', g: 0, n: 9, e: {k: 'kick', name: 'alice'}}],
		[{t: 'ack', g: 0, c: 99_999, s: [[1, 1e12], [5, 2]]}],
		[{t: 'ping', ts: 1}],
		[{t: 'd', g: 7, n: 1e15, e: {k: 'dm', to: 'bob', text: 'x'}}],
	];
	const out: Buffer[] = [];
	for (const body of bodies) {
		for (const token of ['0000000000000000', 'ffffffffffffffff', ...tokens]) {
			out.push(encodeEnvelope(PROTOCOL_VERSION, token, JSON.stringify(body)));
		}
	}

	out.push(encodeSealedEnvelope(PROTOCOL_VERSION, '0000000000000000', '[]', (_header, plaintext) => Buffer.concat([Buffer.alloc(12), plaintext, Buffer.alloc(16)])));
	return out;
}

function mutate(seed: Buffer, random: () => number): Buffer {
	const bytes = Buffer.from(seed);
	const kind = Math.floor(random() * 5);
	if (kind === 0) {
		for (let i = 0; i < 1 + random() * 4; i++) {
			bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
		}

		return bytes;
	}

	if (kind === 1) {
		return bytes.subarray(0, Math.floor(random() * bytes.length));
	}

	if (kind === 2) {
		const at = Math.floor(random() * bytes.length);
		return Buffer.concat([bytes.subarray(0, at), Buffer.from([Math.floor(random() * 256)]), bytes.subarray(at)]);
	}

	if (kind === 3) {
		return Buffer.from(Array.from({length: Math.floor(random() * 1400)}, () => Math.floor(random() * 256)));
	}

	return bytes;
}

test('100,000 random and mutated datagrams: the hub stays up, its memory bounded, the room working', async () => {
	// The hub as shipped: its join limit is part of what keeps a hello flood cheap.
	hub = await startHub();
	const alice = await joinMember(hub.port, 'alice');
	const bob = await joinMember(hub.port, 'bob');
	members.push(alice, bob);
	const tokens = [alice.link.sessionToken!, bob.link.sessionToken!];
	const pool = seeds(tokens);
	const random = seededRandom(20_261_124);
	const attacker = dgram.createSocket({type: 'udp4', sendBufferSize: 4 * 1024 * 1024});
	await new Promise<void>(resolve => {
		attacker.bind(0, '127.0.0.1', resolve);
	});
	const heapBefore = process.memoryUsage().heapUsed;
	const total = 100_000;
	const receivedBefore = hub.stats.received;
	for (let sent = 0; sent < total; sent += 500) {
		await new Promise<void>(resolve => {
			let pending = 500;
			for (let i = 0; i < 500; i++) {
				attacker.send(mutate(pool[Math.floor(random() * pool.length)]!, random), hub!.port, '127.0.0.1', () => {
					if (--pending === 0) {
						resolve();
					}
				});
			}
		});
		// Fire as fast as the hub reads: UDP loss in the kernel buffer would test nothing.
		const target = sent + 500;
		await waitFor(() => hub!.stats.received - receivedBefore >= target * 0.95, {timeoutMs: 10_000, what: () => `the hub to read ${target}`}).catch(() => undefined);
	}

	await waitFor(() => hub!.stats.received - receivedBefore >= total * 0.9, {timeoutMs: 30_000, what: () => `the hub to read the fuzz (${hub!.stats.received - receivedBefore})`});
	globalThis.gc?.();
	const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
	expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
	// The mutated hellos may have admitted members with odd names; the two real ones are still there.
	expect(hub.memberNames()).toEqual(expect.arrayContaining(['alice', 'bob']));
	const dropped = Object.values(hub.stats.dropped).reduce((sum, n) => sum + n, 0);
	expect(dropped).toBeGreaterThan(total / 2);
	alice.link.send({k: 'say', text: 'after the storm'});
	await allReceived([bob], 1, 15_000);
	expect(bob.messages()).toContain('alice: after the storm');
	attacker.close();
});
