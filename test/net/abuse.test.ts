/**
 * The hub against an attacker on its network (issue 15), with the real CLI hub (`--host
 * --headless`, defaults: rate limits on) on 127.0.0.1. A forged source address is modelled by a
 * socket bound at that address (any 127.x address is this machine's): the hub cannot tell it
 * from a datagram forged by a raw socket, and the socket counts exactly what reaches the victim.
 * The attacker never acts on what it receives, as a blind spoofer cannot.
 */
import dgram from 'node:dgram';
import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, test} from 'vitest';
import {encodeEnvelope, NO_TOKEN} from '../../source/protocol/envelope.js';
import {fromBase64, toBase64} from '../../source/protocol/secure/base64.js';
import {memberReply, sealHello} from '../../source/protocol/secure/handshake.js';
import {systemRandom} from '../../source/protocol/secure/random.js';
import {type CliProcess, headlessHub} from '../helpers/cli-process.js';
import {clearDatagram, FORGED_KINDS} from '../helpers/forged-datagrams.js';
import {joinMember, type TestMember} from '../helpers/room.js';
import {seededRandom} from '../helpers/seeded-random.js';
import {waitFor} from '../helpers/wait-for.js';

let hub: CliProcess | undefined;
const sockets: dgram.Socket[] = [];
const members: TestMember[] = [];

afterEach(async () => {
	for (const member of members.splice(0)) {
		member.link.close();
	}

	for (const socket of sockets.splice(0)) {
		socket.close();
	}

	hub?.child.kill('SIGTERM');
	await hub?.exited();
	hub = undefined;
});

/** A socket at `address` (a victim whose address is forged, or an attacker's own), counting what it receives. */
async function socketAt(address: string): Promise<{socket: dgram.Socket; received: {bytes: number; datagrams: Buffer[]}}> {
	const socket = dgram.createSocket('udp4');
	sockets.push(socket);
	const received = {bytes: 0, datagrams: [] as Buffer[]};
	socket.on('message', datagram => {
		received.bytes += datagram.length;
		received.datagrams.push(datagram);
	});
	await new Promise<void>(resolve => {
		socket.bind(0, address, resolve);
	});
	return {socket, received};
}

const clear = clearDatagram;
const b64 = (bytes: number) => toBase64(systemRandom(bytes));

/** What a blind attacker sends in the victim's name, by kind: each kind gets a victim address of its own. */
const KINDS: Record<string, (random: () => number) => Uint8Array> = {
	...FORGED_KINDS,
	// Slowly (see SLOW): an old member retrying; each refusal is paid for by the bytes it sent, one a second at most.
	'an old version, twice a second': () => encodeEnvelope(2, NO_TOKEN, '[{"t":"query","cid":"0123456789ab","n":"AAAAAAAAAAAAAAAAAAAAAA"}]'),
};

/** Kinds sent once every 25 rounds (500 ms) rather than every round. */
const SLOW = new Set(['an old version, twice a second']);

/** The hub process's resident memory, in bytes. */
function rss(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find(entry => entry.startsWith('VmRSS:'));
	return Number(line?.match(/\d+/)?.[0]) * 1024;
}

describe('a hub that cannot be turned against others', () => {
	test('over 10 s of forged queries, hellos and junk, the bytes reaching each victim are at most the bytes sent in its name', async () => {
		const started = await headlessHub();
		hub = started.hub;
		const random = seededRandom(15);
		const victims = await Promise.all(Object.keys(KINDS).map(async (kind, index) => ({kind, sent: 0, ...(await socketAt(`127.0.0.${100 + index}`))})));
		const end = Date.now() + 10_000;
		// A datagram of every kind every 20 ms for 10 s: 500 of each (20 of the slow ones).
		let round = 0;
		await new Promise<void>(resolve => {
			const timer = setInterval(() => {
				round++;
				for (const victim of victims.filter(victim => !SLOW.has(victim.kind) || round % 25 === 0)) {
					const datagram = KINDS[victim.kind]!(random);
					victim.sent += datagram.length;
					victim.socket.send(datagram, started.port, '127.0.0.1');
				}

				if (Date.now() >= end) {
					clearInterval(timer);
					resolve();
				}
			}, 20);
		});
		// Whatever the hub still resends (a join's answer, a welcome) lands by its timeouts: a second more.
		const settled = Date.now() + 1000;
		await waitFor(() => Date.now() >= settled, {what: 'the last answers', timeoutMs: 2000});
		const factors = Object.fromEntries(victims.map(victim => [victim.kind, Number((victim.received.bytes / victim.sent).toFixed(3))]));
		console.log(`amplification toward forged addresses, by what was sent: ${JSON.stringify(factors)}`);
		for (const victim of victims) {
			expect({kind: victim.kind, factor: victim.received.bytes / victim.sent}).toEqual({kind: victim.kind, factor: expect.toSatisfy((factor: number) => factor <= 1) as number});
		}

		// One answer per datagram at most, whatever it carried.
		const manyFrames = victims.find(victim => victim.kind === '1,024 queries in one datagram')!;
		expect(manyFrames.received.datagrams.length).toBeLessThanOrEqual(500);
		// An old member still learns why it cannot join.
		expect(victims.find(victim => victim.kind === 'an old version, twice a second')!.received.datagrams.length).toBeGreaterThan(0);
	}, 30_000);
});

/**
 * A half-open join as an attacker that does own its addresses makes it: the query, the cookie,
 * the hello, the accept, and then silence (it never confirms). Resolves how it ended.
 */
async function halfOpen(port: number, address: string, name: string): Promise<'accepted' | 'refused' | 'no answer'> {
	const {socket, received} = await socketAt(address);
	const cid = b64(6);
	const nonce = systemRandom(16);
	const framesOf = () =>
		received.datagrams.flatMap(datagram => {
			try {
				return (datagram[3]! & 1) === 0 ? (JSON.parse(datagram.toString('utf8', 12)) as Array<Record<string, string>>) : [{t: 'sealed', token: datagram.toString('hex', 4, 12)}];
			} catch {
				return [];
			}
		});
	const answer = async (...what: string[]) => waitFor(() => framesOf().find(frame => what.includes(frame.t!) || frame.t === 'refuse'), {what: what.join(' or '), timeoutMs: 2000}).catch(() => undefined);
	socket.send(clear([{t: 'query', cid, n: toBase64(nonce)}], true), port, '127.0.0.1');
	// A hub that validates addresses sends a cookie first; one that does not answers at once.
	let room = await answer('retry', 'room');
	if (room?.t === 'retry') {
		socket.send(clear([{t: 'query', cid, n: toBase64(nonce), c: room.c}], true), port, '127.0.0.1');
		room = await answer('room');
	}

	if (room?.t !== 'room') {
		return room ? 'refused' : 'no answer';
	}

	const reply = memberReply({cid, memberNonce: nonce, hubNonce: fromBase64(room.n!)!, hubKey: fromBase64(room.id!)!, hubShare: fromBase64(room.y!)!, secret: undefined, random: systemRandom})!;
	socket.send(clear([{t: 'hello', cid, n: toBase64(nonce), y: toBase64(reply.share), s: toBase64(sealHello(reply.keys, JSON.stringify({name})))}], true), port, '127.0.0.1');
	// Sealed: the accept, in the new session (a token), or a refusal under the join's keys (none).
	const sealed = await waitFor(() => framesOf().find(frame => frame.t === 'sealed'), {what: 'the accept', timeoutMs: 2000}).catch(() => undefined);
	return sealed ? (sealed.token === NO_TOKEN ? 'refused' : 'accepted') : 'no answer';
}

describe('a hub that cannot be filled with ghosts', () => {
	test('1,000 forged hellos and 1,000 half-open joins from 250 addresses: the room stays open, a real member joins within a second, the hub grows by less than 20 MiB', async () => {
		const started = await headlessHub();
		hub = started.hub;
		const attack = async (network: string, joins: number) => {
			const addresses = Array.from({length: 250}, (_, i) => `${network}.${i + 1}`);
			// Blind: hellos and queries in 250 addresses' names, 4 of each per address.
			const forgers = await Promise.all(addresses.map(async address => socketAt(address)));
			for (let round = 0; round < 4; round++) {
				for (const {socket} of forgers) {
					socket.send(clear([{t: 'hello', cid: b64(6), n: b64(16), y: b64(32), s: b64(80)}], true), started.port, '127.0.0.1');
					socket.send(clear([{t: 'query', cid: b64(6), n: b64(16)}], true), started.port, '127.0.0.1');
				}
			}

			// Not blind: whole joins from each address, left half-open.
			const outcomes: Record<string, number> = {};
			for (let round = 0; round < joins; round++) {
				const ended = await Promise.all(addresses.map(async (address, i) => halfOpen(started.port, address, `ghost${round}x${i}`)));
				for (const outcome of ended) {
					outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
				}
			}

			return outcomes;
		};

		// A hub that has run a while: its heap has grown to what a busy minute needs (the same flood
		// from another network first), so what grows after is what the attack keeps.
		await attack('127.0.2', 1);
		const before = rss(hub.child.pid!);
		const outcomes = await attack('127.0.1', 4);
		console.log(`half-open joins: ${JSON.stringify(outcomes)}`);
		const joinStarted = Date.now();
		const real = await joinMember(started.port, 'real');
		members.push(real);
		const joinMs = Date.now() - joinStarted;
		const grown = rss(hub.child.pid!) - before;
		console.log(`a real member joined in ${joinMs} ms; the hub grew by ${(grown / 2 ** 20).toFixed(1)} MiB (from ${(before / 2 ** 20).toFixed(1)} MiB)`);
		expect(joinMs).toBeLessThan(1000);
		const welcome = real.items.find(item => item.k === 'welcome');
		expect(welcome?.k === 'welcome' && welcome.members.map(member => member.name)).toEqual(['real']);
		// The headless hub logs the join as it stamps it; its line may reach us after the welcome did.
		await waitFor(() => hub!.json().some(event => event.type === 'join'), {what: "the hub's log of the join"});
		expect(hub.json().filter(event => event.type === 'join').map(event => event.name)).toEqual(['real']);
		expect(grown).toBeLessThan(20 * 2 ** 20);
	}, 60_000);
});
