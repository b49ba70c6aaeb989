import dgram from 'node:dgram';
import {afterEach, describe, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import {MemberLink} from '../../source/net/member-link.js';
import {encodeEnvelope} from '../../source/protocol/envelope.js';
import {MAX_TEXT_BYTES, PING_PAD_BYTES, PROTOCOL_VERSION} from '../../source/protocol/limits.js';
import {allReceived, joinMember, startHub, type TestMember} from '../helpers/room.js';
import {RawMember} from '../helpers/raw-member.js';
import {waitFor} from '../helpers/wait-for.js';

let hub: Hub | undefined;
const members: TestMember[] = [];

async function member(name: string, options = {}): Promise<TestMember> {
	const joined = await joinMember(hub!.port, name, options);
	members.push(joined);
	return joined;
}

afterEach(async () => {
	for (const m of members.splice(0)) {
		m.link.close();
	}

	await hub?.close();
	hub = undefined;
});

describe('a room on 127.0.0.1', () => {
	test('three members talk and all see one history in one order', async () => {
		hub = await startHub();
		const alice = await member('alice');
		const bob = await member('bob');
		const carol = await member('carol');
		for (let i = 0; i < 20; i++) {
			alice.link.send({k: 'say', text: `a${i}`});
			bob.link.send({k: 'say', text: `b${i}`});
			carol.link.send({k: 'say', text: `c${i}`});
		}

		await allReceived([alice, bob, carol], 60);
		const order = alice.events().map(event => event.seq);
		expect(bob.events().map(event => event.seq)).toEqual(order);
		expect(carol.events().map(event => event.seq)).toEqual(order);
		expect(order).toEqual([...order].sort((a, b) => a - b));
		for (const m of [alice, bob, carol]) {
			const fromAlice = m.messages().filter(line => line.startsWith('alice: '));
			expect(fromAlice).toEqual(Array.from({length: 20}, (_, i) => `alice: a${i}`));
		}
	});

	test('a multi-line message crosses the hub with its line breaks and indentation; other controls are stripped', async () => {
		hub = await startHub();
		const alice = await member('alice');
		const bob = await member('bob');
		alice.link.send({k: 'say', text: 'def f():\r\n\treturn 1\n\n\u001B[31mred\u001B[0m\u0007'});
		alice.link.send({k: 'dm', to: 'bob', text: 'a\n  b'});
		await waitFor(() => bob.events().filter(event => event.k === 'msg' || event.k === 'dm').length === 2, {what: 'both at bob'});
		const texts = bob.events().flatMap(event => (event.k === 'msg' || event.k === 'dm' ? [event.text] : []));
		expect(texts).toEqual(['def f():\n    return 1\n\nred', 'a\n  b']);
	});

	test('join and leave are room events; the welcome lists members and history', async () => {
		hub = await startHub();
		const alice = await member('alice');
		alice.link.send({k: 'say', text: 'before bob'});
		await allReceived([alice], 1);
		const bob = await member('bob');
		const welcome = bob.items.find(item => item.k === 'welcome');
		expect(welcome?.k === 'welcome' && welcome.members.map(m => m.name)).toEqual(['alice', 'bob']);
		expect(bob.messages()).toEqual(['alice: before bob']);
		await waitFor(() => alice.events().some(e => e.k === 'join' && e.name === 'bob'), {what: 'bob joined at alice'});
		await bob.link.leave();
		await waitFor(() => alice.events().some(e => e.k === 'leave' && e.name === 'bob' && e.reason === 'quit'), {what: 'bob left at alice'});
		expect(hub.memberNames()).toEqual(['alice']);
	});

	test('a silent member is announced as timed out', async () => {
		hub = await startHub({memberTimeoutMs: 600});
		const alice = await member('alice', {heartbeatMs: 100});
		const ghost = await member('ghost', {heartbeatMs: 100});
		ghost.link.close();
		const left = await waitFor(() => alice.events().find(e => e.k === 'leave' && e.name === 'ghost'), {what: 'ghost timed out'});
		expect(left.k === 'leave' && left.reason).toBe('timed out');
		expect(hub.memberNames()).toEqual(['alice']);
	});

	test('a taken name is refused, ignoring case and Unicode width, never renamed', async () => {
		hub = await startHub();
		await member('alice');
		for (const name of ['alice', 'ALICE', '\uFF21lice']) {
			const link = new MemberLink({host: '127.0.0.1', port: hub.port});
			const outcome = await link.join(name);
			link.close();
			expect(outcome).toMatchObject({ok: false, code: 'name-taken'});
			expect(outcome.ok === false && outcome.reason).toContain('taken');
		}

		expect(hub.memberNames()).toEqual(['alice']);
	});

	test('an invalid name is refused with the reason', async () => {
		hub = await startHub();
		const link = new MemberLink({host: '127.0.0.1', port: hub.port});
		const outcome = await link.join('two words');
		link.close();
		expect(outcome).toMatchObject({ok: false, code: 'name-invalid'});
	});

	test('a member speaking another version is refused with a message saying which', async () => {
		hub = await startHub();
		const link = new MemberLink({host: '127.0.0.1', port: hub.port, version: 9});
		const outcome = await link.join('future');
		link.close();
		expect(outcome).toMatchObject({ok: false, code: 'version'});
		expect(outcome.ok === false && outcome.reason).toMatch(new RegExp(`speaks protocol version ${PROTOCOL_VERSION}; you speak version 9`));
	});

	test('a port already in use is an error', async () => {
		hub = await startHub();
		const second = await import('../../source/net/hub.js').then(({Hub}) => new Hub({bind: '127.0.0.1', port: hub!.port}));
		await expect(second.start()).rejects.toMatchObject({code: 'EADDRINUSE'});
	});

	test('a message over the limit is refused with a clear error, not truncated', async () => {
		hub = await startHub();
		const alice = await member('alice');
		const bob = await member('bob');
		alice.link.send({k: 'say', text: 'x'.repeat(MAX_TEXT_BYTES + 1)});
		alice.link.send({k: 'say', text: 'é'.repeat(MAX_TEXT_BYTES / 2)});
		const notice = await waitFor(() => alice.items.find(item => item.k === 'notice'), {what: 'a notice'});
		expect(notice).toMatchObject({k: 'notice', level: 'error', code: 'too-long'});
		expect(notice.k === 'notice' && notice.text).toContain(`${MAX_TEXT_BYTES + 1} bytes`);
		await allReceived([bob], 1);
		expect(bob.messages()).toEqual([`alice: ${'é'.repeat(MAX_TEXT_BYTES / 2)}`]);
	});

	test('direct messages reach only the sender and the recipient', async () => {
		hub = await startHub();
		const alice = await member('alice');
		const bob = await member('bob');
		const carol = await member('carol');
		alice.link.send({k: 'dm', to: 'BOB', text: 'psst'});
		alice.link.send({k: 'say', text: 'public'});
		await allReceived([carol], 1);
		await waitFor(() => bob.items.some(item => item.k === 'dm'), {what: 'dm at bob'});
		expect(alice.items.some(item => item.k === 'dm' && item.text === 'psst')).toBe(true);
		expect(carol.items.some(item => item.k === 'dm')).toBe(false);
	});

	test('control and escape characters are stripped from text shown to others', async () => {
		hub = await startHub();
		const alice = await member('alice');
		const bob = await member('bob');
		alice.link.send({k: 'say', text: 'red\u001B[31m alert\u0007\u202E!'});
		await allReceived([bob], 1);
		expect(bob.messages()).toEqual(['alice: red alert!']);
	});

	test('/nick renames everywhere; a taken name is refused', async () => {
		hub = await startHub();
		const alice = await member('alice');
		const bob = await member('bob');
		bob.link.send({k: 'nick', name: 'Alice'});
		const refused = await waitFor(() => bob.items.find(item => item.k === 'notice'), {what: 'refusal'});
		expect(refused).toMatchObject({code: 'name-taken'});
		bob.link.send({k: 'nick', name: 'robert'});
		await waitFor(() => alice.events().some(e => e.k === 'nick' && e.from === 'bob' && e.to === 'robert'), {what: 'nick event'});
		expect(hub.memberNames().sort()).toEqual(['alice', 'robert']);
	});
});

describe('identity and hostile datagrams', () => {
	async function rawSocket(): Promise<dgram.Socket> {
		const socket = dgram.createSocket('udp4');
		await new Promise<void>(resolve => {
			socket.bind(0, '127.0.0.1', resolve);
		});
		return socket;
	}

	test("a datagram from another address carrying a member's token is dropped", async () => {
		hub = await startHub();
		const alice = await member('alice');
		const bob = await member('bob');
		const token = alice.link.sessionToken!;
		const forger = await rawSocket();
		const forged = JSON.stringify([{t: 'd', g: 0, n: 1, e: {k: 'say', text: 'forged'}}]);
		forger.send(encodeEnvelope(PROTOCOL_VERSION, token, forged), hub.port, '127.0.0.1');
		await waitFor(() => hub!.stats.dropped['address-mismatch'] === 1, {what: 'the forged datagram dropped'});
		alice.link.send({k: 'say', text: 'real'});
		await allReceived([bob], 1);
		expect(bob.messages()).toEqual(['alice: real']);
		forger.close();
	});

	test('garbage is dropped and counted, and the room still works', async () => {
		hub = await startHub();
		const alice = await member('alice');
		const bob = await member('bob');
		const attacker = await rawSocket();
		// A join under a 400-character name: refused, under the join's keys.
		const longName = await RawMember.connect(hub.port, 'y'.repeat(400), {join: false});
		const junk = [
			Buffer.from('hello, this is not ours'),
			Buffer.from('SC'),
			Buffer.from(`SC${String.fromCharCode(PROTOCOL_VERSION)}\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000{not json`),
			encodeEnvelope(PROTOCOL_VERSION, '0000000000000000', '[{"t":"hello"}]'),
			encodeEnvelope(PROTOCOL_VERSION, 'ffffffffffffffff', '[{"t":"d","g":0,"n":1,"e":{}}]'),
		];
		const refusals: string[] = [];
		const sizes: number[] = [];
		attacker.on('message', datagram => {
			refusals.push(datagram.toString('utf8', 12));
			sizes.push(datagram.length);
		});
		for (const datagram of junk) {
			attacker.send(datagram, hub.port, '127.0.0.1');
		}

		const dropped = () => Object.values(hub!.stats.dropped).reduce((sum, n) => sum + n, 0);
		await waitFor(() => dropped() >= junk.length, {what: () => `${junk.length} drops (have ${JSON.stringify(hub!.stats.dropped)})`});
		const refusal = await waitFor(() => longName.frames.find(frame => frame.t === 'refuse'), {what: 'a refusal of the 400-character name'});
		expect(refusal).toMatchObject({t: 'refuse', cid: 'raw-yyyyyyyy', code: 'name-invalid'});
		longName.close();
		// An unknown token in a short datagram gets nothing: the signed gone is larger than it.
		expect(refusals).toEqual([]);
		expect(hub.stats.dropped.amplification).toBe(1);
		const padded = encodeEnvelope(PROTOCOL_VERSION, 'fffffffffffffffe', '[{"t":"ping","ts":1}]'.padEnd(PING_PAD_BYTES));
		attacker.send(padded, hub.port, '127.0.0.1');
		await waitFor(() => refusals.some(body => body.includes('"gone"')), {what: 'a signed gone for a padded datagram'});
		expect(sizes.every(size => size <= padded.length)).toBe(true);
		expect(hub.stats.dropped['bad-magic']).toBe(1);
		expect(hub.stats.dropped['too-short']).toBe(1);
		expect(hub.stats.dropped['bad-json']).toBe(1);
		expect(hub.stats.dropped['bad-frame']).toBe(1);
		expect(hub.stats.dropped['unknown-token']).toBe(2);
		alice.link.send({k: 'say', text: 'still here'});
		await allReceived([bob], 1);
		expect(hub.memberNames()).toEqual(['alice', 'bob']);
		attacker.close();
	});
});

describe('a member that falls too far behind', () => {
	test('is resynchronised from history on a new stream epoch', async () => {
		hub = await startHub({rateLimit: false});
		const alice = await member('alice');
		const slow = await RawMember.connect(hub.port, 'slow');
		const received = slow.frames;
		// It never acknowledges anything, so everything piles up in its backlog at the hub.
		for (let i = 0; i < 8400; i++) {
			alice.link.send({k: 'say', text: `m${i}`});
		}

		// The welcome carries 200 events of history, so it arrives as fragments on the new epoch.
		const resyncWelcome = () => {
			const parts = new Map<number, {p: [number, number]; x: string}>();
			for (const frame of received) {
				if (frame.t === 'd' && frame.g === 1 && Array.isArray(frame.p)) {
					parts.set(frame.n as number, frame as unknown as {p: [number, number]; x: string});
				}
			}

			const first = parts.get(1);
			if (!first) {
				return undefined;
			}

			const chunks: string[] = [];
			for (let n = 1; n <= first.p[1]; n++) {
				const part = parts.get(n);
				if (!part) {
					return undefined;
				}

				chunks.push(part.x);
			}

			return JSON.parse(chunks.join('')) as Record<string, unknown>;
		};

		const welcome = (await waitFor(resyncWelcome, {
			timeoutMs: 30_000,
			what: () => `a resync welcome on epoch 1 (slow got ${received.length} frames; alice has ${alice.messages().length})`,
		})) as {k: string; resync?: boolean; history: unknown[]; members: Array<{name: string}>};
		expect(welcome.k).toBe('welcome');
		expect(welcome.resync).toBe(true);
		expect(welcome.history).toHaveLength(200);
		expect(welcome.members.map(m => m.name)).toEqual(['alice', 'slow']);
		slow.close();
	});
});
