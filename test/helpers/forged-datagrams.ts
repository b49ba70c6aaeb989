import {encodeEnvelope, HEADER_BYTES, NO_TOKEN} from '../../source/protocol/envelope.js';
import {HANDSHAKE_PAD_BYTES, PING_PAD_BYTES, PROTOCOL_VERSION} from '../../source/protocol/limits.js';
import {toBase64} from '../../source/protocol/secure/base64.js';
import {systemRandom} from '../../source/protocol/secure/random.js';

/** Frames in the clear with no token, as a join sends them; `pad`: to the join's 1,200 bytes, as a real member pads. */
export function clearDatagram(frames: unknown[], pad = false): Uint8Array {
	const body = JSON.stringify(frames);
	return encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, pad ? body.padEnd(HANDSHAKE_PAD_BYTES - HEADER_BYTES) : body);
}

const b64 = (bytes: number) => toBase64(systemRandom(bytes));
const unknownToken = () => Buffer.from(systemRandom(8)).toString('hex');

/**
 * What a blind attacker can send in a victim's name, by kind (it never sees the answers): the
 * abuse test (test/net/abuse.test.ts) and benchmark (bench/abuse.ts) send each from an address
 * of its own and count what reaches it.
 */
export const FORGED_KINDS: Record<string, (random: () => number) => Uint8Array> = {
	query: () => clearDatagram([{t: 'query', cid: b64(6), n: b64(16)}]),
	'padded query': () => clearDatagram([{t: 'query', cid: b64(6), n: b64(16)}], true),
	'query with a made-up cookie': () => clearDatagram([{t: 'query', cid: b64(6), n: b64(16), c: b64(17)}], true),
	hello: () => clearDatagram([{t: 'hello', cid: b64(6), n: b64(16), y: b64(32), s: b64(80)}]),
	'1,024 queries in one datagram': () => clearDatagram(Array.from({length: 1024}, () => ({t: 'query', cid: b64(3), n: b64(16)}))),
	'another version': () => encodeEnvelope(PROTOCOL_VERSION + 1, NO_TOKEN, '[{"t":"query"}]'),
	'an old version': () => encodeEnvelope(1, NO_TOKEN, '[{"t":"hello","name":"x","cid":"1"}]'),
	'an unknown token': () => encodeEnvelope(PROTOCOL_VERSION, unknownToken(), '[{"t":"ping","ts":1}]'),
	'an unknown token, padded': () => encodeEnvelope(PROTOCOL_VERSION, unknownToken(), '[{"t":"ping","ts":1}]'.padEnd(PING_PAD_BYTES)),
	junk: random => Buffer.from(systemRandom(1 + Math.floor(random() * 200))),
};
