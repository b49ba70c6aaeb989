/**
 * The hub's side of a join, on the pure endpoint: hostile hellos from the join's own address (its
 * cid and nonce travel in the clear, and a UDP source is easy to forge) must not break the hub.
 */
import {describe, expect, test} from 'vitest';
import {HubEndpoint} from '../../../source/protocol/connection/hub-endpoint.js';
import {decodeEnvelope, encodeEnvelope, NO_TOKEN} from '../../../source/protocol/envelope.js';
import {HANDSHAKE_PAD_BYTES, PROTOCOL_VERSION} from '../../../source/protocol/limits.js';
import {fromBase64, toBase64} from '../../../source/protocol/secure/base64.js';
import {memberReply, sealHello} from '../../../source/protocol/secure/handshake.js';
import {generateIdentity} from '../../../source/protocol/secure/identity.js';
import {systemRandom} from '../../../source/protocol/secure/random.js';

const ADDRESS = '10.0.0.2';
const PORT = 40_000;

/** A hub, and a member's query answered: what a hello to it needs. */
function answeredQuery(secret: string | undefined) {
	const hub = new HubEndpoint<'udp'>({identity: generateIdentity(), ...(secret === undefined ? {} : {secret})}, {random: systemRandom}, 1_000_000);
	const nonce = systemRandom(16);
	const send = (frames: unknown[]) => hub.handle(encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, JSON.stringify(frames).padEnd(HANDSHAKE_PAD_BYTES)), ADDRESS, PORT, 'udp', 1_000_000);
	const out = () => {
		const frames: Array<Record<string, string>> = [];
		for (let transmit = hub.pollTransmit(1_000_000); transmit; transmit = hub.pollTransmit(1_000_000)) {
			const envelope = decodeEnvelope(Buffer.from(transmit.datagram));
			frames.push(...(envelope.ok && envelope.token === NO_TOKEN ? (JSON.parse(envelope.body.toString('utf8')) as Array<Record<string, string>>) : [{t: 'session'}]));
		}

		return frames;
	};

	send([{t: 'query', cid: 'c1', n: toBase64(nonce)}]);
	const cookie = out().find(frame => frame.t === 'retry')!.c;
	send([{t: 'query', cid: 'c1', n: toBase64(nonce), c: cookie}]);
	const room = out().find(frame => frame.t === 'room')!;
	const reply = memberReply({cid: 'c1', memberNonce: nonce, hubNonce: fromBase64(room.n!)!, hubKey: fromBase64(room.id!)!, hubShare: fromBase64(room.y!)!, secret, random: systemRandom})!;
	const hello = (share: Uint8Array) => send([{t: 'hello', cid: 'c1', n: toBase64(nonce), y: toBase64(share), s: toBase64(sealHello(reply.keys, JSON.stringify({name: 'bob'})))}]);
	return {hub, reply, hello, out};
}

describe('a hello with an invalid share, from the join\'s own address', () => {
	test.each([['an open room', undefined], ['a private room', 'sesame']])('in %s: dropped, and a later hello for that join does not break the hub', (_room, secret) => {
		const {hub, reply, hello, out} = answeredQuery(secret);
		// The neutral element (CPace) and a small-order point (X25519): both refused as shares.
		hello(new Uint8Array(32));
		expect(hub.room.live()).toEqual([]);
		expect(() => hello(reply.share)).not.toThrow();
		expect(() => out()).not.toThrow();
		expect(hub.room.live()).toEqual([]);
	});
});
