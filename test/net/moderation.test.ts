import {afterEach, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import {MemberLink} from '../../source/net/member-link.js';
import {allReceived, joinMember, startHub, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';
import {RawMember} from '../helpers/raw-member.js';

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

test("a flood is held to the limit and told so, while the others' messages still flow, and none of it is lost", async () => {
	hub = await startHub({rateLimit: {perSecond: 10, burst: 20}});
	const flooder = await member('flooder');
	const calm = await member('calm');
	const reader = await member('reader');
	// Bypass the member's own pacing: send straight into its reliable stream, as a hostile client would.
	const raw = flooder.link as unknown as {connection: {stream: {sender: {enqueue(json: string): void}; dirty: boolean}}; drive(): void};
	const started = Date.now();
	for (let i = 0; i < 60; i++) {
		raw.connection.stream.sender.enqueue(JSON.stringify({k: 'say', text: `flood ${i}`, id: `flood-${i}`}));
	}

	raw.connection.stream.dirty = true;
	raw.drive();
	calm.link.send({k: 'say', text: 'still here'});
	await waitFor(() => reader.messages().includes('calm: still here'), {what: "calm's message at the reader"});
	const notice = await waitFor(() => flooder.items.find(item => item.k === 'notice' && item.code === 'rate-limited'), {what: 'the flooder told'});
	expect(notice.k === 'notice' && notice.text).toMatch(/slow down: the room takes 10 messages a second \(bursts of 20\); the rest wait their turn/);
	const flood = () => reader.messages().filter(line => line.startsWith('flooder: ')).length;
	// Held back, not dropped: it all arrives, in order, at no more than the rate (and the burst).
	await waitFor(() => flood() === 60, {timeoutMs: 20_000, what: () => `the whole flood, at the rate (have ${flood()})`});
	const seconds = (Date.now() - started) / 1000;
	expect(60).toBeLessThanOrEqual(20 + 10 * seconds + 1);
	expect(seconds).toBeGreaterThan(3);
	expect(reader.messages().filter(line => line.startsWith('flooder: '))).toEqual(Array.from({length: 60}, (_, i) => `flooder: flood ${i}`));
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
	hub = await startHub({rateLimit: {perSecond: 10, burst: 20}});
	const reader = await member('reader');
	const raw = await RawMember.connect(hub.port, 'raw');
	const line = (n: number) => [{t: 'd', g: 0, n, e: {k: 'say', text: `line ${n}`, id: `raw-${n}`}}];
	// Items 2..21 arrive paced at about 7 a second; item 1 (as if lost and resent) comes last,
	// so in-order delivery releases all 21 at once.
	for (let n = 2; n <= 21; n++) {
		raw.send(line(n));
		await new Promise(resolve => {
			setTimeout(resolve, 140);
		});
	}

	raw.send(line(1));
	await allReceived([reader], 21);
	expect(reader.messages()).toEqual(Array.from({length: 21}, (_, i) => `raw: line ${i + 1}`));
	raw.close();
});
