/**
 * A private room against those who know its secret (issue 14's findings, through real sockets):
 * an insider recording another member's link reads nothing of it, a fake hub with the secret is
 * refused by a member that pinned the real one, and a capture gives a guesser nothing to test a
 * guess against.
 */
import dgram from 'node:dgram';
import {afterEach, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import {MemberLink} from '../../source/net/member-link.js';
import type {RoomPins} from '../../source/net/room-pins.js';
import {SessionCipher} from '../../source/protocol/crypto.js';
import {decodeEnvelope, FLAG_ENCRYPTED, HEADER_BYTES} from '../../source/protocol/envelope.js';
import {fromBase64} from '../../source/protocol/secure/base64.js';
import {type HandshakeKeys, memberReply, openHello} from '../../source/protocol/secure/handshake.js';
import {generateIdentity, identityFingerprint} from '../../source/protocol/secure/identity.js';
import {systemRandom} from '../../source/protocol/secure/random.js';
import {RawMember} from '../helpers/raw-member.js';
import {joinMember, startHub, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';

const SECRET = 'correct horse battery staple';
let hubs: Hub[] = [];
const members: TestMember[] = [];
const links: MemberLink[] = [];
const sockets: dgram.Socket[] = [];

afterEach(async () => {
	for (const member of members.splice(0)) member.link.close();
	for (const link of links.splice(0)) link.close();
	for (const socket of sockets.splice(0)) socket.close();
	await Promise.all(hubs.map(async hub => hub.close()));
	hubs = [];
});

/** A relay on 127.0.0.1 in front of the hub that records every datagram both ways. */
async function recorder(hubPort: number): Promise<{port: number; captured: Array<{fromMember: boolean; datagram: Buffer}>}> {
	const front = dgram.createSocket('udp4');
	const back = dgram.createSocket('udp4');
	sockets.push(front, back);
	await Promise.all([front, back].map(async socket => new Promise<void>(resolve => socket.bind(0, '127.0.0.1', resolve))));
	const captured: Array<{fromMember: boolean; datagram: Buffer}> = [];
	let client: dgram.RemoteInfo | undefined;
	front.on('message', (datagram, rinfo) => {
		client = rinfo;
		captured.push({fromMember: true, datagram});
		back.send(datagram, hubPort, '127.0.0.1');
	});
	back.on('message', datagram => {
		captured.push({fromMember: false, datagram});
		if (client) front.send(datagram, client.port, client.address);
	});
	return {port: front.address().port, captured};
}

/** The frames in the clear of a capture, by type. */
function clearFrames(captured: ReadonlyArray<{datagram: Buffer}>): Array<Record<string, string>> {
	return captured.flatMap(({datagram}) => {
		const envelope = decodeEnvelope(datagram);
		return envelope.ok && (envelope.flags & FLAG_ENCRYPTED) === 0 ? (JSON.parse(envelope.body.toString('utf8')) as Array<Record<string, string>>) : [];
	});
}

/** Whether any of the keys opens any sealed datagram of the capture. */
function opensAny(captured: ReadonlyArray<{fromMember: boolean; datagram: Buffer}>, keys: ReadonlyArray<{hubToMember: Uint8Array; memberToHub: Uint8Array}>): boolean {
	return captured.some(({fromMember, datagram}) => {
		const envelope = decodeEnvelope(datagram);
		if (!envelope.ok || (envelope.flags & FLAG_ENCRYPTED) === 0) return false;
		return keys.some(key => {
			const receive = fromMember ? key.memberToHub : key.hubToMember;
			return new SessionCipher(Buffer.alloc(32), Buffer.from(receive)).open(datagram.subarray(0, HEADER_BYTES), envelope.body) !== undefined;
		});
	});
}

test("an insider who knows the secret records another member's link and reads nothing of it, its DM included", async () => {
	const hub = await startHub({secret: SECRET});
	hubs.push(hub);
	const wire = await recorder(hub.port);
	const bob = await joinMember(wire.port, 'bob', {secret: SECRET});
	const carol = await joinMember(hub.port, 'carol', {secret: SECRET});
	const insider = await joinMember(hub.port, 'mallory', {secret: SECRET});
	members.push(bob, carol, insider);
	bob.link.send({k: 'dm', to: 'carol', text: 'the vault code is 4711'});
	await waitFor(() => carol.items.some(item => item.k === 'dm'), {what: "bob's DM at carol"});

	const wireText = Buffer.concat(wire.captured.map(({datagram}) => datagram)).toString('latin1');
	expect(wireText).not.toContain('4711');
	expect(wireText).not.toContain('carol');
	// What the insider can compute: its own session's keys (a link of its own), and keys from the
	// secret and everything public in bob's handshake (the transcript) without a CPace share of its own.
	const insiderLink = insider.link as unknown as {connection: {keys: {session: {receiveKey: Buffer; sendKey: Buffer}}}};
	const own = insiderLink.connection.keys.session;
	const room = clearFrames(wire.captured).find(frame => frame.t === 'room')!;
	const hello = clearFrames(wire.captured).find(frame => frame.t === 'hello')!;
	const attempt = memberReply({cid: hello.cid!, memberNonce: fromBase64(hello.n!)!, hubNonce: fromBase64(room.n!)!, hubKey: fromBase64(room.id!)!, hubShare: fromBase64(room.y!)!, secret: SECRET, random: systemRandom})!;
	expect(opensAny(wire.captured, [{hubToMember: own.receiveKey, memberToHub: own.sendKey}, attempt.keys.session])).toBe(false);
	// Nor the sealed hello (bob's name, his since and prev).
	expect(openHello(attempt.keys, fromBase64(hello.s!)!)).toBeUndefined();
	// While bob's own keys open his link: the check above could have succeeded.
	const bobKeys = (bob.link as unknown as {connection: {keys: {session: {receiveKey: Buffer; sendKey: Buffer}}}}).connection.keys.session;
	expect(opensAny(wire.captured, [{hubToMember: bobKeys.receiveKey, memberToHub: bobKeys.sendKey}])).toBe(true);
});

test('a capture of a join gives a guesser nothing to test a guess against: the right secret and a wrong one fail alike', async () => {
	const hub = await startHub({secret: SECRET});
	hubs.push(hub);
	const wire = await recorder(hub.port);
	members.push(await joinMember(wire.port, 'bob', {secret: SECRET}));
	const frames = clearFrames(wire.captured);
	const room = frames.find(frame => frame.t === 'room')!;
	const hello = frames.find(frame => frame.t === 'hello')!;
	// No salt, no value derived from the secret alone: the hub's answer is its nonce, key and share.
	expect(Object.keys(room).every(key => ['t', 'cid', 'secret', 'id', 'n', 'y', 'e'].includes(key))).toBe(true);
	const tryGuess = (guess: string): boolean => {
		const keys: HandshakeKeys = memberReply({cid: hello.cid!, memberNonce: fromBase64(hello.n!)!, hubNonce: fromBase64(room.n!)!, hubKey: fromBase64(room.id!)!, hubShare: fromBase64(room.y!)!, secret: guess, random: systemRandom})!.keys;
		return openHello(keys, fromBase64(hello.s!)!) !== undefined || opensAny(wire.captured, [keys.session]);
	};

	expect(tryGuess(SECRET)).toBe(false);
	expect(tryGuess('Tr0ub4dor&3')).toBe(false);
});

test('a fake hub that knows the secret is refused by a member that pinned the real one: nothing is sent to it', async () => {
	let pinned: Uint8Array | undefined;
	const pins: RoomPins = {
		pinned: async () => pinned,
		async remember(key) {
			pinned = key;
		},
		explain: (was, shown) => `pinned ${identityFingerprint(was)}, shown ${identityFingerprint(shown)}`,
	};
	// Each with a key of its own that it keeps (as a data folder would): worth pinning.
	const real = await startHub({secret: SECRET, identity: generateIdentity()});
	hubs.push(real);
	const {port} = real;
	const first = new MemberLink({host: '127.0.0.1', port, secret: SECRET, pins});
	links.push(first);
	expect(await first.join('bob')).toMatchObject({ok: true});
	expect(pinned && identityFingerprint(pinned)).toBe(real.fingerprint);
	first.close();
	await real.close();
	hubs = [];

	// The insider's hub: the same secret, the same address, its own key. (The recorder stands on
	// another port, so the member pins that address too, from the first join through it.)
	const fake = await startHub({secret: SECRET, port, identity: generateIdentity()});
	hubs.push(fake);
	const wire = await recorder(port);
	const again = new MemberLink({host: '127.0.0.1', port: wire.port, secret: SECRET, pins});
	links.push(again);
	const outcome = await again.join('bob');
	expect(outcome).toMatchObject({ok: false, code: 'hub-key-changed'});
	expect(outcome.ok === false && outcome.reason).toBe(`pinned ${real.fingerprint}, shown ${fake.fingerprint}`);
	expect(fake.memberNames()).toEqual([]);
	expect(again.sessionToken).toBeUndefined();
	// It asked (a query), saw the wrong key, and said nothing more: no hello, so no name, no share.
	const sent = clearFrames(wire.captured.filter(({fromMember}) => fromMember)).map(frame => frame.t);
	expect(sent.length).toBeGreaterThan(0);
	expect(sent.every(type => type === 'query')).toBe(true);
});

test('in an open room too, a passive listener reads nothing of what is said', async () => {
	const hub = await startHub();
	hubs.push(hub);
	const wire = await recorder(hub.port);
	const bob = await joinMember(wire.port, 'bob-the-builder');
	const carol = await joinMember(hub.port, 'carol');
	members.push(bob, carol);
	bob.link.send({k: 'say', text: 'meet at the north gate'});
	bob.link.send({k: 'dm', to: 'carol', text: 'and bring the map'});
	await waitFor(() => carol.items.some(item => item.k === 'dm'), {what: "bob's DM at carol"});
	const wireText = Buffer.concat(wire.captured.map(({datagram}) => datagram)).toString('latin1');
	expect(wire.captured.length).toBeGreaterThan(4);
	for (const text of ['north gate', 'the map', 'bob-the-builder', 'carol']) {
		expect(wireText).not.toContain(text);
	}
});

test("a new member under a freed name is caught up on none of the old one's direct messages", async () => {
	const hub = await startHub({secret: SECRET});
	hubs.push(hub);
	const alice = await joinMember(hub.port, 'alice', {secret: SECRET});
	const bob = await joinMember(hub.port, 'bob', {secret: SECRET});
	members.push(alice);
	alice.link.send({k: 'dm', to: 'bob', text: 'the vault code is 4711'});
	alice.link.send({k: 'say', text: 'public line'});
	await waitFor(() => bob.items.some(item => item.k === 'msg'), {what: 'both at bob'});
	await bob.link.leave();
	await waitFor(() => !hub.memberNames().includes('bob'), {what: 'bob gone'});
	// Mallory takes the name and claims a rejoin from the start of the room.
	const mallory = await RawMember.connect(hub.port, 'bob', {secret: SECRET, fields: {since: 0, resume: 'guessed'}});
	const items = () => mallory.frames.flatMap(frame => (frame.t === 'd' && typeof frame.e === 'object' && frame.e ? [frame.e as {k: string; text?: string}] : []));
	await waitFor(() => items().some(item => item.k === 'msg' && item.text === 'public line'), {what: () => `the public line caught up (have ${JSON.stringify(items().map(item => item.k))})`});
	expect(items().some(item => item.k === 'dm')).toBe(false);
	mallory.close();
});
