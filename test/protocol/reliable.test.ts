import {describe, expect, test} from 'vitest';
import fc from 'fast-check';
import {decodeEnvelope, encodeEnvelope, HEADER_BYTES} from '../../source/protocol/envelope.js';
import {decodeFrames, type DataFrame} from '../../source/protocol/frames.js';
import {MAX_ITEM_FRAME_BYTES, MAX_SACK_RANGES, RECEIVE_WINDOW, SAFE_PAYLOAD_BYTES} from '../../source/protocol/limits.js';
import {packFrames} from '../../source/protocol/pack.js';
import {ReliableReceiver, type Delivered} from '../../source/protocol/reliable-receiver.js';
import {ReliableSender} from '../../source/protocol/reliable-sender.js';
import {seededRandom} from '../helpers/seeded-random.js';

/* ------------------------------------------------------------------ helpers */

type ParsedFrame = {t: string; g: number; n: number; e?: unknown; p?: [number, number]; x?: string};
const parse = (frame: string) => JSON.parse(frame) as ParsedFrame;
const seqs = (frames: string[]) => frames.map(frame => parse(frame).n);

function whole(n: number, e: unknown, g = 0): DataFrame {
	return {t: 'd', g, n, e} as DataFrame;
}

function fragment(n: number, index: number, count: number, x: string, g = 0): DataFrame {
	return {t: 'd', g, n, p: [index, count], x} as DataFrame;
}

/** Feeds a sender's frame (a string) to a receiver the way the net layer does: through decodeFrames. */
function toDataFrame(frame: string): DataFrame {
	const decoded = decodeFrames(`[${frame}]`);
	if (!decoded.ok || decoded.frames[0]?.t !== 'd') {
		throw new Error(`not a data frame: ${frame}`);
	}

	return decoded.frames[0] as DataFrame;
}

/* ------------------------------------------------------- simulated lossy link */

type LinkOptions = {
	seed: number;
	drop: number;
	duplicate: number;
	/** Chance that a datagram is held back long enough to overtake many others. */
	reorder: number;
	window?: number;
	epoch?: number;
	/** Payloads with the simulated time at which they are handed to the sender. */
	schedule: Array<{at: number; payload: unknown}>;
};

/** The link simulations compare payloads; which item number each came from is tested below. */
const withoutSeq = (delivered: Delivered): Delivered => (delivered.ok ? ({ok: true, value: delivered.value} as Delivered) : delivered);

type LinkResult = {delivered: Delivered[]; finishedAt: number; datagrams: number; decodeFailures: number; oversizedFrames: number};

/**
 * Runs a sender and a receiver over a simulated link that drops, duplicates, delays and reorders
 * datagrams in both directions. Every datagram crosses the real encode/decode path. Time is a
 * number: the loop jumps to the next event, so nothing sleeps.
 */
function runLink(options: LinkOptions): LinkResult {
	const random = seededRandom(options.seed);
	const sender = new ReliableSender(options.epoch ?? 0, options.window);
	const receiver = new ReliableReceiver(0);
	const delivered: Delivered[] = [];
	type Packet = {at: number; order: number; toReceiver: boolean; bytes: Buffer};
	let inTransit: Packet[] = [];
	let order = 0;
	let datagrams = 0;
	let decodeFailures = 0;
	let oversizedFrames = 0;
	const schedule = [...options.schedule].sort((a, b) => a.at - b.at);
	let nextPayload = 0;
	let now = 0;

	const transmit = (body: string, toReceiver: boolean) => {
		datagrams++;
		const bytes = encodeEnvelope(1, '0123456789abcdef', body);
		if (random() < options.drop) {
			return;
		}

		const copies = random() < options.duplicate ? 2 : 1;
		for (let copy = 0; copy < copies; copy++) {
			const held = random() < options.reorder ? 50 + random() * 400 : 0;
			inTransit.push({at: now + 1 + random() * 40 + held, order: order++, toReceiver, bytes});
		}
	};

	const pollSender = () => {
		const frames = sender.poll(now);
		for (const frame of frames) {
			if (Buffer.byteLength(frame) > MAX_ITEM_FRAME_BYTES) oversizedFrames++;
		}

		for (const body of packFrames(frames, SAFE_PAYLOAD_BYTES - HEADER_BYTES)) {
			transmit(body, true);
		}
	};

	const framesOf = (bytes: Buffer) => {
		const envelope = decodeEnvelope(bytes);
		const decoded = envelope.ok ? decodeFrames(envelope.body) : envelope;
		if (!decoded.ok) {
			decodeFailures++;
			return [];
		}

		return decoded.frames;
	};

	for (let step = 0; step < 2_000_000; step++) {
		const done = nextPayload === schedule.length && sender.idle && delivered.length >= schedule.length;
		if (done) {
			return {delivered, finishedAt: now, datagrams, decodeFailures, oversizedFrames};
		}

		let next = Number.POSITIVE_INFINITY;
		for (const packet of inTransit) next = Math.min(next, packet.at);
		if (nextPayload < schedule.length) next = Math.min(next, schedule[nextPayload]!.at);
		next = Math.min(next, sender.nextDeadline() ?? Number.POSITIVE_INFINITY);
		if (!Number.isFinite(next)) {
			throw new Error(`stalled at ${now}: backlog ${sender.backlog}, delivered ${delivered.length}/${schedule.length}`);
		}

		now = Math.max(now, next);
		if (now > 3_600_000) {
			throw new Error(`did not finish within an hour of simulated time (delivered ${delivered.length}/${schedule.length})`);
		}

		while (nextPayload < schedule.length && schedule[nextPayload]!.at <= now) {
			sender.enqueue(JSON.stringify(schedule[nextPayload++]!.payload));
		}

		const arriving = inTransit.filter(packet => packet.at <= now).sort((a, b) => a.at - b.at || a.order - b.order);
		inTransit = inTransit.filter(packet => packet.at > now);
		for (const packet of arriving) {
			if (packet.toReceiver) {
				for (const frame of framesOf(packet.bytes)) {
					if (frame.t === 'd') receiver.accept(frame);
				}

				delivered.push(...receiver.drain().map(withoutSeq));
				if (receiver.ackDue) transmit(`[${receiver.takeAck()}]`, false);
			} else {
				for (const frame of framesOf(packet.bytes)) {
					if (frame.t === 'ack') sender.onAck(frame.c, frame.s, now);
				}
			}
		}

		pollSender();
	}

	throw new Error('too many steps');
}

const bigText = (seed: number, length: number) => {
	const random = seededRandom(seed);
	const alphabet = ['a', 'b', ' ', '"', '\\', '\n', 'é', '日', '🦊', '\u0000', '<', '}', ']'];
	let out = '';
	while (out.length < length) out += alphabet[Math.floor(random() * alphabet.length)]!;
	return out;
};

const payloadArbitrary = fc.oneof(
	{arbitrary: fc.string({unit: 'binary', maxLength: 60}), weight: 4},
	{arbitrary: fc.record({k: fc.constant('say'), text: fc.string({maxLength: 200})}), weight: 3},
	{arbitrary: fc.jsonValue({maxDepth: 3}).map(value => JSON.parse(JSON.stringify(value)) as unknown), weight: 2},
	{arbitrary: fc.tuple(fc.integer(), fc.integer({min: 1000, max: 6000})).map(([seed, length]) => ({k: 'say', text: bigText(seed, length)})), weight: 1},
	{arbitrary: fc.string({unit: 'binary', minLength: 5000, maxLength: 5000}), weight: 1},
);

/* --------------------------------------------------- end-to-end over a lossy link */

describe('sender and receiver over a lossy link', () => {
	test('property: every payload is delivered exactly once and in order (drop <= 30%, dup <= 10%, reordering)', () => {
		fc.assert(
			fc.property(
				fc.integer(),
				fc.double({min: 0, max: 0.3, noNaN: true}),
				fc.double({min: 0, max: 0.1, noNaN: true}),
				fc.double({min: 0, max: 0.3, noNaN: true}),
				fc.option(fc.integer({min: 1, max: 32}), {nil: undefined}),
				fc.array(fc.tuple(fc.integer({min: 0, max: 2000}), payloadArbitrary), {minLength: 1, maxLength: 25}),
				(seed, drop, duplicate, reorder, window, timed) => {
					const schedule = timed.map(([at, payload]) => ({at, payload}));
					const result = runLink({seed, drop, duplicate, reorder, window, schedule});
					const expected = [...schedule].sort((a, b) => a.at - b.at).map(entry => ({ok: true, value: entry.payload}));
					expect(result.decodeFailures).toBe(0);
					expect(result.oversizedFrames).toBe(0);
					expect(result.delivered).toEqual(expected);
				},
			),
			{numRuns: 60},
		);
	});

	test('property: payloads big enough to fragment survive 30% loss with a small window', () => {
		fc.assert(
			fc.property(fc.integer(), fc.integer({min: 1, max: 6}), (seed, count) => {
				const schedule = Array.from({length: count}, (_, i) => ({at: i * 3, payload: {k: 'say', text: bigText(seed + i, 5000)}}));
				const result = runLink({seed, drop: 0.3, duplicate: 0.1, reorder: 0.2, window: 4, schedule});
				expect(result.delivered).toEqual(schedule.map(entry => ({ok: true, value: entry.payload})));
			}),
			{numRuns: 30},
		);
	});

	test('a clean link delivers 300 items with the default window, with a non-zero epoch', () => {
		const schedule = Array.from({length: 300}, (_, i) => ({at: Math.floor(i / 10), payload: {k: 'say', text: `message ${i}`}}));
		const result = runLink({seed: 1, drop: 0, duplicate: 0, reorder: 0, epoch: 7, schedule});
		expect(result.delivered).toEqual(schedule.map(entry => ({ok: true, value: entry.payload})));
		expect(result.decodeFailures).toBe(0);
	});

	test('seeded heavy runs: 30% drop, 10% duplication, heavy reordering, 60 mixed payloads', () => {
		for (const seed of [1, 2, 3, 42, 1234, 99_999]) {
			const schedule = Array.from({length: 60}, (_, i) => ({
				at: i * 7,
				payload: i % 10 === 3 ? {k: 'say', text: bigText(seed * 100 + i, 5000)} : {k: 'say', text: `#${i}`},
			}));
			const result = runLink({seed, drop: 0.3, duplicate: 0.1, reorder: 0.5, window: 16, schedule});
			expect(result.delivered).toEqual(schedule.map(entry => ({ok: true, value: entry.payload})));
		}
	});
});

/* ------------------------------------------------------------ sender: targeted */

describe('ReliableSender', () => {
	test('numbers items from 1 and carries the epoch', () => {
		const sender = new ReliableSender(5);
		sender.enqueue('{"k":"say","text":"a"}');
		sender.enqueue('null');
		expect(sender.poll(0)).toEqual(['{"t":"d","g":5,"n":1,"e":{"k":"say","text":"a"}}', '{"t":"d","g":5,"n":2,"e":null}']);
	});

	test('a payload whose whole frame is 1050 bytes goes whole; one byte more is fragmented', () => {
		const fits = new ReliableSender();
		fits.enqueue(JSON.stringify('a'.repeat(1022))); // 25-byte prefix + 1024 + "}" = 1050
		const [frame, ...rest] = fits.poll(0);
		expect(rest).toEqual([]);
		expect(Buffer.byteLength(frame!)).toBe(MAX_ITEM_FRAME_BYTES);

		const over = new ReliableSender();
		over.enqueue(JSON.stringify('a'.repeat(1023)));
		const frames = over.poll(0).map(parse);
		expect(frames.map(f => [f.n, f.p])).toEqual([
			[1, [0, 2]],
			[2, [1, 2]],
		]);
		expect(frames.map(f => f.x).join('')).toBe(JSON.stringify('a'.repeat(1023)));
	});

	test('property: pollWith reports each frame\'s UTF-8 length, on first sends and resends alike, whatever the payload', () => {
		fc.assert(
			fc.property(fc.array(payloadArbitrary, {minLength: 1, maxLength: 8}), fc.integer({min: 0, max: 9}), (payloads, epoch) => {
				// Two senders fed alike: one gives frames as text (poll), the other as parts with sizes (pollWith).
				const text = new ReliableSender(epoch);
				const parts = new ReliableSender(epoch);
				for (const payload of payloads) {
					const json = JSON.stringify(payload) ?? 'null';
					text.enqueue(json);
					// Half with the length given (the hub's fan-out), half counted by the sender.
					if (json.length % 2 === 0) parts.enqueue(json, Buffer.byteLength(json));
					else parts.enqueue(json);
				}

				const sizes = (now: number) => {
					const out: number[] = [];
					parts.pollWith(now, {data: (_epoch, _seq, _payload, _encoded, bytes) => out.push(bytes), frame: (_frame, bytes) => out.push(bytes)});
					return out;
				};

				const first = text.poll(0);
				const firstSizes = sizes(0);
				expect(firstSizes).toEqual(first.map(frame => Buffer.byteLength(frame)));
				for (const frame of first) expect(parse(frame).g).toBe(epoch);

				// Nothing acknowledged: after the timeout the same frames go again, with the same sizes.
				expect(text.poll(60_000)).toEqual(first);
				expect(sizes(60_000)).toEqual(firstSizes);
			}),
			{numRuns: 200},
		);
	});

	test('a stream made without keeping payloads still sends and resends, and has none to hand over', () => {
		const sender = new ReliableSender(0, 512, false);
		sender.enqueue('{"k":"say","text":"é"}');
		expect(sender.poll(0)).toEqual(['{"t":"d","g":0,"n":1,"e":{"k":"say","text":"é"}}']);
		expect(sender.pendingPayloads()).toEqual([]);
		expect(sender.poll(60_000)).toEqual(['{"t":"d","g":0,"n":1,"e":{"k":"say","text":"é"}}']);

		const keeping = new ReliableSender(0);
		keeping.enqueue('{"k":"say","text":"é"}');
		keeping.poll(0);
		expect(keeping.pendingPayloads()).toEqual(['{"k":"say","text":"é"}']);
	});

	test('a selectively acknowledged item is still handed over: the other end holds it but never delivered it', () => {
		// Found by the simulator: the hub had SACKed item 4 while 2 and 3 were lost, then forgot the
		// session; the member, taking 4 as delivered, left it out of its new stream.
		const sender = new ReliableSender(0);
		for (const text of ['a', 'b', 'c', 'd']) {
			sender.enqueue(JSON.stringify({k: 'say', text}));
		}

		sender.poll(0);
		sender.onAck(1, [[4, 4]], 10);
		expect(sender.backlog).toBe(2);
		expect(sender.pendingPayloads().map(json => (JSON.parse(json) as {text: string}).text)).toEqual(['b', 'c', 'd']);
		sender.onAck(4, undefined, 20);
		expect(sender.pendingPayloads()).toEqual([]);
	});

	test('after the clock goes back, items sent "later" are resent within one timeout, not when that time comes again', () => {
		const sender = new ReliableSender(0);
		sender.enqueue('{"k":"say","text":"a"}');
		sender.poll(1_000_000);
		expect(sender.nextDeadline()).toBeGreaterThan(1_000_000);
		sender.rebase(900_000);
		expect(sender.nextDeadline()).toBeLessThanOrEqual(900_000 + 3000);
		expect(sender.poll(sender.nextDeadline()!)).toHaveLength(1);
	});

	test('window: with window 4, poll sends at most 4 items until acks arrive', () => {
		const sender = new ReliableSender(0, 4);
		for (let i = 1; i <= 10; i++) sender.enqueue(String(i));
		expect(seqs(sender.poll(0))).toEqual([1, 2, 3, 4]);
		expect(sender.inFlight).toBe(4);
		expect(sender.poll(1)).toEqual([]);

		// Selective acks of 2..4 do not open the window while 1 is outstanding (only 1 is resent).
		sender.onAck(0, [[2, 4]], 2);
		expect(seqs(sender.poll(2))).toEqual([1]);
		expect(sender.inFlight).toBe(1);

		sender.onAck(1, undefined, 3);
		expect(seqs(sender.poll(3))).toEqual([5, 6, 7, 8]);
		expect(sender.poll(4)).toEqual([]);
		sender.onAck(6, undefined, 5);
		expect(seqs(sender.poll(5))).toEqual([9, 10]);
		sender.onAck(10, undefined, 6);
		expect(sender.idle).toBe(true);
		expect(sender.nextDeadline()).toBeUndefined();
	});

	test('RTO: no resend before it, resend at it; back-off doubles each timeout up to the cap', () => {
		const sender = new ReliableSender();
		sender.enqueue('"x"');
		const [first] = sender.poll(0);
		expect(sender.nextDeadline()).toBe(300);
		expect(sender.poll(299)).toEqual([]);

		const resendTimes: number[] = [];
		let now = 0;
		for (let i = 0; i < 8; i++) {
			now = sender.nextDeadline()!;
			expect(sender.poll(now - 1)).toEqual([]);
			expect(sender.poll(now)).toEqual([first]);
			resendTimes.push(now);
		}

		// Intervals: 300, then 600, 1200, 2400, then capped at 3000.
		const intervals = [resendTimes[0]!, ...resendTimes.slice(1).map((t, i) => t - resendTimes[i]!)];
		expect(intervals).toEqual([300, 600, 1200, 2400, 3000, 3000, 3000, 3000]);
		expect(sender.rtt.backoff).toBe(6);
		expect(sender.nextDeadline()).toBe(now + 3000);
	});

	test('RTO: an ack resets the back-off', () => {
		const sender = new ReliableSender();
		sender.enqueue('1');
		sender.poll(0);
		sender.poll(300);
		sender.poll(900);
		expect(sender.rtt.backoff).toBe(2);

		sender.onAck(1, undefined, 1000);
		expect(sender.rtt.backoff).toBe(0);
		// The item was resent, so its ack gives no RTT sample (Karn): the RTO is the initial one again.
		expect(sender.rtt.srtt).toBeUndefined();
		sender.enqueue('2');
		expect(seqs(sender.poll(1000))).toEqual([2]);
		expect(sender.nextDeadline()).toBe(1300);
	});

	test('RTO: an ack of a first transmission samples the RTT and sets the next timeout', () => {
		const sender = new ReliableSender();
		sender.enqueue('1');
		sender.poll(0);
		sender.onAck(1, undefined, 40);
		expect(sender.rtt.srtt).toBe(40);
		expect(sender.rtt.rttvar).toBe(20);
		sender.enqueue('2');
		const [second] = sender.poll(200);
		// RTO = 40 + 4 * 20 = 120: no resend before 320, a resend at 320.
		expect(sender.poll(319)).toEqual([]);
		expect(sender.poll(320)).toEqual([second]);
	});

	test('nextDeadline is the earliest in-flight deadline, not one of an item already acknowledged', () => {
		const sender = new ReliableSender();
		sender.enqueue('1');
		sender.poll(0); // deadline 300
		sender.onAck(1, undefined, 40); // RTT sample 40 -> RTO 120
		sender.enqueue('2');
		sender.poll(200); // the only item in flight: deadline 320
		expect(sender.inFlight).toBe(1);
		expect(sender.nextDeadline()).toBe(320);
	});

	test('fast resend: sacks of the 3 later items resend the missing one at once, without back-off', () => {
		const sender = new ReliableSender();
		for (let i = 1; i <= 5; i++) sender.enqueue(String(i));
		const sent = sender.poll(0);
		sender.onAck(0, [[2, 4]], 10);
		expect(sender.poll(10)).toEqual([sent[0]]);
		expect(sender.rtt.backoff).toBe(0);
		expect(sender.inFlight).toBe(2);

		// Resent once only: a further sack does not trigger it again before its own timeout.
		sender.onAck(0, [[5, 5]], 20);
		expect(sender.poll(20)).toEqual([]);
		// The timeout runs from the fast resend: srtt 10 -> RTO clamped to 50.
		expect(sender.nextDeadline()).toBe(60);
		expect(sender.poll(59)).toEqual([]);
		expect(sender.poll(60)).toEqual([sent[0]]);
		expect(sender.rtt.backoff).toBe(1);
	});

	test('fast resend: sacks of only 2 later items wait for the RTO', () => {
		const sender = new ReliableSender();
		for (let i = 1; i <= 5; i++) sender.enqueue(String(i));
		sender.poll(0);
		sender.onAck(0, [[2, 3]], 10);
		expect(sender.poll(10)).toEqual([]);
		expect(sender.inFlight).toBe(3);
	});

	test('a cumulative ack beyond what was sent is clamped: nothing unsent is lost', () => {
		const sender = new ReliableSender(0, 4);
		for (let i = 1; i <= 10; i++) sender.enqueue(String(i));
		sender.onAck(Number.MAX_SAFE_INTEGER, undefined, 0); // before anything was sent
		expect(sender.backlog).toBe(10);
		expect(seqs(sender.poll(0))).toEqual([1, 2, 3, 4]);

		sender.onAck(1000, undefined, 5);
		expect(sender.backlog).toBe(6);
		expect(sender.inFlight).toBe(0);
		const next = sender.poll(5);
		expect(seqs(next)).toEqual([5, 6, 7, 8]);
		expect(next.map(frame => parse(frame).e)).toEqual([5, 6, 7, 8]);

		sender.onAck(8, undefined, 6);
		expect(seqs(sender.poll(6))).toEqual([9, 10]);
		expect(sender.backlog).toBe(2);
	});

	test('hostile SACK ranges are harmless', () => {
		const sender = new ReliableSender(0, 4);
		for (let i = 1; i <= 10; i++) sender.enqueue(String(i));
		sender.poll(0);

		sender.onAck(0, [[4, 2]], 1); // from > to
		sender.onAck(0, [[-5, 0]], 1);
		sender.onAck(0, [[100, 200]], 1); // beyond anything sent
		sender.onAck(0, [[Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]], 1);
		sender.onAck(0, [], 1);
		expect(sender.inFlight).toBe(4);
		expect(sender.backlog).toBe(10);
		expect(sender.poll(1)).toEqual([]); // and no fast resend was triggered

		const many = Array.from({length: 100_000}, (_, i) => [i + 1000, i + 1000] as const);
		sender.onAck(0, many, 2);
		expect(sender.inFlight).toBe(4);

		// One range covering everything acknowledges what is in flight, never what is still queued.
		sender.onAck(0, [[1, Number.MAX_SAFE_INTEGER]], 3);
		expect(sender.inFlight).toBe(0);
		expect(sender.backlog).toBe(6);
		expect(seqs(sender.poll(3))).toEqual([5, 6, 7, 8]);
	});

	test('duplicate and stale acks change nothing', () => {
		const sender = new ReliableSender();
		for (let i = 1; i <= 3; i++) sender.enqueue(String(i));
		sender.poll(0);
		sender.onAck(2, undefined, 10);
		sender.onAck(2, undefined, 11);
		sender.onAck(1, undefined, 12);
		sender.onAck(0, undefined, 13);
		expect(sender.inFlight).toBe(1);
		expect(sender.backlog).toBe(1);
	});
});

/* ---------------------------------------------------------- receiver: targeted */

describe('ReliableReceiver', () => {
	test('releases in order, buffering early items', () => {
		const receiver = new ReliableReceiver();
		expect(receiver.accept(whole(2, 'b'))).toBe('new');
		expect(receiver.drain()).toEqual([]);
		expect(receiver.accept(whole(1, 'a'))).toBe('new');
		expect(receiver.drain()).toEqual([
			{ok: true, value: 'a', seq: 1, last: 1},
			{ok: true, value: 'b', seq: 2, last: 2},
		]);
		expect(receiver.delivered).toBe(2);
	});

	test('duplicates, delivered or buffered, are reported and not delivered again', () => {
		const receiver = new ReliableReceiver();
		expect(receiver.accept(whole(1, 'a'))).toBe('new');
		expect(receiver.drain()).toHaveLength(1);
		expect(receiver.accept(whole(1, 'a'))).toBe('duplicate');
		expect(receiver.accept(whole(3, 'c'))).toBe('new');
		expect(receiver.accept(whole(3, 'c'))).toBe('duplicate');
		expect(receiver.accept(whole(2, 'b'))).toBe('new');
		expect(receiver.drain()).toEqual([
			{ok: true, value: 'b', seq: 2, last: 2},
			{ok: true, value: 'c', seq: 3, last: 3},
		]);
		expect(receiver.drain()).toEqual([]);
	});

	test('items taken in order but not yet drained: a repeat is a duplicate, later items queue behind, an ack counts them as held', () => {
		const receiver = new ReliableReceiver();
		expect(receiver.accept(whole(1, 'a'))).toBe('new');
		expect(receiver.accept(whole(1, 'a'))).toBe('duplicate');
		expect(receiver.hasGap).toBe(false);
		expect(receiver.accept(whole(2, 'b'))).toBe('new');
		expect(receiver.accept(whole(1, 'a'))).toBe('duplicate');
		expect(receiver.takeAck()).toBe('{"t":"ack","g":0,"c":0,"s":[[1,2]]}');
		expect(receiver.drain()).toEqual([
			{ok: true, value: 'a', seq: 1, last: 1},
			{ok: true, value: 'b', seq: 2, last: 2},
		]);
		expect(receiver.takeAck()).toBe('{"t":"ack","g":0,"c":2}');

		// Taken in order, then an ack before the drain: held, and still delivered once.
		expect(receiver.accept(whole(3, 'c'))).toBe('new');
		expect(receiver.takeAck()).toBe('{"t":"ack","g":0,"c":2,"s":[[3,3]]}');
		expect(receiver.drain()).toEqual([{ok: true, value: 'c', seq: 3, last: 3}]);
		expect(receiver.drain()).toEqual([]);

		// A new epoch forgets an undrained item of the old one.
		expect(receiver.accept(whole(4, 'old'))).toBe('new');
		expect(receiver.accept(whole(1, 'fresh', 1))).toBe('new');
		expect(receiver.drain()).toEqual([{ok: true, value: 'fresh', seq: 1, last: 1}]);
	});

	test('items far ahead are out of window; the window slides with delivery', () => {
		const receiver = new ReliableReceiver();
		expect(receiver.accept(whole(1 + RECEIVE_WINDOW, 'far'))).toBe('out-of-window');
		expect(receiver.accept(whole(Number.MAX_SAFE_INTEGER, 'far'))).toBe('out-of-window');
		expect(receiver.accept(whole(RECEIVE_WINDOW, 'edge'))).toBe('new');
		expect(receiver.accept(whole(1, 'a'))).toBe('new');
		expect(receiver.drain()).toEqual([{ok: true, value: 'a', seq: 1, last: 1}]);
		expect(receiver.accept(whole(1 + RECEIVE_WINDOW, 'now in'))).toBe('new');
		expect(receiver.takeAck()).toBe(`{"t":"ack","g":0,"c":1,"s":[[${RECEIVE_WINDOW},${RECEIVE_WINDOW + 1}]]}`);
	});

	test('a higher epoch starts the stream over; a lower one is old-epoch', () => {
		const receiver = new ReliableReceiver();
		receiver.accept(whole(1, 'a'));
		receiver.accept(whole(3, 'old buffered'));
		expect(receiver.drain()).toEqual([{ok: true, value: 'a', seq: 1, last: 1}]);

		expect(receiver.accept(whole(1, 'fresh', 4))).toBe('new');
		expect(receiver.epoch).toBe(4);
		expect(receiver.drain()).toEqual([{ok: true, value: 'fresh', seq: 1, last: 1}]);
		expect(receiver.delivered).toBe(1);
		expect(receiver.takeAck()).toBe('{"t":"ack","g":4,"c":1}');

		expect(receiver.accept(whole(2, 'stale', 3))).toBe('old-epoch');
		expect(receiver.accept(whole(2, 'stale', 0))).toBe('old-epoch');
		expect(receiver.drain()).toEqual([]);
		expect(receiver.accept(whole(2, 'b', 4))).toBe('new');
		expect(receiver.drain()).toEqual([{ok: true, value: 'b', seq: 2, last: 2}]);
	});

	test('a higher epoch discards partial fragments of the old one silently', () => {
		const receiver = new ReliableReceiver();
		receiver.accept(fragment(1, 0, 2, '[1,'));
		expect(receiver.drain()).toEqual([]);
		receiver.accept(whole(1, 'fresh', 1));
		expect(receiver.drain()).toEqual([{ok: true, value: 'fresh', seq: 1, last: 1}]);
	});

	test('fragments join in order even when they arrive out of order', () => {
		const receiver = new ReliableReceiver();
		receiver.accept(fragment(3, 2, 3, '3]'));
		receiver.accept(fragment(2, 1, 3, '2,'));
		expect(receiver.drain()).toEqual([]);
		receiver.accept(fragment(1, 0, 3, '[1,'));
		expect(receiver.drain()).toEqual([{ok: true, value: [1, 2, 3], seq: 1, last: 3}]);
	});

	test('a fragment out of place gives an ok:false delivery, and later whole items still deliver', () => {
		const receiver = new ReliableReceiver();
		receiver.accept(fragment(1, 1, 2, '2]'));
		receiver.accept(whole(2, 'after'));
		expect(receiver.drain()).toEqual([
			{ok: false, detail: 'fragment 2/2 out of place'},
			{ok: true, value: 'after', seq: 2, last: 2},
		]);
	});

	test('an incomplete fragment run is reported before the whole item that interrupts it', () => {
		const receiver = new ReliableReceiver();
		receiver.accept(fragment(1, 0, 3, '["a",'));
		receiver.accept(fragment(2, 1, 3, '"b"'));
		receiver.accept(whole(3, 5));
		expect(receiver.drain()).toEqual([
			{ok: false, detail: 'incomplete fragments (2/3)'},
			{ok: true, value: 5, seq: 3, last: 3},
		]);
	});

	test('a fragment whose count disagrees with its run breaks the run; the next run still works', () => {
		const receiver = new ReliableReceiver();
		receiver.accept(fragment(1, 0, 2, '[1,'));
		receiver.accept(fragment(2, 1, 3, '2]'));
		receiver.accept(fragment(3, 0, 2, '['));
		receiver.accept(fragment(4, 1, 2, ']'));
		expect(receiver.drain()).toEqual([
			{ok: false, detail: 'incomplete fragments (1/2)'},
			{ok: false, detail: 'fragment 2/3 out of place'},
			{ok: true, value: [], seq: 3, last: 4},
		]);
	});

	test('a new run starting inside an old one drops the old one', () => {
		const receiver = new ReliableReceiver();
		receiver.accept(fragment(1, 0, 3, '{"a":'));
		receiver.accept(fragment(2, 0, 2, '"x'));
		receiver.accept(fragment(3, 1, 2, 'y"'));
		expect(receiver.drain()).toEqual([
			{ok: false, detail: 'incomplete fragments (1/3)'},
			{ok: true, value: 'xy', seq: 2, last: 3},
		]);
	});

	test('fragments that do not join into JSON give ok:false', () => {
		const receiver = new ReliableReceiver();
		receiver.accept(fragment(1, 0, 2, '{'));
		receiver.accept(fragment(2, 1, 2, '{'));
		receiver.accept(whole(3, true));
		expect(receiver.drain()).toEqual([
			{ok: false, detail: 'reassembled fragments are not JSON'},
			{ok: true, value: true, seq: 3, last: 3},
		]);
	});

	test('takeAck: cumulative plus SACK ranges of what is held, and clears ackDue', () => {
		const receiver = new ReliableReceiver();
		expect(receiver.takeAck()).toBe('{"t":"ack","g":0,"c":0}');
		for (const n of [1, 2, 4, 5, 7, 10, 11, 12]) receiver.accept(whole(n, n));
		expect(receiver.ackDue).toBe(true);
		receiver.drain();
		const ack = receiver.takeAck();
		expect(ack).toBe('{"t":"ack","g":0,"c":2,"s":[[4,5],[7,7],[10,12]]}');
		expect(receiver.ackDue).toBe(false);
		expect(decodeFrames(`[${ack}]`)).toEqual({ok: true, frames: [{t: 'ack', g: 0, c: 2, s: [[4, 5], [7, 7], [10, 12]]}]});

		receiver.accept(whole(3, 3));
		expect(receiver.ackDue).toBe(true);
		expect(receiver.drain().map(d => d.ok && d.value)).toEqual([3, 4, 5]);
		expect(receiver.takeAck()).toBe('{"t":"ack","g":0,"c":5,"s":[[7,7],[10,12]]}');
	});

	test('takeAck carries at most 16 SACK ranges, the lowest ones, and stays decodable', () => {
		const receiver = new ReliableReceiver();
		for (let i = 0; i < 40; i++) receiver.accept(whole(3 + 2 * i, i));
		const ack = receiver.takeAck();
		const decoded = decodeFrames(`[${ack}]`);
		expect(decoded.ok).toBe(true);
		const frame = JSON.parse(ack) as {c: number; s: Array<[number, number]>};
		expect(frame.c).toBe(0);
		expect(frame.s).toHaveLength(MAX_SACK_RANGES);
		expect(frame.s).toEqual(Array.from({length: MAX_SACK_RANGES}, (_, i) => [3 + 2 * i, 3 + 2 * i]));
	});

	test('a duplicate still makes an ack due (so a lost ack is repeated)', () => {
		const receiver = new ReliableReceiver();
		receiver.accept(whole(1, 1));
		receiver.drain();
		receiver.takeAck();
		expect(receiver.ackDue).toBe(false);
		expect(receiver.accept(whole(1, 1))).toBe('duplicate');
		expect(receiver.ackDue).toBe(true);
	});

	test('a sender\'s fragmented payload crosses to the receiver in any arrival order', () => {
		fc.assert(
			fc.property(fc.integer(), fc.integer({min: 2000, max: 12_000}), (seed, length) => {
				const sender = new ReliableSender();
				const payload = {k: 'say', text: bigText(seed, length)};
				sender.enqueue(JSON.stringify(payload));
				sender.enqueue('"after"');
				const frames = sender.poll(0).map(toDataFrame);
				expect(frames.length).toBeGreaterThan(2);
				const random = seededRandom(seed);
				const shuffled = [...frames].sort(() => random() - 0.5);
				const receiver = new ReliableReceiver();
				const delivered: Delivered[] = [];
				for (const frame of shuffled) {
					expect(receiver.accept(frame)).toBe('new');
					delivered.push(...receiver.drain().map(withoutSeq));
				}

				expect(delivered).toEqual([
					{ok: true, value: payload},
					{ok: true, value: 'after'},
				]);
			}),
			{numRuns: 50},
		);
	});

	test('property: any data frame decodeFrames accepts is safe to feed the receiver', () => {
		const pieces = fc.constantFrom('[', ']', '{', '}', '"', '1', ',', ':', 'null', '"a"', '');
		const frameLike = fc.oneof(
			fc.record({t: fc.constant('d'), g: fc.integer({min: 0, max: 2}), n: fc.integer({min: 1, max: 12}), e: fc.jsonValue({maxDepth: 1})}),
			fc.record({
				t: fc.constant('d'),
				g: fc.integer({min: 0, max: 2}),
				n: fc.integer({min: 1, max: 12}),
				p: fc.tuple(fc.integer({min: -1, max: 4}), fc.integer({min: 0, max: 4})),
				x: fc.array(pieces, {maxLength: 3}).map(parts => parts.join('')),
			}),
			fc.record({t: fc.constant('d'), g: fc.integer({min: 0, max: 2}), n: fc.integer({min: 1, max: 12})}),
		);
		fc.assert(
			fc.property(fc.array(frameLike, {maxLength: 40}), candidates => {
				const receiver = new ReliableReceiver();
				for (const candidate of candidates) {
					const decoded = decodeFrames(JSON.stringify([candidate]));
					if (!decoded.ok) continue;
					const frame = decoded.frames[0]!;
					if (frame.t !== 'd') continue;
					expect(['new', 'duplicate', 'out-of-window', 'old-epoch']).toContain(receiver.accept(frame));
					for (const delivery of receiver.drain()) {
						if (delivery.ok) expect(delivery).toHaveProperty('value');
						else expect(typeof delivery.detail).toBe('string');
					}

					expect(decodeFrames(`[${receiver.takeAck()}]`).ok).toBe(true);
				}
			}),
			{numRuns: 500},
		);
	});
});
