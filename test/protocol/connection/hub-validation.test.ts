/**
 * Address validation and admission on proof, on the pure hub endpoint (docs/protocol.md,
 * "Joining"; docs/security.md, abuse): before a peer is a member the hub keeps nothing for it
 * until it shows an address cookie, answers each datagram with at most one datagram no larger
 * than it, and admits a member (stamps its join, shows it, sends it history) only on its first
 * sealed datagram. Forged sources are just addresses here: the endpoint cannot tell them apart.
 */
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {HubEndpoint, type Transmit} from '../../../source/protocol/connection/hub-endpoint.js';
import {MemberConnection} from '../../../source/protocol/connection/member-connection.js';
import {decodeEnvelope, encodeEnvelope, NO_TOKEN} from '../../../source/protocol/envelope.js';
import {COOKIE_PERIOD_MS, HANDSHAKE_PAD_BYTES, MAX_UNCONFIRMED_PER_PREFIX, PING_PAD_BYTES, PROTOCOL_VERSION, UNCONFIRMED_MS} from '../../../source/protocol/limits.js';
import {toBase64} from '../../../source/protocol/secure/base64.js';
import {generateIdentity} from '../../../source/protocol/secure/identity.js';
import {systemRandom} from '../../../source/protocol/secure/random.js';
import {seededRandom} from '../../helpers/seeded-random.js';

const START = 1_000_000;
const HUB = {address: '10.0.0.1', port: 9999};

function newHub(config: {secret?: string; joinLimit?: {perSecond: number; burst: number}} = {}) {
	return new HubEndpoint<'udp'>({identity: generateIdentity(), ...config}, {random: systemRandom}, START);
}

function drain(hub: HubEndpoint<'udp'>, now: number): Array<Transmit<'udp'>> {
	const out: Array<Transmit<'udp'>> = [];
	for (let transmit = hub.pollTransmit(now); transmit; transmit = hub.pollTransmit(now)) {
		out.push(transmit);
	}

	return out;
}

function clearFrames(datagram: Uint8Array): Array<Record<string, unknown>> {
	const envelope = decodeEnvelope(Buffer.from(datagram));
	return envelope.ok && envelope.token === NO_TOKEN && (envelope.flags & 1) === 0 ? (JSON.parse(envelope.body.toString('utf8')) as Array<Record<string, unknown>>) : [];
}

const query = (cid: string, cookie?: string, pad = true) => {
	const body = JSON.stringify([{t: 'query', cid, n: toBase64(systemRandom(16)), ...(cookie === undefined ? {} : {c: cookie})}]);
	return encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, pad ? body.padEnd(HANDSHAKE_PAD_BYTES - 12) : body);
};

/** A real member connection and the hub, datagrams carried between them at once, with a clock. */
function world(secret?: string, joinLimit?: {perSecond: number; burst: number}) {
	let now = START;
	const hub = newHub({...(secret === undefined ? {} : {secret}), ...(joinLimit ? {joinLimit} : {})});
	const members = new Map<string, MemberConnection>();
	/** Datagrams a test holds back instead of delivering (by member address). */
	const hold = new Set<string>();
	const held: Array<{address: string; datagram: Uint8Array}> = [];
	const connect = (name: string, address: string) => {
		const member = new MemberConnection({address: HUB.address, port: HUB.port, ...(secret === undefined ? {} : {secret})}, {random: systemRandom}, now);
		members.set(address, member);
		member.join(name, now);
		return member;
	};

	const step = () => {
		let moved = true;
		while (moved) {
			moved = false;
			for (const [address, member] of members) {
				for (let datagram = member.pollTransmit(now); datagram; datagram = member.pollTransmit(now)) {
					moved = true;
					if (hold.has(address)) {
						held.push({address, datagram});
					} else {
						hub.handle(datagram, address, 5000, 'udp', now);
					}
				}
			}

			for (const transmit of drain(hub, now)) {
				moved = true;
				members.get(transmit.address)?.handle(transmit.datagram, now);
			}
		}
	};

	const advance = (ms: number) => {
		const end = now + ms;
		while (now < end) {
			now = Math.min(end, now + 10);
			hub.handleTimeout(now);
			for (const member of members.values()) {
				member.handleTimeout(now);
			}

			step();
		}
	};

	return {hub, connect, step, advance, hold, held, now: () => now};
}

function answers(member: MemberConnection) {
	const out = [];
	for (let event = member.pollEvent(); event; event = member.pollEvent()) {
		if (event.type === 'answer') {
			out.push(event.answer);
		}
	}

	return out;
}

describe('address validation: a stateless cookie before anything is kept', () => {
	test('a query without a cookie gets one retry, no larger than it, and the hub keeps nothing; with the cookie, the room answers', () => {
		const hub = newHub();
		const ask = query('c1');
		hub.handle(ask, '10.0.0.2', 4000, 'udp', START);
		const [retry, ...rest] = drain(hub, START);
		expect(rest).toEqual([]);
		expect(retry!.datagram.length).toBeLessThanOrEqual(ask.length);
		const [frame] = clearFrames(retry!.datagram);
		expect(frame).toMatchObject({t: 'retry', cid: 'c1'});
		expect(hub.handshakeState()).toEqual({pending: 0, unconfirmed: 0});

		const again = query('c1', frame!.c as string);
		hub.handle(again, '10.0.0.2', 4000, 'udp', START + 5);
		const [room] = drain(hub, START + 5);
		expect(clearFrames(room!.datagram)[0]).toMatchObject({t: 'room', cid: 'c1'});
		expect(room!.datagram.length).toBeLessThanOrEqual(again.length);
		expect(hub.handshakeState()).toEqual({pending: 1, unconfirmed: 0});
	});

	test('a cookie is good only for its address and port, and for 30 to 60 s', () => {
		const hub = newHub();
		hub.handle(query('c1'), '10.0.0.2', 4000, 'udp', START);
		const cookie = clearFrames(drain(hub, START)[0]!.datagram)[0]!.c as string;
		const shown = (address: string, port: number, at: number) => {
			hub.handle(query(`c${at}${port}${address}`, cookie), address, port, 'udp', at);
			return clearFrames(drain(hub, at)[0]!.datagram)[0]!.t;
		};

		expect(shown('10.0.0.3', 4000, START + 1)).toBe('retry');
		expect(shown('10.0.0.2', 4001, START + 2)).toBe('retry');
		expect(shown('10.0.0.2', 4000, START + COOKIE_PERIOD_MS - 1)).toBe('room');
		expect(shown('10.0.0.2', 4000, START + 2 * COOKIE_PERIOD_MS + 1)).toBe('retry');
	});

	test('a short query, a datagram of frames, a short datagram in another version or under an unknown token: nothing larger comes back, at most one datagram', () => {
		const hub = newHub();
		const small = query('c1', undefined, false);
		const many = encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, JSON.stringify(Array.from({length: 1024}, (_, i) => ({t: 'query', cid: `c${i}`, n: toBase64(systemRandom(16))}))));
		const shortPing = encodeEnvelope(PROTOCOL_VERSION, 'ffffffffffffffff', '[{"t":"ping","ts":1}]');
		const paddedPing = encodeEnvelope(PROTOCOL_VERSION, 'ffffffffffffffff', '[{"t":"ping","ts":1}]'.padEnd(PING_PAD_BYTES));
		const oldVersion = encodeEnvelope(PROTOCOL_VERSION - 1, NO_TOKEN, '[{"t":"hello","name":"old"}]');
		for (const [datagram, at] of [[small, 1], [many, 2], [shortPing, 3], [paddedPing, 4]] as const) {
			hub.handle(datagram, '10.0.0.2', 4000, 'udp', START + at);
			const out = drain(hub, START + at);
			expect(out.length).toBeLessThanOrEqual(1);
			expect(out.reduce((sum, transmit) => sum + transmit.datagram.length, 0)).toBeLessThanOrEqual(datagram.length);
		}

		// A hundred short datagrams in an old version within 100 ms: one refusal (an old member learns
		// why), paid for by the bytes they carried; no more within the second.
		let reflected = 0;
		for (let i = 0; i < 100; i++) {
			hub.handle(oldVersion, '10.0.0.2', 4000, 'udp', START + 10 + i);
			reflected += drain(hub, START + 10 + i).length;
		}

		expect(reflected).toBe(1);
		expect(hub.stats.dropped.amplification).toBeGreaterThan(90);
	});

	test('an old member\'s short datagrams, slowly: each refusal is paid for by bytes that address sent; a first one after a few retries', () => {
		const hub = newHub();
		const oldVersion = encodeEnvelope(PROTOCOL_VERSION - 1, NO_TOKEN, '[{"t":"query","cid":"0123456789ab","n":"AAAAAAAAAAAAAAAAAAAAAA"}]');
		let sent = 0;
		let received = 0;
		let first: number | undefined;
		for (let i = 0; i < 60; i++) {
			const at = START + i * 2000;
			hub.handle(oldVersion, '10.0.0.2', 4000, 'udp', at);
			sent += oldVersion.length;
			for (const transmit of drain(hub, at)) {
				received += transmit.datagram.length;
				first ??= i;
				expect(clearFrames(transmit.datagram)).toMatchObject([{t: 'refuse', code: 'version', versions: [PROTOCOL_VERSION]}]);
			}

			expect(received).toBeLessThanOrEqual(sent);
		}

		expect(first).toBeLessThanOrEqual(3);
		expect(received).toBeGreaterThan(sent / 2);
	});

	test('fuzz: whatever strangers send, each gets back at most one datagram per datagram, and never more bytes than it sent', () => {
		fc.assert(
			fc.property(fc.integer({min: 1, max: 2 ** 31}), seed => {
				const random = seededRandom(seed);
				const hub = newHub();
				let cookie: string | undefined;
				let oversize = 0;
				const bytesIn = new Map<string, number>();
				const bytesOut = new Map<string, number>();
				for (let i = 0; i < 60; i++) {
					const address = `10.0.${Math.floor(random() * 2)}.${1 + Math.floor(random() * 4)}`;
					const kind = Math.floor(random() * 6);
					const datagram =
						kind === 0
							? query(`c${i}`, cookie, random() < 0.5)
							: kind === 1
								? encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, JSON.stringify([{t: 'hello', cid: `c${i - 1}`, n: 'AAAA', y: 'AAAA', s: 'AAAA'}]))
								: kind === 2
									? encodeEnvelope(PROTOCOL_VERSION, Buffer.from(systemRandom(8)).toString('hex'), 'x'.repeat(Math.floor(random() * 300)))
									: kind === 3
										? encodeEnvelope(1 + Math.floor(random() * 9), NO_TOKEN, '[]')
										: kind === 4
											? Buffer.from(systemRandom(Math.floor(random() * 100)))
											: encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, JSON.stringify(Array.from({length: 20}, () => ({t: 'query', cid: 'x', n: 'AAAAAAAAAAAAAAAAAAAAAA', c: cookie}))).padEnd(1200));
					const at = START + i * 50;
					hub.handle(datagram, address, 4000, 'udp', at);
					bytesIn.set(address, (bytesIn.get(address) ?? 0) + datagram.length);
					const out = drain(hub, at);
					expect(out.length).toBeLessThanOrEqual(1);
					for (const transmit of out) {
						expect(transmit.address).toBe(address);
						bytesOut.set(address, (bytesOut.get(address) ?? 0) + transmit.datagram.length);
						// Never more bytes to an address than it sent, over the run.
						expect(bytesOut.get(address)).toBeLessThanOrEqual(bytesIn.get(address)!);
						const frames = clearFrames(transmit.datagram);
						if (transmit.datagram.length > datagram.length) {
							// The only excess: an old version's refusal, paid for by that address's earlier bytes.
							expect(frames).toMatchObject([{t: 'refuse', code: 'version'}]);
							oversize++;
						}

						const retry = frames.find(frame => frame.t === 'retry');
						cookie = random() < 0.5 && retry ? (retry.c as string) : cookie;
					}
				}

				// One a second per address at most, over the run's 3 s, from its 8 addresses.
				expect(oversize).toBeLessThanOrEqual(8 * 3);

				expect(hub.room.live()).toEqual([]);
			}),
			{numRuns: 100, seed: 15},
		);
	});
});

describe('admission on proof: a member is in the room only once it confirmed its session', () => {
	test('accepted, then admitted on its first sealed datagram: the join is stamped and the welcome sent only then', () => {
		const w = world();
		const alice = w.connect('alice', '10.0.0.2');
		w.step();
		expect(answers(alice)).toMatchObject([{ok: true}]);
		expect(w.hub.room.live().map(member => member.name)).toEqual(['alice']);

		// Bob's datagrams after the accept are held: he has his session, the room does not know him.
		const bob = w.connect('bob', '10.0.0.3');
		const sent: string[] = [];
		const original = w.hub.handle.bind(w.hub);
		w.hub.handle = (datagram, address, port, via, now) => {
			if (address === '10.0.0.3' && decodeEnvelope(Buffer.from(datagram)).ok && (decodeEnvelope(Buffer.from(datagram)) as {token: string}).token !== NO_TOKEN) {
				sent.push('session');
				w.hold.add('10.0.0.3');
				w.held.push({address, datagram});
				return;
			}

			original(datagram, address, port, via, now);
		};

		w.step();
		expect(bob.sessionToken).toBeDefined();
		expect(sent).toEqual(['session']);
		expect(w.hub.room.live().map(member => member.name)).toEqual(['alice']);
		expect(w.hub.handshakeState().unconfirmed).toBe(1);
		expect(w.hub.room.lastSeq).toBe(1);

		// The confirming datagram arrives: bob is in, his join stamped after it.
		w.hub.handle = original;
		w.hold.clear();
		for (const {address, datagram} of w.held.splice(0)) {
			w.hub.handle(datagram, address, 5000, 'udp', w.now());
		}

		w.step();
		expect(w.hub.room.live().map(member => member.name)).toEqual(['alice', 'bob']);
		expect(answers(bob)).toMatchObject([{ok: true}]);
		expect(w.hub.handshakeState().unconfirmed).toBe(0);
	});

	test('a session never confirmed is forgotten after its wait, having taken no seat and shown nothing', () => {
		const w = world();
		const alice = w.connect('alice', '10.0.0.2');
		w.step();
		answers(alice);
		const ghost = w.connect('ghost', '10.0.0.3');
		// Everything the ghost sends once accepted is lost: it never confirms.
		const original = w.hub.handle.bind(w.hub);
		w.hub.handle = (datagram, address, port, via, now) => {
			const envelope = decodeEnvelope(Buffer.from(datagram));
			if (address !== '10.0.0.3' || !envelope.ok || envelope.token === NO_TOKEN) {
				original(datagram, address, port, via, now);
			}
		};

		w.advance(UNCONFIRMED_MS / 2);
		expect(ghost.sessionToken).toBeDefined();
		expect(w.hub.handshakeState().unconfirmed).toBe(1);
		expect(w.hub.room.live().map(member => member.name)).toEqual(['alice']);
		w.advance(UNCONFIRMED_MS);
		expect(w.hub.handshakeState().unconfirmed).toBe(0);
		expect(w.hub.room.live().map(member => member.name)).toEqual(['alice']);
		expect(answers(ghost)).toMatchObject([{ok: false, code: 'no-answer'}]);
	});

	test('sessions accepted and not confirmed are capped per network: one address prefix cannot hold the hub\'s joins', () => {
		const hub = newHub();
		// Real members at real addresses that never confirm (they drop their accepts).
		const members: MemberConnection[] = [];
		let refused = 0;
		for (let i = 0; i < MAX_UNCONFIRMED_PER_PREFIX + 4; i++) {
			const member = new MemberConnection({address: HUB.address, port: HUB.port}, {random: systemRandom}, START);
			member.join(`m${i}`, START);
			members.push(member);
			const address = `10.9.9.${i + 1}`;
			for (let round = 0; round < 4; round++) {
				for (let datagram = member.pollTransmit(START); datagram; datagram = member.pollTransmit(START)) {
					const envelope = decodeEnvelope(Buffer.from(datagram));
					if (envelope.ok && envelope.token === NO_TOKEN) {
						hub.handle(datagram, address, 5000, 'udp', START);
					}
				}

				for (const transmit of drain(hub, START)) {
					member.handle(transmit.datagram, START);
				}
			}

			refused += answers(member).filter(answer => !answer.ok && answer.code === 'rate-limited').length;
		}

		expect(hub.handshakeState().unconfirmed).toBe(MAX_UNCONFIRMED_PER_PREFIX);
		expect(refused).toBe(4);
		expect(hub.room.live()).toEqual([]);
	});
});

describe('the member\'s side of address validation', () => {
	const sentFrames = (member: MemberConnection, now: number) => {
		const out: Array<{size: number; frames: Array<Record<string, unknown>>}> = [];
		for (let datagram = member.pollTransmit(now); datagram; datagram = member.pollTransmit(now)) {
			out.push({size: datagram.length, frames: clearFrames(datagram)});
		}

		return out;
	};

	const retry = (cid: string, c: string) => encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, JSON.stringify([{t: 'retry', cid, c}]));

	test('its query is padded to 1,200 bytes; a retry sends it again at once with the cookie; the same cookie twice, or a fourth retry, is not followed', () => {
		const member = new MemberConnection({address: HUB.address, port: HUB.port}, {random: systemRandom}, START);
		member.join('alice', START);
		const [first] = sentFrames(member, START);
		expect(first!.size).toBe(HANDSHAKE_PAD_BYTES);
		const cid = first!.frames[0]!.cid as string;
		expect(first!.frames[0]!.c).toBeUndefined();
		const cookies = ['AAAAAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBBBBB', 'CCCCCCCCCCCCCCCCCCCCCCC', 'DDDDDDDDDDDDDDDDDDDDDDD'];
		const followed: unknown[] = [];
		for (const [i, cookie] of [cookies[0]!, cookies[0]!, cookies[1]!, cookies[2]!, cookies[3]!].entries()) {
			member.handle(retry(cid, cookie), START + 1 + i);
			followed.push(...sentFrames(member, START + 1 + i).map(sent => sent.frames[0]!.c));
		}

		expect(followed).toEqual([cookies[0], cookies[1], cookies[2]]);
		// A retry for another join is not ours.
		member.handle(retry('elsewhere', cookies[3]!), START + 10);
		expect(sentFrames(member, START + 10)).toEqual([]);
	});

	test('with a real hub: the cookie is kept, so a rejoin within its life skips the retry', () => {
		const w = world();
		const alice = w.connect('alice', '10.0.0.2');
		const kinds: string[] = [];
		const handle = alice.handle.bind(alice);
		alice.handle = (datagram, now) => {
			kinds.push(...clearFrames(datagram).map(frame => String(frame.t)));
			handle(datagram, now);
		};

		w.step();
		expect(answers(alice)).toMatchObject([{ok: true}]);
		expect(kinds.filter(kind => kind === 'retry' || kind === 'room')).toEqual(['retry', 'room']);
		// The hub goes quiet for 11 s (it hears nothing of alice): it times her out, she rejoins.
		w.hold.add('10.0.0.2');
		w.advance(10_500);
		w.hold.clear();
		w.held.splice(0);
		w.advance(3000);
		expect(w.hub.room.live().map(member => member.name)).toEqual(['alice']);
		expect(kinds.filter(kind => kind === 'retry' || kind === 'room')).toEqual(['retry', 'room', 'room']);
	});
});

describe('a first join the hub refuses as one attempt too many', () => {
	test('tries again by itself each second until its timeout: once the limit refills, it is in', () => {
		// Burst 1, one a second per address; so 4, then 0.4 a second, per /24.
		const w = world(undefined, {perSecond: 1, burst: 1});
		const members = ['a', 'b', 'c', 'd', 'e'].map((name, i) => w.connect(name, `10.0.0.${i + 2}`));
		w.step();
		const early = members.map(member => answers(member));
		expect(early.slice(0, 4).flat()).toMatchObject([{ok: true}, {ok: true}, {ok: true}, {ok: true}]);
		// The fifth was refused for its network, and said nothing yet: it waits and asks again.
		expect(early[4]).toEqual([]);
		w.advance(4000);
		expect(answers(members[4]!)).toMatchObject([{ok: true}]);
		expect(w.hub.room.live().map(member => member.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
	});

	test('and when the limit does not refill in time, the join ends with the limit\'s reason, not "no answer"', () => {
		const w = world(undefined, {perSecond: 0.001, burst: 1});
		const first = w.connect('a', '10.0.0.2');
		w.step();
		expect(answers(first)).toMatchObject([{ok: true}]);
		// The same address again (a second connection from it).
		const second = new MemberConnection({address: HUB.address, port: HUB.port}, {random: systemRandom}, w.now());
		second.join('b', w.now());
		let now = w.now();
		const outcomes = [];
		for (let i = 0; i < 700 && outcomes.length === 0; i++) {
			now += 10;
			second.handleTimeout(now);
			w.hub.handleTimeout(now);
			for (let datagram = second.pollTransmit(now); datagram; datagram = second.pollTransmit(now)) {
				w.hub.handle(datagram, '10.0.0.2', 6000, 'udp', now);
			}

			for (let transmit = w.hub.pollTransmit(now); transmit; transmit = w.hub.pollTransmit(now)) {
				if (transmit.port === 6000) {
					second.handle(transmit.datagram, now);
				}
			}

			outcomes.push(...answers(second));
		}

		expect(outcomes).toMatchObject([{ok: false, code: 'rate-limited', reason: expect.stringMatching(/too many join attempts from your address/) as string}]);
		// Ended within its 5 s (the loop stops at the answer), after asking about once a second.
		expect(now - w.now()).toBeLessThanOrEqual(5200);
	});
});


describe('the round-trip time a member shows', () => {
	test('is not taken from the confirming ping, whose pong waits for the join to be committed', () => {
		const w = world();
		const alice = w.connect('alice', '10.0.0.2');
		// The confirming ping goes out at once; its pong comes 60 ms later, with the welcome.
		const handle = alice.handle.bind(alice);
		const late: Uint8Array[] = [];
		alice.handle = (datagram, now) => {
			if (alice.sessionToken === undefined) {
				handle(datagram, now);
			} else {
				late.push(datagram);
			}
		};

		w.step();
		expect(alice.sessionToken).toBeDefined();
		alice.handle = handle;
		for (const datagram of late) {
			alice.handle(datagram, w.now() + 60);
		}

		expect(answers(alice)).toMatchObject([{ok: true}]);
		expect(alice.rttMs).toBeUndefined();
	});
});
