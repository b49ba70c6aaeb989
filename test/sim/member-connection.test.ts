/**
 * The member's connection on simulated time: no sockets, no timers, no clock. A scripted hub
 * (the protocol's own encoders, the handshake's glue and a reliable sender) answers it, and time moves only when the
 * test moves it, so each of these runs in milliseconds and the same way every time.
 */
import {describe, expect, test} from 'vitest';
import {MemberConnection, SILENT_MS, type MemberEvent} from '../../source/protocol/connection/member-connection.js';
import {SessionCipher} from '../../source/protocol/crypto.js';
import {decodeEnvelope, encodeEnvelope, encodeSealedEnvelope, FLAG_ENCRYPTED, HEADER_BYTES, NO_TOKEN} from '../../source/protocol/envelope.js';
import {decodeFrames, type Frame, type HelloFields} from '../../source/protocol/frames.js';
import type {HubItem} from '../../source/protocol/items.js';
import {HEARTBEAT_MS, MEMBER_TIMEOUT_MS, PROTOCOL_VERSION, RATE_BURST, RATE_PER_SECOND} from '../../source/protocol/limits.js';
import {ReliableSender} from '../../source/protocol/reliable-sender.js';
import {fromBase64, toBase64} from '../../source/protocol/secure/base64.js';
import {type HandshakeKeys, type HubOffer, hubOffer, openHello, signAccept} from '../../source/protocol/secure/handshake.js';
import {generateIdentity, type HubIdentity} from '../../source/protocol/secure/identity.js';
import {seededRandom} from '../helpers/seeded-random.js';

const TOKEN = 'a1b2c3d4e5f60718';

/** Deterministic random bytes from a seed. */
function randomFrom(seed: number): (bytes: number) => Uint8Array {
	const next = seededRandom(seed);
	return bytes => Uint8Array.from({length: bytes}, () => Math.floor(next() * 256));
}

/** What the scripted hub keeps of a join it answered: its offer, then the keys and cipher of the hello. */
type Join = {offer: HubOffer; keys?: HandshakeKeys; cipher?: SessionCipher; fields?: HelloFields};

/**
 * A member connection, a virtual clock, and a scripted hub: it answers queries (unless told not
 * to) with the real handshake glue, opens the hellos, and seals what it says in the session.
 * What the member sent and said is drained after each step.
 */
class Harness {
	now = 1_000_000;
	readonly connection: MemberConnection;
	readonly sent: Array<{at: number; token: string; frames: Frame[]}> = [];
	readonly events: Array<{at: number; event: MemberEvent}> = [];
	/** Whether the hub answers queries at all (false: nobody is there). */
	answerQueries = true;
	private hub = new ReliableSender(0);
	private readonly random: (bytes: number) => Uint8Array;
	private readonly identity: HubIdentity;
	private readonly joins = new Map<string, Join>();
	private session: {token: string; cipher: SessionCipher} | undefined;

	constructor(seed = 1) {
		this.random = randomFrom(seed + 1000);
		this.identity = generateIdentity(this.random);
		this.connection = new MemberConnection({address: '10.0.0.1:9999', port: 9999}, {random: randomFrom(seed)}, this.now);
	}

	/** Runs every timer due up to `until`, in order, collecting what comes out. */
	advance(until: number): void {
		for (let at = this.connection.pollTimeout(); at !== undefined && at <= until; at = this.connection.pollTimeout()) {
			this.now = Math.max(this.now, at);
			this.connection.handleTimeout(this.now);
			this.drain();
		}

		this.now = until;
	}

	/** Takes the connection's datagrams and events; answers queries and opens hellos as a hub would. */
	drain(): void {
		const queries: Array<Extract<Frame, {t: 'query'}>> = [];
		for (let datagram = this.connection.pollTransmit(this.now); datagram; datagram = this.connection.pollTransmit(this.now)) {
			const bytes = Buffer.from(datagram);
			const envelope = decodeEnvelope(bytes);
			if (!envelope.ok) {
				throw new Error('the connection sent an undecodable datagram');
			}

			const encrypted = (envelope.flags & FLAG_ENCRYPTED) !== 0;
			const body = encrypted ? this.session?.cipher.open(bytes.subarray(0, HEADER_BYTES), envelope.body) : envelope.body;
			const frames = body ? decodeFrames(body) : undefined;
			if (!frames?.ok) {
				throw new Error('the connection sent undecodable frames');
			}

			this.sent.push({at: this.now, token: envelope.token, frames: frames.frames});
			for (const frame of frames.frames) {
				if (frame.t === 'query') {
					queries.push(frame);
				} else if (frame.t === 'hello') {
					this.openHello(frame);
				}
			}
		}

		for (let event = this.connection.pollEvent(); event; event = this.connection.pollEvent()) {
			this.events.push({at: this.now, event});
		}

		for (const query of this.answerQueries ? queries : []) {
			this.answer(query);
		}
	}

	/** A datagram from the hub, with these frames (JSON), under `token`: sealed in the session when it is the session's. */
	fromHub(frames: readonly string[], token = TOKEN): void {
		const body = `[${frames.join(',')}]`;
		const session = this.session?.token === token ? this.session.cipher : undefined;
		this.connection.handle(session ? encodeSealedEnvelope(PROTOCOL_VERSION, token, body, (header, plaintext) => session.seal(header, plaintext)) : encodeEnvelope(PROTOCOL_VERSION, token, body), this.now);
		this.drain();
	}

	/** A refusal of the latest hello, sealed under its join's keys (as the hub refuses once the keys are agreed). */
	refuseSealed(code: string, reason: string): void {
		const [cid, join] = [...this.joins].findLast(([, candidate]) => candidate.cipher)!;
		const body = JSON.stringify([{t: 'refuse', cid, code, reason}]);
		this.connection.handle(encodeSealedEnvelope(PROTOCOL_VERSION, NO_TOKEN, body, (header, plaintext) => join.cipher!.seal(header, plaintext)), this.now);
		this.drain();
	}

	/** Accepts the latest hello under `token`: a new session (and a new stream to the member). */
	accept(token = TOKEN): void {
		const [cid, join] = [...this.joins].findLast(([, candidate]) => candidate.cipher)!;
		this.session = {token, cipher: join.cipher!};
		this.hub = new ReliableSender(0);
		this.fromHub([JSON.stringify({t: 'accept', cid, sig: toBase64(signAccept(this.identity.secretKey, join.keys!.transcript, token))})], token);
	}

	/** The hub's stream to the member: items as data frames. */
	hubItems(...items: HubItem[]): void {
		for (const item of items) {
			this.hub.enqueue(JSON.stringify(item));
		}

		this.fromHub(this.hub.poll(this.now), this.session?.token);
	}

	lastCid(): string {
		const hello = this.sent.findLast(datagram => datagram.frames.some(frame => frame.t === 'hello' || frame.t === 'query'));
		const frame = hello?.frames.find(frame => frame.t === 'hello' || frame.t === 'query');
		return (frame as {cid: string}).cid;
	}

	/** The fields of every hello the hub opened, with when it was sent. */
	hellos(): Array<{at: number; cid: string; fields: HelloFields}> {
		return this.framesOf('hello').flatMap(({at, frame}) => {
			const {cid} = frame as {cid: string};
			const fields = this.joins.get(cid)?.fields;
			return fields ? [{at, cid, fields}] : [];
		});
	}

	/** Joins as `name`: the hub answers, accepts and welcomes at once. */
	join(name = 'bob'): void {
		this.connection.join(name, this.now);
		this.drain();
		this.accept();
		this.hubItems({k: 'welcome', you: name, members: [{name, host: true}], history: [], rate: {perSecond: RATE_PER_SECOND, burst: RATE_BURST}});
	}

	framesOf(type: string): Array<{at: number; frame: Frame}> {
		return this.sent.flatMap(datagram => datagram.frames.filter(frame => frame.t === type).map(frame => ({at: datagram.at, frame})));
	}

	eventsOf<T extends MemberEvent['type']>(type: T): Array<Extract<MemberEvent, {type: T}>> {
		return this.events.map(entry => entry.event).filter((event): event is Extract<MemberEvent, {type: T}> => event.type === type);
	}

	private answer(query: Extract<Frame, {t: 'query'}>): void {
		let join = this.joins.get(query.cid);
		if (!join) {
			join = {offer: hubOffer({cid: query.cid, memberNonce: fromBase64(query.n)!, hubKey: this.identity.publicKey, secret: undefined, random: this.random})};
			this.joins.set(query.cid, join);
		}

		const {offer} = join;
		this.fromHub([JSON.stringify({t: 'room', cid: query.cid, secret: false, id: toBase64(this.identity.publicKey), n: toBase64(offer.nonce), y: toBase64(offer.share)})], NO_TOKEN);
	}

	private openHello(frame: Extract<Frame, {t: 'hello'}>): void {
		const join = this.joins.get(frame.cid);
		if (!join) {
			return;
		}

		join.keys ??= join.offer.finish(fromBase64(frame.y)!);
		join.cipher ??= new SessionCipher(Buffer.from(join.keys!.session.hubToMember), Buffer.from(join.keys!.session.memberToHub));
		const fields = openHello(join.keys!, fromBase64(frame.s)!);
		join.fields = fields === undefined ? undefined : (JSON.parse(fields) as HelloFields);
	}
}

describe('the handshake on simulated time', () => {
	test("a join's query is repeated at 0, 200, 600, 1400 ms and then every second, and ends in no-answer at 5 s", () => {
		const sim = new Harness();
		sim.answerQueries = false;
		const start = sim.now;
		sim.connection.join('bob', sim.now);
		sim.drain();
		sim.advance(start + 6000);
		expect(sim.framesOf('query').map(({at}) => at - start)).toEqual([0, 200, 600, 1400, 2400, 3400, 4400]);
		const [answer] = sim.eventsOf('answer');
		expect(answer?.answer).toMatchObject({ok: false, code: 'no-answer'});
		expect(sim.events.find(entry => entry.event.type === 'answer')?.at).toBe(start + 5400);
	});

	test('two "port unreachable" reports end it with "nothing is listening"', () => {
		const sim = new Harness();
		sim.answerQueries = false;
		sim.connection.join('bob', sim.now);
		sim.drain();
		sim.connection.portUnreachable();
		sim.connection.portUnreachable();
		sim.advance(sim.now + 250);
		expect(sim.eventsOf('answer')[0]?.answer).toMatchObject({ok: false, code: 'no-answer', reason: expect.stringContaining('nothing is listening') as unknown});
	});

	test('a refusal with the hello\'s cid settles it; one with another cid is ignored', () => {
		const sim = new Harness();
		sim.answerQueries = false;
		sim.connection.join('bob', sim.now);
		sim.drain();
		sim.fromHub([JSON.stringify({t: 'refuse', cid: 'not-ours', code: 'name-taken', reason: 'no'})], NO_TOKEN);
		expect(sim.eventsOf('answer')).toEqual([]);
		sim.fromHub([JSON.stringify({t: 'refuse', cid: sim.lastCid(), code: 'name-taken', reason: 'the name "bob" is taken'})], NO_TOKEN);
		expect(sim.eventsOf('answer')[0]?.answer).toEqual({ok: false, code: 'name-taken', reason: 'the name "bob" is taken'});
	});

	test('accept then welcome: the answer, then the welcome as the first item', () => {
		const sim = new Harness();
		sim.join('bob');
		expect(sim.events.map(entry => entry.event.type)).toEqual(['answer', 'item']);
		expect(sim.connection.sessionToken).toBe(TOKEN);
	});
});

describe('once joined, on simulated time', () => {
	test('messages go out at 90% of the hub\'s rate: a burst of 18, then one every 112 ms', () => {
		const sim = new Harness();
		sim.join();
		const start = sim.now;
		for (let index = 0; index < 40; index++) {
			sim.connection.send({k: 'say', text: `m${index}`}, sim.now);
		}

		sim.drain();
		sim.advance(start + 3000);
		const firstSends = new Map<string, number>();
		for (const {at, frame} of sim.framesOf('d')) {
			const text = (frame as {e?: {text?: string}}).e?.text;
			if (text && !firstSends.has(text)) {
				firstSends.set(text, at - start);
			}
		}

		const times = [...firstSends.values()];
		expect(times.slice(0, 18).every(at => at === 0)).toBe(true);
		const gaps = times.slice(18).map((at, index) => at - (times[17 + index] ?? 0));
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(111);
		expect(firstSends.size).toBe(40);
	});

	test('an idle member sends a heartbeat every 2 s', () => {
		const sim = new Harness();
		sim.join();
		const start = sim.now;
		// The hub keeps answering (pongs), so nothing else happens.
		for (let step = 1; step <= 4; step++) {
			sim.advance(start + step * HEARTBEAT_MS);
			sim.fromHub([JSON.stringify({t: 'pong', ts: sim.now})]);
		}

		const pings = sim.framesOf('ping').map(({at}) => at - start);
		expect(pings.length).toBeGreaterThanOrEqual(3);
		for (const [index, at] of pings.entries()) {
			expect(at - (pings[index - 1] ?? 0)).toBeGreaterThanOrEqual(index === 0 ? 0 : HEARTBEAT_MS);
		}
	});

	test('silence: reconnecting after 5 s, then a rejoin hello with since and prev after 10 s; the hub\'s welcome ends it', () => {
		const sim = new Harness();
		sim.join('bob');
		sim.hubItems({k: 'msg', seq: 7, time: 1, from: 'alice', text: 'hi'});
		const heard = sim.now;
		sim.advance(heard + MEMBER_TIMEOUT_MS + 1000);
		const states = sim.eventsOf('state');
		expect(states[0]).toMatchObject({state: 'reconnecting'});
		const reconnectingAt = sim.events.find(entry => entry.event.type === 'state')!.at;
		expect(reconnectingAt - heard).toBeGreaterThan(SILENT_MS);
		expect(reconnectingAt - heard).toBeLessThanOrEqual(SILENT_MS + HEARTBEAT_MS / 4);
		const rejoin = sim.hellos().find(({fields}) => fields.since !== undefined);
		expect(rejoin?.fields).toMatchObject({name: 'bob', since: 7, prev: TOKEN});
		expect(rejoin!.at - heard).toBeGreaterThan(MEMBER_TIMEOUT_MS);
		// The hub takes it (a new session), and the member is back.
		const newToken = 'ffeeddccbbaa9988';
		sim.accept(newToken);
		sim.hubItems({k: 'welcome', you: 'bob', members: [{name: 'bob'}], history: []});
		expect(sim.eventsOf('state').at(-1)).toEqual({type: 'state', state: 'connected'});
		expect(sim.connection.sessionToken).toBe(newToken);
		expect(sim.eventsOf('lost')).toEqual([]);
	});

	test('a rejoin refused for good (banned meanwhile) ends the session', () => {
		const sim = new Harness();
		sim.join('bob');
		sim.fromHub([JSON.stringify({t: 'gone', reason: 'who?', code: 'unknown'})]);
		expect(sim.eventsOf('state')[0]).toMatchObject({state: 'reconnecting'});
		sim.refuseSealed('banned', 'banned');
		expect(sim.eventsOf('lost')[0]?.reason).toContain('could not rejoin 10.0.0.1:9999: banned');
	});

	test('a rejoin refused for its name is tried again while the hub may still hold our own old session, then ends the session', () => {
		const sim = new Harness();
		sim.join('bob');
		const start = sim.now;
		sim.fromHub([JSON.stringify({t: 'gone', reason: 'who?', code: 'unknown'})]);
		let refusals = 0;
		// The hub times out a silent session after MEMBER_TIMEOUT_MS: until then the name may be our own.
		while (sim.eventsOf('lost').length === 0 && sim.now - start < MEMBER_TIMEOUT_MS + 10_000) {
			sim.refuseSealed('name-taken', 'taken');
			refusals++;
			if (sim.now - start < MEMBER_TIMEOUT_MS) {
				expect(sim.eventsOf('lost')).toEqual([]);
			}

			sim.advance(sim.now + 1000);
		}

		expect(refusals).toBeGreaterThan(3);
		expect(sim.eventsOf('lost')[0]?.reason).toContain('could not rejoin 10.0.0.1:9999: taken');
	});

	test('a rejoin nobody answers is tried again with back-off (500 ms, doubling, at most 8 s), never given up', () => {
		const sim = new Harness();
		sim.join('bob');
		sim.answerQueries = false;
		const joined = sim.lastCid();
		sim.fromHub([JSON.stringify({t: 'gone', reason: 'who?', code: 'unknown'})]);
		sim.advance(sim.now + 80_000);
		const rejoins = sim.framesOf('query').filter(({frame}) => (frame as {cid: string}).cid !== joined);
		const starts = new Map<string, number>();
		for (const {at, frame} of rejoins) {
			const {cid} = frame as {cid: string};
			if (!starts.has(cid)) {
				starts.set(cid, at);
			}
		}

		// Each attempt is a query repeated until no answer at 5.4 s, then the back-off before the next.
		const firsts = [...starts.values()];
		const waits = firsts.slice(1).map((at, index) => at - firsts[index]! - 5400);
		expect(waits.slice(0, 6)).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
		expect(sim.eventsOf('lost')).toEqual([]);
	});

	test('"gone: removed" ends the session with the hub\'s reason', () => {
		const sim = new Harness();
		sim.join('bob');
		sim.fromHub([JSON.stringify({t: 'gone', reason: 'kicked by the host', code: 'removed'})]);
		expect(sim.eventsOf('lost')).toEqual([{type: 'lost', reason: 'the hub at 10.0.0.1:9999 ended this session: kicked by the host'}]);
	});

	test('datagrams under another token are ignored', () => {
		const sim = new Harness();
		sim.join('bob');
		const before = sim.events.length;
		const stranger = new ReliableSender(0);
		stranger.enqueue(JSON.stringify({k: 'msg', seq: 9, time: 1, from: 'eve', text: 'forged'}));
		sim.fromHub(stranger.poll(sim.now), '1111111111111111');
		expect(sim.events.length).toBe(before);
	});

	test('the same seed gives the same datagrams, byte for byte', () => {
		const run = (seed: number) => {
			const sim = new Harness(seed);
			sim.join('bob');
			sim.connection.send({k: 'say', text: 'hello'}, sim.now);
			sim.drain();
			sim.advance(sim.now + 30_000);
			return JSON.stringify(sim.sent);
		};

		expect(run(7)).toBe(run(7));
		expect(run(7)).not.toBe(run(8));
	});
});
