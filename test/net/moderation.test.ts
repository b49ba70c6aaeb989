import {afterEach, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import {MemberLink} from '../../source/net/member-link.js';
import {allReceived, joinMember, startHub, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';

let hub: Hub | undefined;
const members: TestMember[] = [];

afterEach(async () => {
	for (const member of members.splice(0)) {
		member.link.close();
	}

	await hub?.close();
});

async function member(name: string, options = {}): Promise<TestMember> {
	const joined = await joinMember(hub!.port, name, options);
	members.push(joined);
	return joined;
}

test("a flood is limited and told so, while the others' messages still flow", async () => {
	hub = await startHub({rateLimit: {perSecond: 10, burst: 20}});
	const flooder = await member('flooder');
	const calm = await member('calm');
	const reader = await member('reader');
	// Bypass the member's own pacing: send straight into its reliable stream, as a hostile client would.
	const raw = flooder.link as unknown as {connection: {sender: {enqueue(json: string): void}; dirty: boolean}; drive(): void};
	for (let i = 0; i < 200; i++) {
		raw.connection.sender.enqueue(JSON.stringify({k: 'say', text: `flood ${i}`}));
	}

	raw.connection.dirty = true;
	raw.drive();
	calm.link.send({k: 'say', text: 'still here'});
	await waitFor(() => reader.messages().includes('calm: still here'), {what: "calm's message at the reader"});
	const notice = await waitFor(() => flooder.items.find(item => item.k === 'notice' && item.code === 'rate-limited'), {what: 'the flooder told'});
	expect(notice.k === 'notice' && notice.text).toMatch(/slow down: the room takes 10 messages a second \(bursts of 20\); \d+ dropped/);
	await waitFor(async () => flooder.link.flushed(10), {what: 'the flood acknowledged'});
	const delivered = reader.messages().filter(line => line.startsWith('flooder: ')).length;
	expect(delivered).toBeGreaterThanOrEqual(20);
	expect(delivered).toBeLessThan(60);
});

test('a paced member loses nothing under the limit: piped input is delayed, not dropped', async () => {
	hub = await startHub({rateLimit: {perSecond: 50, burst: 10}});
	const writer = await member('writer');
	const reader = await member('reader');
	for (let i = 0; i < 60; i++) {
		writer.link.send({k: 'say', text: `line ${i}`});
	}

	await allReceived([reader], 60, 15_000);
	expect(reader.messages()).toEqual(Array.from({length: 60}, (_, i) => `writer: line ${i}`));
	expect(writer.items.some(item => item.k === 'notice')).toBe(false);
});

test('the host kicks and bans; others cannot; everyone sees it', async () => {
	hub = await startHub();
	const host = await member('host', {hostKey: hub.hostKey});
	const bob = await member('bob');
	const carol = await member('carol');
	bob.link.send({k: 'kick', name: 'carol'});
	const refused = await waitFor(() => bob.items.find(item => item.k === 'notice'), {what: 'bob refused'});
	expect(refused).toMatchObject({code: 'not-host'});
	host.link.send({k: 'kick', name: 'carol'});
	const left = await waitFor(() => bob.events().find(e => e.k === 'leave' && e.name === 'carol'), {what: 'carol kicked'});
	expect(left).toMatchObject({reason: 'kicked by host'});
	await waitFor(() => carol.lost, {what: 'carol told'});
	expect(carol.lost).toContain('you were kicked by host');
	host.link.send({k: 'ban', name: 'bob'});
	await waitFor(() => host.events().some(e => e.k === 'leave' && e.name === 'bob' && e.reason === 'banned by host'), {what: 'bob banned'});
	const again = new MemberLink({host: '127.0.0.1', port: hub.port});
	const outcome = await again.join('bob2');
	again.close();
	expect(outcome).toMatchObject({ok: false, code: 'banned'});
	expect(hub.memberNames()).toEqual(['host']);
});

test('join attempts from one address are limited', async () => {
	hub = await startHub({joinLimit: {perSecond: 0.001, burst: 2}});
	await member('one');
	await member('two');
	const third = new MemberLink({host: '127.0.0.1', port: hub.port});
	const outcome = await third.join('three');
	third.close();
	expect(outcome).toMatchObject({ok: false, code: 'rate-limited'});
});

test('a full room says so', async () => {
	hub = await startHub({maxMembers: 2});
	await member('one');
	await member('two');
	const third = new MemberLink({host: '127.0.0.1', port: hub.port});
	const outcome = await third.join('three');
	third.close();
	expect(outcome).toMatchObject({ok: false, code: 'full', reason: 'the room is full (2 members)'});
});

test('the rate limit follows arrivals: a paced member whose lost line holds back the rest loses nothing', async () => {
	const dgram = await import('node:dgram');
	const {encodeEnvelope} = await import('../../source/protocol/envelope.js');
	const {PROTOCOL_VERSION} = await import('../../source/protocol/limits.js');
	hub = await startHub({rateLimit: {perSecond: 10, burst: 20}});
	const reader = await member('reader');
	const socket = dgram.createSocket('udp4');
	await new Promise<void>(resolve => {
		socket.bind(0, '127.0.0.1', resolve);
	});
	let token: string | undefined;
	socket.on('message', datagram => {
		token ??= JSON.stringify(JSON.parse(datagram.toString('utf8', 12))).includes('"accept"') ? datagram.toString('hex', 4, 12) : undefined;
	});
	socket.send(encodeEnvelope(PROTOCOL_VERSION, '0000000000000000', JSON.stringify([{t: 'hello', cid: 'raw1', name: 'raw'}])), hub.port, '127.0.0.1');
	const joined = await waitFor(() => token, {what: 'raw joined'});
	const line = (n: number) => encodeEnvelope(PROTOCOL_VERSION, joined, JSON.stringify([{t: 'd', g: 0, n, e: {k: 'say', text: `line ${n}`, id: `raw-${n}`}}]));
	// Items 2..21 arrive paced at about 7 a second; item 1 (as if lost and resent) comes last,
	// so in-order delivery releases all 21 at once.
	for (let n = 2; n <= 21; n++) {
		socket.send(line(n), hub.port, '127.0.0.1');
		await new Promise(resolve => {
			setTimeout(resolve, 140);
		});
	}

	socket.send(line(1), hub.port, '127.0.0.1');
	await allReceived([reader], 21);
	expect(reader.messages()).toEqual(Array.from({length: 21}, (_, i) => `raw: line ${i + 1}`));
	socket.close();
});
