/**
 * The member's connection on simulated time: no sockets, no timers, no clock. A scripted hub
 * (the protocol's own encoders and a reliable sender) answers it, and time moves only when the
 * test moves it, so each of these runs in milliseconds and the same way every time.
 */
import {describe, expect, test} from 'vitest';
import {MemberConnection, SILENT_MS, type MemberEvent} from '../../source/protocol/connection/member-connection.js';
import {decodeEnvelope, encodeEnvelope, NO_TOKEN} from '../../source/protocol/envelope.js';
import {decodeFrames, type Frame} from '../../source/protocol/frames.js';
import type {HubItem} from '../../source/protocol/items.js';
import {HEARTBEAT_MS, MEMBER_TIMEOUT_MS, PROTOCOL_VERSION, RATE_BURST, RATE_PER_SECOND} from '../../source/protocol/limits.js';
import {ReliableSender} from '../../source/protocol/reliable-sender.js';
import {seededRandom} from '../helpers/seeded-random.js';

const TOKEN = 'a1b2c3d4e5f60718';

/** Deterministic random bytes from a seed. */
function randomFrom(seed: number): (bytes: number) => Uint8Array {
	const next = seededRandom(seed);
	return bytes => Uint8Array.from({length: bytes}, () => Math.floor(next() * 256));
}

/** A member connection, a virtual clock, and what it sent and said, drained after each step. */
class Harness {
	now = 1_000_000;
	readonly connection: MemberConnection;
	readonly sent: Array<{at: number; token: string; frames: Frame[]}> = [];
	readonly events: Array<{at: number; event: MemberEvent}> = [];
	private readonly hub = new ReliableSender(0);

	constructor(seed = 1) {
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

	/** Takes the connection's datagrams and events. */
	drain(): void {
		for (let datagram = this.connection.pollTransmit(this.now); datagram; datagram = this.connection.pollTransmit(this.now)) {
			const envelope = decodeEnvelope(Buffer.from(datagram));
			if (!envelope.ok) {
				throw new Error('the connection sent an undecodable datagram');
			}

			const frames = decodeFrames(envelope.body);
			if (!frames.ok) {
				throw new Error('the connection sent undecodable frames');
			}

			this.sent.push({at: this.now, token: envelope.token, frames: frames.frames});
		}

		for (let event = this.connection.pollEvent(); event; event = this.connection.pollEvent()) {
			this.events.push({at: this.now, event});
		}
	}

	/** A datagram from the hub, with these frames (JSON), under `token`. */
	fromHub(frames: readonly string[], token = TOKEN): void {
		this.connection.handle(encodeEnvelope(PROTOCOL_VERSION, token, `[${frames.join(',')}]`), this.now);
		this.drain();
	}

	/** The hub's stream to the member: items as data frames. */
	hubItems(...items: HubItem[]): void {
		for (const item of items) {
			this.hub.enqueue(JSON.stringify(item));
		}

		this.fromHub(this.hub.poll(this.now));
	}

	lastCid(): string {
		const hello = this.sent.findLast(datagram => datagram.frames.some(frame => frame.t === 'hello' || frame.t === 'query'));
		const frame = hello?.frames.find(frame => frame.t === 'hello' || frame.t === 'query');
		return (frame as {cid: string}).cid;
	}

	/** Joins as `name`: the hub accepts and welcomes at once. */
	join(name = 'bob'): void {
		this.connection.ask('hello', this.now, name);
		this.drain();
		this.fromHub([JSON.stringify({t: 'accept', cid: this.lastCid()})]);
		this.hubItems({k: 'welcome', you: name, members: [{name, host: true}], history: [], rate: {perSecond: RATE_PER_SECOND, burst: RATE_BURST}});
	}

	framesOf(type: string): Array<{at: number; frame: Frame}> {
		return this.sent.flatMap(datagram => datagram.frames.filter(frame => frame.t === type).map(frame => ({at: datagram.at, frame})));
	}

	eventsOf<T extends MemberEvent['type']>(type: T): Array<Extract<MemberEvent, {type: T}>> {
		return this.events.map(entry => entry.event).filter((event): event is Extract<MemberEvent, {type: T}> => event.type === type);
	}
}

describe('the handshake on simulated time', () => {
	test('a hello is repeated at 0, 200, 600, 1400 ms and then every second, and ends in no-answer at 5 s', () => {
		const sim = new Harness();
		const start = sim.now;
		sim.connection.ask('hello', sim.now, 'bob');
		sim.drain();
		sim.advance(start + 6000);
		expect(sim.framesOf('hello').map(({at}) => at - start)).toEqual([0, 200, 600, 1400, 2400, 3400, 4400]);
		const [answer] = sim.eventsOf('answer');
		expect(answer?.answer).toMatchObject({ok: false, code: 'no-answer'});
		expect(sim.events.find(entry => entry.event.type === 'answer')?.at).toBe(start + 5400);
	});

	test('two "port unreachable" reports end it with "nothing is listening"', () => {
		const sim = new Harness();
		sim.connection.ask('hello', sim.now, 'bob');
		sim.drain();
		sim.connection.portUnreachable();
		sim.connection.portUnreachable();
		sim.advance(sim.now + 250);
		expect(sim.eventsOf('answer')[0]?.answer).toMatchObject({ok: false, code: 'no-answer', reason: expect.stringContaining('nothing is listening') as unknown});
	});

	test('a refusal with the hello\'s cid settles it; one with another cid is ignored', () => {
		const sim = new Harness();
		sim.connection.ask('hello', sim.now, 'bob');
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
		const rejoin = sim.framesOf('hello').find(({frame}) => (frame as {since?: number}).since !== undefined);
		expect(rejoin?.frame).toMatchObject({t: 'hello', name: 'bob', since: 7, prev: TOKEN});
		expect(rejoin!.at - heard).toBeGreaterThan(MEMBER_TIMEOUT_MS);
		// The hub takes it (a new session), and the member is back.
		const newToken = 'ffeeddccbbaa9988';
		sim.fromHub([JSON.stringify({t: 'accept', cid: sim.lastCid()})], newToken);
		const stream = new ReliableSender(0);
		stream.enqueue(JSON.stringify({k: 'welcome', you: 'bob', members: [{name: 'bob'}], history: []}));
		sim.fromHub(stream.poll(sim.now), newToken);
		expect(sim.eventsOf('state').at(-1)).toEqual({type: 'state', state: 'connected'});
		expect(sim.connection.sessionToken).toBe(newToken);
		expect(sim.eventsOf('lost')).toEqual([]);
	});

	test('a rejoin refused for good (banned meanwhile) ends the session', () => {
		const sim = new Harness();
		sim.join('bob');
		sim.fromHub([JSON.stringify({t: 'gone', reason: 'who?', code: 'unknown'})]);
		expect(sim.eventsOf('state')[0]).toMatchObject({state: 'reconnecting'});
		sim.fromHub([JSON.stringify({t: 'refuse', cid: sim.lastCid(), code: 'banned', reason: 'banned'})], NO_TOKEN);
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
			const cid = sim.lastCid();
			sim.fromHub([JSON.stringify({t: 'refuse', cid, code: 'name-taken', reason: 'taken'})], NO_TOKEN);
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
		sim.fromHub([JSON.stringify({t: 'gone', reason: 'who?', code: 'unknown'})]);
		sim.advance(sim.now + 80_000);
		const rejoins = sim.framesOf('hello').filter(({frame}) => (frame as {since?: number}).since !== undefined);
		const starts = new Map<string, number>();
		for (const {at, frame} of rejoins) {
			const {cid} = frame as {cid: string};
			if (!starts.has(cid)) {
				starts.set(cid, at);
			}
		}

		// Each attempt is a hello repeated until no answer at 5.4 s, then the back-off before the next.
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
