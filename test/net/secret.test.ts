import dgram from 'node:dgram';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import {MemberLink} from '../../source/net/member-link.js';
import {RoomStore} from '../../source/net/room-store.js';
import {pskOf} from '../../source/net/transfer-tls.js';
import {encodeEnvelope} from '../../source/protocol/envelope.js';
import {PROTOCOL_VERSION} from '../../source/protocol/limits.js';
import {toBase64} from '../../source/protocol/secure/base64.js';
import {signGone} from '../../source/protocol/secure/handshake.js';
import {generateIdentity} from '../../source/protocol/secure/identity.js';
import {allReceived, joinMember, startHub, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';

let hub: Hub | undefined;
const members: TestMember[] = [];
const links: MemberLink[] = [];

const stores: RoomStore[] = [];
const dirs: string[] = [];

afterEach(async () => {
	for (const member of members.splice(0)) {
		member.link.close();
	}

	for (const link of links.splice(0)) {
		link.close();
	}

	await hub?.close();
	for (const store of stores.splice(0)) await store.close().catch(() => undefined);
	for (const dir of dirs.splice(0)) await rm(dir, {recursive: true, force: true});
});

/** Every state change of a link, with its detail. */
function statuses(link: MemberLink): string[] {
	const seen: string[] = [];
	link.onStatus((state, detail) => seen.push(`${state}: ${detail ?? ''}`));
	return seen;
}

/** A UDP relay on 127.0.0.1 that records every datagram in both directions (a wire capture). */
async function tap(hubPort: number): Promise<{port: number; captured: Buffer[]; inject(datagram: Buffer): void; toMember(datagram: Buffer): void; close(): void}> {
	const front = dgram.createSocket('udp4');
	const back = dgram.createSocket('udp4');
	const captured: Buffer[] = [];
	let client: dgram.RemoteInfo | undefined;
	await Promise.all([front, back].map(async socket => new Promise<void>(resolve => {
		socket.bind(0, '127.0.0.1', resolve);
	})));
	front.on('message', (datagram, rinfo) => {
		client = rinfo;
		captured.push(datagram);
		back.send(datagram, hubPort, '127.0.0.1');
	});
	back.on('message', datagram => {
		captured.push(datagram);
		if (client) {
			front.send(datagram, client.port, client.address);
		}
	});
	return {
		port: front.address().port,
		captured,
		inject: datagram => back.send(datagram, hubPort, '127.0.0.1'),
		toMember(datagram) {
			if (client) front.send(datagram, client.port, client.address);
		},
		close() {
			front.close();
			back.close();
		},
	};
}

test('members with the secret talk; nothing of names or text is readable on the wire', async () => {
	hub = await startHub({secret: 'correct horse battery staple'});
	const wire = await tap(hub.port);
	const alice = await joinMember(hub.port, 'alice', {secret: 'correct horse battery staple'});
	const bob = await joinMember(wire.port, 'bob-the-builder', {secret: 'correct horse battery staple'});
	members.push(alice, bob);
	alice.link.send({k: 'say', text: 'the eagle lands at midnight'});
	bob.link.send({k: 'say', text: 'copy that, over'});
	await allReceived([alice, bob], 2);
	expect(bob.messages()).toEqual(['alice: the eagle lands at midnight', 'bob-the-builder: copy that, over']);
	expect(alice.link.fingerprint).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
	expect(bob.link.fingerprint).toBe(hub.fingerprint);
	// The secret came with the link (as from --secret-file or SOCKET_CHAT_SECRET): it still knows the room is private.
	expect([alice.link.private, bob.link.private]).toEqual([true, true]);
	const everything = Buffer.concat(wire.captured).toString('latin1');
	expect(wire.captured.length).toBeGreaterThan(4);
	for (const secretText of ['eagle', 'midnight', 'copy that', 'bob-the-builder', 'alice', 'correct horse']) {
		expect(everything).not.toContain(secretText);
	}

	wire.close();
});

test('a wrong secret is refused quickly with a clear message', async () => {
	hub = await startHub({secret: 'right'});
	const link = new MemberLink({host: '127.0.0.1', port: hub.port, secret: 'wrong'});
	links.push(link);
	const started = Date.now();
	const outcome = await link.join('mallory');
	expect(outcome).toEqual({ok: false, code: 'wrong-secret', reason: 'wrong room secret'});
	expect(Date.now() - started).toBeLessThan(2000);
	expect(hub.memberNames()).toEqual([]);
});

test('no secret for a room that needs one, and a secret for an open room, are both explained', async () => {
	hub = await startHub({secret: 'right'});
	const bare = new MemberLink({host: '127.0.0.1', port: hub.port});
	links.push(bare);
	expect(await bare.join('bob')).toMatchObject({ok: false, code: 'secret-required'});
	await hub.close();
	hub = await startHub();
	const open = new MemberLink({host: '127.0.0.1', port: hub.port});
	links.push(open);
	expect(open.private).toBeUndefined();
	expect(await open.join('carol')).toMatchObject({ok: true});
	expect(open.private).toBe(false);
	const needless = new MemberLink({host: '127.0.0.1', port: hub.port, secret: 'x'});
	links.push(needless);
	const outcome = await needless.join('bob');
	expect(outcome).toMatchObject({ok: false, code: 'no-secret'});
	expect(outcome.ok === false && outcome.reason).toContain('anyone on the network can join it');
});

test("a secret given after the room asked for one (the TUI's hidden prompt) joins on the same link", async () => {
	hub = await startHub({secret: 'right'});
	const link = new MemberLink({host: '127.0.0.1', port: hub.port});
	links.push(link);
	expect(await link.join('bob')).toMatchObject({ok: false, code: 'secret-required'});
	expect(await link.join('bob', 'wrong')).toMatchObject({ok: false, code: 'wrong-secret'});
	expect(await link.join('bob', 'right')).toMatchObject({ok: true});
	expect(hub.memberNames()).toEqual(['bob']);
	expect(link.fingerprint).toBe(hub.fingerprint);
	expect(link.private).toBe(true);
});

test('replayed and tampered datagrams are dropped; the room goes on', async () => {
	hub = await startHub({secret: 's3cret'});
	const wire = await tap(hub.port);
	const alice = await joinMember(wire.port, 'alice', {secret: 's3cret'});
	const bob = await joinMember(hub.port, 'bob', {secret: 's3cret'});
	members.push(alice, bob);
	const before = wire.captured.length;
	alice.link.send({k: 'say', text: 'once'});
	await allReceived([bob], 1);
	// Replayed and tampered copies sent from alice's own address (the tap's upstream socket).
	const token = alice.link.sessionToken!;
	const fromAlice = wire.captured.slice(before).filter(datagram => datagram.toString('hex', 4, 12) === token && datagram.length > 40);
	expect(fromAlice.length).toBeGreaterThan(0);
	for (const datagram of fromAlice) {
		wire.inject(datagram);
		const tampered = Buffer.from(datagram);
		tampered[tampered.length - 20]! ^= 0xff;
		wire.inject(tampered);
	}

	await waitFor(() => (hub!.stats.dropped['bad-seal'] ?? 0) >= 2 * fromAlice.length, {
		what: () => `${2 * fromAlice.length} replays and forgeries dropped (${JSON.stringify(hub!.stats.dropped)})`,
	});
	alice.link.send({k: 'say', text: 'twice'});
	await allReceived([bob], 2);
	expect(bob.messages()).toEqual(['alice: once', 'alice: twice']);
	expect(bob.items.filter(item => item.k === 'msg')).toHaveLength(2);
	wire.close();
});

// An open room's members have session keys of their own too (its key exchange): their files are as
// unreadable on the wire (the README: "a passive listener reads nothing").
test.each([
	{room: 'a room with a secret', secret: 'files too' as string | undefined},
	{room: 'an open room', secret: undefined},
])('in $room, files travel encrypted and arrive whole', async ({secret}) => {
	const {RoomHost} = await import('../../source/net/room-host.js');
	const {uploadFile, downloadFile} = await import('../../source/net/transfer-client.js');
	const {mkdtemp, writeFile, readFile, rm} = await import('node:fs/promises');
	const {tmpdir} = await import('node:os');
	const path = await import('node:path');
	const {randomBytes, createHash} = await import('node:crypto');
	const net = await import('node:net');
	const room = new RoomHost({bind: '127.0.0.1', port: 0, transferPort: 0, ...(secret === undefined ? {} : {secret})});
	const {port, transferPort} = await room.start();
	const dir = await mkdtemp(path.join(tmpdir(), 'secret-files-'));
	// A TCP tap in front of the transfer server records every byte both ways.
	const captured: Buffer[] = [];
	const tapServer = net.createServer({allowHalfOpen: true}, client => {
		const upstream = net.connect({host: '127.0.0.1', port: transferPort, allowHalfOpen: true});
		client.on('data', chunk => {
			captured.push(chunk);
			upstream.write(chunk);
		});
		upstream.on('data', chunk => {
			captured.push(chunk);
			client.write(chunk);
		});
		client.on('end', () => upstream.end());
		upstream.on('end', () => client.end());
		client.on('error', () => upstream.destroy());
		upstream.on('error', () => client.destroy());
	});
	await new Promise<void>(resolve => {
		tapServer.listen(0, '127.0.0.1', resolve);
	});
	const tapPort = (tapServer.address() as {port: number}).port;
	try {
		const alice = await joinMember(port, 'alice', secret === undefined ? {} : {secret});
		members.push(alice);
		const marker = Buffer.from('PLAINTEXT-MARKER-'.repeat(4096));
		const data = Buffer.concat([marker, randomBytes(256 * 1024)]);
		const file = path.join(dir, 'confidential-report.txt');
		await writeFile(file, data);
		expect(alice.link.transferKey).toBeInstanceOf(Buffer);
		const endpoint = {host: '127.0.0.1', port: tapPort, token: alice.link.sessionToken!, psk: pskOf(alice.link.transferKey)};
		const sent = await uploadFile({...endpoint, path: file});
		const got = await downloadFile({...endpoint, id: sent.id, dir: path.join(dir, 'in'), name: sent.name, size: sent.size, sha256: sent.sha256});
		expect(createHash('sha256').update(await readFile(got.path)).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
		const wire = Buffer.concat(captured).toString('latin1');
		expect(wire.length).toBeGreaterThan(data.length);
		expect(wire).not.toContain('PLAINTEXT-MARKER');
		expect(wire).not.toContain('confidential-report');
		expect(wire).not.toContain(alice.link.sessionToken!);
		// Without the key, the transfer server does not talk at all.
		await expect(uploadFile({host: '127.0.0.1', port: transferPort, token: alice.link.sessionToken!, path: file, timeoutMs: 3000})).rejects.toThrow();
	} finally {
		tapServer.close();
		await room.close();
		await rm(dir, {recursive: true, force: true});
	}
});

test('a hub restarted on its data folder says it forgot a session, signed by its key: members rejoin at once, nothing lost', async () => {
	const secret = 'correct horse battery staple';
	const dir = await mkdtemp(path.join(tmpdir(), 'secret-room-'));
	dirs.push(dir);
	const first = await RoomStore.open(dir);
	stores.push(first);
	hub = await startHub({secret, store: first});
	const {port, fingerprint} = hub;
	const alice = await joinMember(port, 'alice', {secret});
	const bob = await joinMember(port, 'bob', {secret});
	members.push(alice, bob);
	const aliceSaw = statuses(alice.link);
	alice.link.send({k: 'say', text: 'before'});
	await allReceived([alice, bob], 1);

	await hub.close();
	await first.close();
	const second = await RoomStore.open(dir);
	stores.push(second);
	hub = await startHub({secret, store: second, port});
	// The same key: it lives in the room's data folder.
	expect(hub.fingerprint).toBe(fingerprint);
	alice.link.send({k: 'say', text: 'after'});
	await allReceived([alice, bob], 2, 8000);

	expect(bob.messages()).toEqual(['alice: before', 'alice: after']);
	// Rejoined because the hub said so, not after 10 s of silence.
	expect(aliceSaw.some(status => /^reconnecting: .*no longer knows this session/.test(status))).toBe(true);
	expect(aliceSaw.some(status => /no answer/.test(status))).toBe(false);
	expect(alice.lost).toBeUndefined();
});

test("with a live session, only a gone signed by the hub's key, and fresh, counts: unsigned, stale, or another key's are ignored", async () => {
	const secret = 'correct horse battery staple';
	const identity = generateIdentity();
	hub = await startHub({secret, identity});
	const wire = await tap(hub.port);
	const alice = await joinMember(wire.port, 'alice', {secret});
	const bob = await joinMember(hub.port, 'bob', {secret});
	members.push(alice, bob);
	const aliceSaw = statuses(alice.link);
	const token = alice.link.sessionToken!;
	const gone = (ts: number | undefined, key?: Uint8Array) =>
		encodeEnvelope(PROTOCOL_VERSION, token, JSON.stringify([{t: 'gone', code: 'unknown', reason: 'forged', ...(ts === undefined ? {} : {ts}), ...(key ? {sig: toBase64(signGone(key, token, ts!))} : {})}]));

	let said = 0;
	const roundTrip = async () => {
		// Datagrams through the relay keep their order: once bob's line is at alice, what was injected before it was handled.
		bob.link.send({k: 'say', text: `line ${++said}`});
		await waitFor(() => alice.messages().includes(`bob: line ${said}`), {what: `bob's line ${said} at alice`});
	};

	wire.toMember(gone(Date.now()));
	wire.toMember(gone(Date.now(), generateIdentity().secretKey));
	wire.toMember(gone(Date.now() - 120_000, identity.secretKey));
	wire.toMember(encodeEnvelope(PROTOCOL_VERSION, token, JSON.stringify([{t: 'gone', code: 'removed', reason: 'in the clear'}])));
	await roundTrip();
	expect(aliceSaw).toEqual([]);
	expect(alice.lost).toBeUndefined();

	// A fresh one signed by the hub's key does (so the ones above were heard, and refused): alice rejoins, and goes on.
	wire.toMember(gone(Date.now(), identity.secretKey));
	await waitFor(() => aliceSaw.some(status => /^reconnecting: .*no longer knows this session/.test(status)), {what: () => `alice to rejoin (saw ${aliceSaw.join(' | ')})`});
	await roundTrip();
	expect(alice.lost).toBeUndefined();
	wire.close();
});
