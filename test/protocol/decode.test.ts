import {describe, expect, test} from 'vitest';
import fc from 'fast-check';
import {decodeEnvelope, encodeEnvelope, type DecodeErrorCode} from '../../source/protocol/envelope.js';
import {decodeFrames, encodeFrame, type Frame} from '../../source/protocol/frames.js';
import {decodeHubItem, decodeMemberRequest, type HubItem, type MemberRequest} from '../../source/protocol/items.js';
import {MAX_FRAGMENTS, MAX_SACK_RANGES, MAX_TEXT_BYTES} from '../../source/protocol/limits.js';
import {utf8Bytes} from '../../source/protocol/sanitize.js';

/* ------------------------------------------------------------------ helpers */

const errorCodes = new Set<DecodeErrorCode>(['too-short', 'too-long', 'bad-magic', 'bad-flags', 'bad-json', 'bad-frame', 'bad-payload']);

/** Every outcome is {ok: true, ...} or a typed {ok: false, code, detail}. */
function expectTypedOutcome(result: {ok: boolean; code?: unknown; detail?: unknown}): void {
	if (result.ok) {
		return;
	}

	expect(errorCodes.has(result.code as DecodeErrorCode)).toBe(true);
	expect(typeof result.detail).toBe('string');
}

function expectItemOutcome(result: {ok: boolean; detail?: unknown; value?: unknown}): void {
	expect(typeof result.ok).toBe('boolean');
	if (!result.ok) {
		expect(typeof result.detail).toBe('string');
	}
}

/** Runs the whole decode pipeline a datagram goes through; must never throw. */
function decodeAll(bytes: Buffer): void {
	const envelope = decodeEnvelope(bytes);
	expectTypedOutcome(envelope);
	if (!envelope.ok) {
		return;
	}

	const frames = decodeFrames(envelope.body);
	expectTypedOutcome(frames);
	if (!frames.ok) {
		return;
	}

	for (const frame of frames.frames) {
		if (frame.t === 'd' && 'e' in frame) {
			expectItemOutcome(decodeHubItem(frame.e));
			expectItemOutcome(decodeMemberRequest(frame.e));
		}
	}
}

/** JSON cannot carry -0: normalise it so deep equality compares what the wire can say. */
function noNegativeZero(value: number): number {
	return Object.is(value, -0) ? 0 : value;
}

/* ------------------------------------------------------------ frame arbitraries */

/** Code points from the whole Unicode range; `maxCodePoints` of them fit twice as many UTF-16 units. */
const text = (minLength: number, maxCodePoints: number) => fc.string({unit: 'binary', minLength, maxLength: maxCodePoints});

const cid = text(1, 32);
/** base64url text, as the handshake's binary fields travel. */
const b64 = (maxLength: number) => fc.string({unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength});
const epoch = fc.integer({min: 0, max: 0xff_ff_ff_ff});
const seq = fc.integer({min: 1, max: Number.MAX_SAFE_INTEGER});
const timestamp = fc.double({noNaN: true, noDefaultInfinity: true}).map(noNegativeZero);
const jsonPayload = fc.jsonValue({maxDepth: 4}).map(value => JSON.parse(JSON.stringify(value)) as unknown);

const frameArbitraries = {
	query: fc.record({t: fc.constant('query' as const), cid, n: b64(24)}),
	room: fc.record({t: fc.constant('room' as const), cid, secret: fc.boolean(), id: b64(44), n: b64(24), y: b64(44)}),
	hello: fc.record({t: fc.constant('hello' as const), cid, n: b64(24), y: b64(44), s: b64(2048)}),
	accept: fc.record({t: fc.constant('accept' as const), cid, sig: b64(88)}),
	refuse: fc.record(
		{
			t: fc.constant('refuse' as const),
			cid,
			code: text(0, 32),
			reason: text(0, 500),
			versions: fc.array(fc.integer(), {maxLength: 16}),
		},
		{requiredKeys: ['t', 'code', 'reason']},
	),
	gone: fc.record({t: fc.constant('gone' as const), reason: text(0, 500)}),
	'd (whole)': fc.record({t: fc.constant('d' as const), g: epoch, n: seq, e: jsonPayload}),
	'd (fragment)': fc
		.record({
			t: fc.constant('d' as const),
			g: epoch,
			n: seq,
			count: fc.integer({min: 2, max: MAX_FRAGMENTS}),
			index: fc.nat(),
			x: text(0, 2048),
		})
		.map(({t, g, n, count, index, x}) => ({t, g, n, p: [index % count, count] as [number, number], x})),
	ack: fc.record(
		{
			t: fc.constant('ack' as const),
			g: epoch,
			c: fc.maxSafeNat(),
			s: fc.array(fc.tuple(seq, seq), {maxLength: MAX_SACK_RANGES}),
		},
		{requiredKeys: ['t', 'g', 'c']},
	),
	ping: fc.record({t: fc.constant('ping' as const), ts: timestamp}),
	pong: fc.record({t: fc.constant('pong' as const), ts: timestamp}),
} satisfies Record<string, fc.Arbitrary<Frame>>;

const anyFrame: fc.Arbitrary<Frame> = fc.oneof(...Object.values(frameArbitraries));

/* ------------------------------------------------------------- item arbitraries */

const itemText = text(0, MAX_TEXT_BYTES / 4); // at most 4 UTF-8 bytes per code point: <= 4000 bytes
const name = text(1, 32);
const nat = fc.maxSafeNat();

const requestArbitraries = {
	say: fc.record({k: fc.constant('say' as const), text: itemText}),
	me: fc.record({k: fc.constant('me' as const), text: itemText}),
	dm: fc.record({k: fc.constant('dm' as const), to: name, text: itemText}),
	nick: fc.record({k: fc.constant('nick' as const), name}),
	leave: fc.record({k: fc.constant('leave' as const)}),
} satisfies Record<string, fc.Arbitrary<MemberRequest>>;

const sha256 = fc.string({unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64});

const eventArbitraries = {
	msg: fc.record(
		{k: fc.constant('msg' as const), seq: nat, time: nat, from: name, text: itemText, me: fc.boolean()},
		{requiredKeys: ['k', 'seq', 'time', 'from', 'text']},
	),
	dm: fc.record({k: fc.constant('dm' as const), seq: nat, time: nat, from: name, to: name, text: itemText}),
	join: fc.record(
		{k: fc.constant('join' as const), seq: nat, time: nat, name, host: fc.boolean()},
		{requiredKeys: ['k', 'seq', 'time', 'name']},
	),
	leave: fc.record({k: fc.constant('leave' as const), seq: nat, time: nat, name, reason: text(0, 100)}),
	nick: fc.record({k: fc.constant('nick' as const), seq: nat, time: nat, from: name, to: name}),
	offer: fc.record(
		{
			k: fc.constant('offer' as const),
			seq: nat,
			time: nat,
			id: text(1, 32),
			name: text(1, 300),
			size: nat,
			from: name,
			sha256,
			complete: fc.boolean(),
			failed: text(0, 250),
		},
		{requiredKeys: ['k', 'seq', 'time', 'id', 'name', 'size', 'from', 'complete']},
	),
} satisfies Record<string, fc.Arbitrary<HubItem>>;

const anyEvent = fc.oneof(...Object.values(eventArbitraries));

const hubOnlyArbitraries = {
	welcome: fc.record(
		{
			k: fc.constant('welcome' as const),
			you: name,
			members: fc.array(fc.record({name, host: fc.boolean()}, {requiredKeys: ['name']}), {maxLength: 5}),
			history: fc.array(anyEvent, {maxLength: 5}),
			resync: fc.boolean(),
			transferPort: fc.integer({min: 0, max: 65_535}),
		},
		{requiredKeys: ['k', 'you', 'members', 'history']},
	),
	notice: fc.record(
		{k: fc.constant('notice' as const), level: fc.constantFrom('info' as const, 'error' as const), code: text(0, 32), text: text(0, 1000)},
		{requiredKeys: ['k', 'level', 'text']},
	),
} satisfies Record<string, fc.Arbitrary<HubItem>>;

function validDatagram(frames: Frame[]): Buffer {
	return encodeEnvelope(1, '00112233aabbccdd', JSON.stringify(frames));
}

/* ---------------------------------------------------------------- never throws */

describe('decoding untrusted input never throws', () => {
	test('property: arbitrary bytes through envelope and frames', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 2000}), bytes => {
				decodeAll(Buffer.from(bytes));
				expectTypedOutcome(decodeFrames(Buffer.from(bytes)));
			}),
			{numRuns: 500},
		);
	});

	test('property: arbitrary bytes behind a valid header', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 2000}), fc.constantFrom(0, 1), (bytes, flags) => {
				const header = encodeEnvelope(1, '0000000000000000', '', flags);
				decodeAll(Buffer.concat([header, Buffer.from(bytes)]));
			}),
			{numRuns: 300},
		);
	});

	test('property: arbitrary JSON values as a body, as a frame and as an item', () => {
		fc.assert(
			fc.property(fc.jsonValue(), value => {
				expectTypedOutcome(decodeFrames(JSON.stringify(value) ?? 'null'));
				expectTypedOutcome(decodeFrames(JSON.stringify([value])));
				expectItemOutcome(decodeMemberRequest(value));
				expectItemOutcome(decodeHubItem(value));
			}),
			{numRuns: 500},
		);
	});

	test('property: arbitrary JavaScript values as items', () => {
		const anything = fc.anything({
			withBigInt: true,
			withBoxedValues: true,
			withDate: true,
			withMap: true,
			withSet: true,
			withNullPrototype: true,
			withObjectString: true,
			withSparseArray: true,
			withTypedArray: true,
			withUnicodeString: true,
		});
		fc.assert(
			fc.property(anything, value => {
				expectItemOutcome(decodeMemberRequest(value));
				expectItemOutcome(decodeHubItem(value));
			}),
			{numRuns: 500},
		);
	});

	test('property: objects that look almost like frames', () => {
		const keys = fc.constantFrom('t', 'cid', 'name', 'hk', 'code', 'reason', 'versions', 'g', 'n', 'e', 'p', 'x', 'c', 's', 'ts');
		const value = fc.oneof(
			fc.jsonValue({maxDepth: 2}),
			fc.integer({min: -3, max: 3}),
			fc.tuple(fc.integer({min: -1, max: 4}), fc.integer({min: -1, max: 4})),
			fc.array(fc.tuple(fc.integer({min: -1, max: 9}), fc.integer({min: -1, max: 9})), {maxLength: 20}),
		);
		const frameLike = fc
			.tuple(fc.constantFrom('hello', 'accept', 'refuse', 'gone', 'd', 'ack', 'ping', 'pong', 'D', ''), fc.dictionary(keys, value, {maxKeys: 6}))
			.map(([t, rest]) => ({...rest, t}));
		fc.assert(
			fc.property(fc.array(frameLike, {maxLength: 5}), frames => {
				const result = decodeFrames(JSON.stringify(frames));
				expectTypedOutcome(result);
				if (result.ok) {
					expect(result.frames.length).toBe(frames.length);
				}
			}),
			{numRuns: 1000},
		);
	});

	test('property: objects that look almost like items', () => {
		const keys = fc.constantFrom('k', 'text', 'to', 'name', 'seq', 'time', 'from', 'me', 'host', 'reason', 'id', 'size', 'sha256', 'complete', 'failed', 'you', 'members', 'history', 'level');
		const value = fc.oneof(fc.jsonValue({maxDepth: 2}), fc.nat(), fc.string({maxLength: 3}), fc.boolean());
		const itemLike = fc
			.tuple(fc.constantFrom('say', 'me', 'dm', 'nick', 'leave', 'msg', 'join', 'offer', 'welcome', 'notice', 'x'), fc.dictionary(keys, value, {maxKeys: 8}))
			.map(([k, rest]) => ({...rest, k}));
		fc.assert(
			fc.property(itemLike, item => {
				expectItemOutcome(decodeMemberRequest(item));
				expectItemOutcome(decodeHubItem(item));
			}),
			{numRuns: 1000},
		);
	});

	test('property: mutated valid datagrams (flip, insert, delete bytes)', () => {
		const mutation = fc.oneof(
			fc.record({op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({min: 0, max: 7})}),
			fc.record({op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({min: 0, max: 255})}),
			fc.record({op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({minLength: 1, maxLength: 4})}),
			fc.record({op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({min: 1, max: 4})}),
		);
		fc.assert(
			fc.property(fc.array(anyFrame, {minLength: 1, maxLength: 4}), fc.array(mutation, {minLength: 1, maxLength: 8}), (frames, mutations) => {
				let bytes = [...validDatagram(frames)];
				for (const m of mutations) {
					const at = bytes.length === 0 ? 0 : m.at % bytes.length;
					if (m.op === 'flip') {
						if (bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << m.bit);
					} else if (m.op === 'set') {
						if (bytes.length > 0) bytes[at] = m.byte;
					} else if (m.op === 'insert') {
						bytes = [...bytes.slice(0, at), ...m.bytes, ...bytes.slice(at)];
					} else {
						bytes.splice(at, m.count);
					}
				}

				decodeAll(Buffer.from(bytes));
			}),
			{numRuns: 1000},
		);
	});

	test('deeply nested and huge bodies are refused, not thrown', () => {
		const deep = '['.repeat(30_000) + ']'.repeat(30_000);
		expect(decodeFrames(deep)).toMatchObject({ok: false, code: 'bad-frame'});
		const deepPayload = `[{"t":"d","g":0,"n":1,"e":${'['.repeat(20_000)}${']'.repeat(20_000)}}]`;
		expect(decodeFrames(deepPayload).ok).toBe(true);
		expect(decodeFrames(`[${'{"t":"ping","ts":1},'.repeat(1024)}{"t":"ping","ts":1}]`)).toMatchObject({ok: false, code: 'bad-frame'});
		expect(decodeFrames(`[${Array.from({length: 1024}, () => '{"t":"ping","ts":1}').join(',')}]`).ok).toBe(true);
		expect(decodeFrames('')).toMatchObject({ok: false, code: 'bad-json'});
		expect(decodeFrames(Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({ok: false, code: 'bad-json'});
	});
});

/* ------------------------------------------------------------------ round trips */

describe('every valid frame round-trips through envelope and frames', () => {
	for (const [kind, arbitrary] of Object.entries(frameArbitraries)) {
		test(`property: ${kind}`, () => {
			fc.assert(
				fc.property(arbitrary, fc.integer({min: 0, max: 255}), (frame, version) => {
					const datagram = encodeEnvelope(version, 'fedcba9876543210', `[${encodeFrame(frame)}]`);
					const envelope = decodeEnvelope(datagram);
					expect(envelope.ok).toBe(true);
					if (!envelope.ok) return;
					expect(envelope.version).toBe(version);
					const decoded = decodeFrames(envelope.body);
					expect(decoded).toEqual({ok: true, frames: [frame]});
				}),
				{numRuns: 200},
			);
		});
	}

	test('property: several frames of mixed kinds share one datagram, in order', () => {
		fc.assert(
			fc.property(fc.array(anyFrame, {minLength: 1, maxLength: 12}), frames => {
				const envelope = decodeEnvelope(validDatagram(frames));
				expect(envelope.ok).toBe(true);
				if (!envelope.ok) return;
				expect(decodeFrames(envelope.body)).toEqual({ok: true, frames});
			}),
			{numRuns: 300},
		);
	});
});

describe('every valid item round-trips through JSON and decode', () => {
	for (const [kind, arbitrary] of Object.entries(requestArbitraries)) {
		test(`property: member request ${kind}`, () => {
			fc.assert(
				fc.property(arbitrary, request => {
					expect(utf8Bytes(JSON.stringify(request))).toBeLessThan(MAX_TEXT_BYTES + 400);
					expect(decodeMemberRequest(JSON.parse(JSON.stringify(request)))).toEqual({ok: true, value: request});
				}),
				{numRuns: 200},
			);
		});
	}

	for (const [kind, arbitrary] of Object.entries({...eventArbitraries, ...hubOnlyArbitraries})) {
		test(`property: hub item ${kind}`, () => {
			fc.assert(
				fc.property(arbitrary, item => {
					expect(decodeHubItem(JSON.parse(JSON.stringify(item)))).toEqual({ok: true, value: item});
				}),
				{numRuns: 200},
			);
		});
	}

	test('texts of exactly 4000 UTF-8 bytes and names of exactly 32 characters decode', () => {
		const texts = ['a'.repeat(4000), '🎉'.repeat(1000), 'é'.repeat(2000), `${'日'.repeat(1333)}a`];
		for (const t of texts) {
			expect(utf8Bytes(t)).toBe(4000);
			expect(decodeMemberRequest({k: 'say', text: t})).toEqual({ok: true, value: {k: 'say', text: t}});
		}

		const longName = '🦊'.repeat(32);
		expect(decodeMemberRequest({k: 'nick', name: longName})).toEqual({ok: true, value: {k: 'nick', name: longName}});
		expect(decodeHubItem({k: 'join', seq: 0, time: 0, name: longName})).toEqual({
			ok: true,
			value: {k: 'join', seq: 0, time: 0, name: longName},
		});
	});
});

/* ----------------------------------------------------------- malformed tables */

describe('specific malformed frames are refused', () => {
	const cases: Array<[string, unknown]> = [
		['not an array', {t: 'ping', ts: 1}],
		['empty array', []],
		['null frame', [null]],
		['frame is a string', ['ping']],
		['unknown type', [{t: 'pingg', ts: 1}]],
		['missing type', [{ts: 1}]],
		['ping ts is a string', [{t: 'ping', ts: '1'}]],
		['pong without ts', [{t: 'pong'}]],
		['hello without cid', [{t: 'hello', name: 'alice'}]],
		['hello with empty cid', [{t: 'hello', cid: '', name: 'alice'}]],
		['hello with 65-char cid', [{t: 'hello', cid: 'c'.repeat(65), name: 'alice'}]],
		['hello name is a number', [{t: 'hello', cid: 'c', name: 5}]],
		['hello name over 512', [{t: 'hello', cid: 'c', name: 'n'.repeat(513)}]],
		['accept without cid', [{t: 'accept'}]],
		['refuse without reason', [{t: 'refuse', code: 'full'}]],
		['refuse versions not integers', [{t: 'refuse', code: 'v', reason: 'r', versions: [1.5]}]],
		['refuse with 17 versions', [{t: 'refuse', code: 'v', reason: 'r', versions: Array.from({length: 17}, (_, i) => i)}]],
		['gone reason over 1000', [{t: 'gone', reason: 'r'.repeat(1001)}]],
		['d with seq 0', [{t: 'd', g: 0, n: 0, e: 1}]],
		['d with negative seq', [{t: 'd', g: 0, n: -1, e: 1}]],
		['d with fractional seq', [{t: 'd', g: 0, n: 1.5, e: 1}]],
		['d with seq beyond MAX_SAFE_INTEGER', [{t: 'd', g: 0, n: 2 ** 53, e: 1}]],
		['d with seq as a string', [{t: 'd', g: 0, n: '1', e: 1}]],
		['d with negative epoch', [{t: 'd', g: -1, n: 1, e: 1}]],
		['d with epoch over 32 bits', [{t: 'd', g: 2 ** 32, n: 1, e: 1}]],
		['d without epoch', [{t: 'd', n: 1, e: 1}]],
		['d without seq', [{t: 'd', g: 0, e: 1}]],
		['d with neither payload nor fragment', [{t: 'd', g: 0, n: 1}]],
		['d whole with an extra key', [{t: 'd', g: 0, n: 1, e: 1, z: 0}]],
		['d with both payload and fragment', [{t: 'd', g: 0, n: 1, e: 1, p: [0, 2], x: ''}]],
		['d fragment with an extra key', [{t: 'd', g: 0, n: 1, p: [0, 2], x: '', e2: 1}]],
		['d fragment index == count', [{t: 'd', g: 0, n: 1, p: [2, 2], x: ''}]],
		['d fragment index > count', [{t: 'd', g: 0, n: 1, p: [5, 3], x: ''}]],
		['d fragment count 1', [{t: 'd', g: 0, n: 1, p: [0, 1], x: ''}]],
		['d fragment count 0', [{t: 'd', g: 0, n: 1, p: [0, 0], x: ''}]],
		['d fragment count over MAX_FRAGMENTS', [{t: 'd', g: 0, n: 1, p: [0, MAX_FRAGMENTS + 1], x: ''}]],
		['d fragment negative index', [{t: 'd', g: 0, n: 1, p: [-1, 2], x: ''}]],
		['d fragment p of three numbers', [{t: 'd', g: 0, n: 1, p: [0, 2, 3], x: ''}]],
		['d fragment without x', [{t: 'd', g: 0, n: 1, p: [0, 2]}]],
		['d fragment x is not a string', [{t: 'd', g: 0, n: 1, p: [0, 2], x: 7}]],
		['d fragment x over 4096', [{t: 'd', g: 0, n: 1, p: [0, 2], x: 'x'.repeat(4097)}]],
		['ack with negative cumulative', [{t: 'ack', g: 0, c: -1}]],
		['ack with fractional cumulative', [{t: 'ack', g: 0, c: 0.5}]],
		['ack without epoch', [{t: 'ack', c: 0}]],
		['ack with a sack range starting at 0', [{t: 'ack', g: 0, c: 0, s: [[0, 3]]}]],
		['ack with a negative sack range', [{t: 'ack', g: 0, c: 0, s: [[-3, -1]]}]],
		['ack with a one-number range', [{t: 'ack', g: 0, c: 0, s: [[3]]}]],
		['ack with 17 sack ranges', [{t: 'ack', g: 0, c: 0, s: Array.from({length: 17}, (_, i) => [2 * i + 2, 2 * i + 2])}]],
		['one good frame and one bad', [{t: 'ping', ts: 1}, {t: 'ping'}]],
		['1025 frames', Array.from({length: 1025}, () => ({t: 'ping', ts: 1}))],
	];

	test.each(cases)('%s', (_label, value) => {
		const result = decodeFrames(JSON.stringify(value));
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.code).toBe('bad-frame');
			expect(result.detail.length).toBeGreaterThan(0);
		}
	});

	test.each([
		['truncated JSON', '[{"t":"ping","ts":1}'],
		['trailing garbage', '[{"t":"ping","ts":1}]x'],
		['single quotes', "[{'t':'ping','ts':1}]"],
		['NaN literal', '[{"t":"ping","ts":NaN}]'],
	])('%s -> bad-json', (_label, body) => {
		expect(decodeFrames(body)).toMatchObject({ok: false, code: 'bad-json'});
	});

	test('the edge values just inside the limits are accepted', () => {
		const frames = [
			{t: 'd', g: 0xff_ff_ff_ff, n: Number.MAX_SAFE_INTEGER, e: null},
			{t: 'd', g: 0, n: 1, p: [MAX_FRAGMENTS - 1, MAX_FRAGMENTS], x: 'x'.repeat(4096)},
			{t: 'ack', g: 0, c: 0, s: Array.from({length: MAX_SACK_RANGES}, (_, i) => [i + 2, i + 2])},
		];
		expect(decodeFrames(JSON.stringify(frames))).toEqual({ok: true, frames});
	});
});

describe('specific malformed items are refused', () => {
	const requests: Array<[string, unknown]> = [
		['null', null],
		['array', [{k: 'say', text: 'hi'}]],
		['unknown kind', {k: 'shout', text: 'hi'}],
		['say without text', {k: 'say'}],
		['say text is a number', {k: 'say', text: 1}],
		['say text over 8000 units', {k: 'say', text: 'a'.repeat(MAX_TEXT_BYTES * 2 + 1)}],
		['dm without to', {k: 'dm', text: 'hi'}],
		['dm to empty name', {k: 'dm', to: '', text: 'hi'}],
		['nick empty', {k: 'nick', name: ''}],
		['nick over 128 units', {k: 'nick', name: 'n'.repeat(129)}],
	];
	test.each(requests)('member request: %s', (_label, value) => {
		const result = decodeMemberRequest(value);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.detail.length).toBeGreaterThan(0);
	});

	const items: Array<[string, unknown]> = [
		['member request kind say', {k: 'say', text: 'hi'}],
		['msg with negative seq', {k: 'msg', seq: -1, time: 0, from: 'a', text: 'hi'}],
		['msg with fractional time', {k: 'msg', seq: 1, time: 0.5, from: 'a', text: 'hi'}],
		['msg without from', {k: 'msg', seq: 1, time: 0, text: 'hi'}],
		['msg me not boolean', {k: 'msg', seq: 1, time: 0, from: 'a', text: 'hi', me: 'yes'}],
		['leave reason over 200', {k: 'leave', seq: 1, time: 0, name: 'a', reason: 'r'.repeat(201)}],
		['offer sha256 uppercase', {k: 'offer', seq: 1, time: 0, id: 'i', name: 'f', size: 1, from: 'a', complete: true, sha256: 'A'.repeat(64)}],
		['offer sha256 short', {k: 'offer', seq: 1, time: 0, id: 'i', name: 'f', size: 1, from: 'a', complete: true, sha256: 'a'.repeat(63)}],
		['offer negative size', {k: 'offer', seq: 1, time: 0, id: 'i', name: 'f', size: -1, from: 'a', complete: true}],
		['offer without complete', {k: 'offer', seq: 1, time: 0, id: 'i', name: 'f', size: 1, from: 'a'}],
		['welcome without history', {k: 'welcome', you: 'a', members: []}],
		['welcome transfer port 65536', {k: 'welcome', you: 'a', members: [], history: [], transferPort: 65_536}],
		['notice level warn', {k: 'notice', level: 'warn', text: 'x'}],
		['notice text over 2000', {k: 'notice', level: 'info', text: 'x'.repeat(2001)}],
	];
	test.each(items)('hub item: %s', (_label, value) => {
		const result = decodeHubItem(value);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.detail.length).toBeGreaterThan(0);
	});

	test('a welcome keeps its history when one event in it is of a kind this member does not know, or malformed: that one is left out (the version rule)', () => {
		const result = decodeHubItem({
			k: 'welcome',
			you: 'a',
			members: [],
			history: [{k: 'msg', seq: 1, time: 0, from: 'b', text: 'one'}, {k: 'poll', seq: 2, time: 0, question: '?'}, {k: 'msg', seq: 3}, {k: 'msg', seq: 4, time: 0, from: 'b', text: 'four'}],
		});
		expect(result.ok).toBe(true);
		if (result.ok && result.value.k === 'welcome') expect(result.value.history.map(event => event.seq)).toEqual([1, 4]);
		// Not a list at all is still no welcome.
		expect(decodeHubItem({k: 'welcome', you: 'a', members: [], history: 'x'}).ok).toBe(false);
	});
});
