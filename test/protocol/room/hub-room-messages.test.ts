import {describe, expect, test} from 'vitest';
import {MAX_TEXT_BYTES} from '../../../source/protocol/limits.js';
import {roomFixture} from './hub-room-fixture.js';

const lines = (events: ReturnType<ReturnType<typeof roomFixture>['seen']>) =>
	events.flatMap(event => (event.k === 'msg' ? [`${event.from}: ${event.text}`] : event.k === 'dm' ? [`${event.from} -> ${event.to}: ${event.text}`] : []));

describe('HubRoom messages: one numbering, one order, for everyone', () => {
	test('three members talk and all see one history in one order; each event stamped with the next number and the clock', () => {
		const room = roomFixture();
		const members = ['alice', 'bob', 'carol'].map(name => room.join(name));
		for (let i = 0; i < 20; i++) {
			for (const member of members) {
				room.clock.advance(1);
				room.hub.request(member, {k: 'say', text: `${member.name[0]}${i}`});
			}
		}

		const order = room.seen(members[2]!).map(event => event.seq);
		for (const member of members) {
			expect(room.seen(member).filter(event => event.k === 'msg').map(event => event.seq)).toEqual(room.events.filter(event => event.k === 'msg').map(event => event.seq));
			expect(lines(room.seen(member)).filter(line => line.startsWith('alice: '))).toEqual(Array.from({length: 20}, (_, i) => `alice: a${i}`));
		}

		expect(order).toEqual([...order].sort((a, b) => a - b));
		expect(room.events.map(event => event.seq)).toEqual(Array.from({length: room.events.length}, (_, i) => i + 1));
		expect(room.events.at(-1)?.time).toBe(room.clock.now());
		expect(room.hub.lastSeq).toBe(room.events.length);
	});

	test('/me is an action', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.hub.request(alice, {k: 'me', text: 'waves'});
		expect(room.events.at(-1)).toMatchObject({k: 'msg', from: 'alice', text: 'waves', me: true});
	});
});

describe('HubRoom text rules', () => {
	test('a message over the limit is refused with a clear error, not truncated', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const bob = room.join('bob');
		room.hub.request(alice, {k: 'say', text: 'x'.repeat(MAX_TEXT_BYTES + 1)});
		room.hub.request(alice, {k: 'say', text: 'é'.repeat(MAX_TEXT_BYTES / 2)});
		room.hub.request(alice, {k: 'dm', to: 'bob', text: '€'.repeat(1334)});
		expect(room.notices(alice)).toEqual([
			{k: 'notice', level: 'error', code: 'too-long', text: `message not sent: ${MAX_TEXT_BYTES + 1} bytes, the limit is ${MAX_TEXT_BYTES}`},
			{k: 'notice', level: 'error', code: 'too-long', text: `message not sent: 4002 bytes, the limit is ${MAX_TEXT_BYTES}`},
		]);
		expect(lines(room.seen(bob))).toEqual([`alice: ${'é'.repeat(MAX_TEXT_BYTES / 2)}`]);
	});

	test.each([
		['control and escape characters are stripped', 'red\u001B[31m alert\u0007\u202E!', 'red alert!'],
		['line breaks and indentation are kept (tabs as spaces), other controls stripped', 'def f():\r\n\treturn 1\n\n\u001B[31mred\u001B[0m\u0007', 'def f():\n    return 1\n\nred'],
	])('%s', (_name, text, stamped) => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.hub.request(alice, {k: 'say', text});
		expect(room.said()).toEqual([stamped]);
	});

	test('a message that is blank once cleaned is not stamped, and nobody is told', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.hub.request(alice, {k: 'say', text: ' \u001B[0m\u0007 '});
		room.hub.request(alice, {k: 'dm', to: 'alice', text: '\n'});
		expect(room.said()).toEqual([]);
		expect(room.notices(alice)).toEqual([]);
		expect(room.hub.lastSeq).toBe(1);
	});
});

describe('HubRoom direct messages', () => {
	test('direct messages reach only the sender and the recipient (named ignoring case)', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const bob = room.join('bob');
		const carol = room.join('carol');
		room.hub.request(alice, {k: 'dm', to: 'BOB', text: 'psst a\n  b'});
		room.hub.request(alice, {k: 'say', text: 'public'});
		expect(lines(room.seen(alice)).slice(-2)).toEqual(['alice -> bob: psst a\n  b', 'alice: public']);
		expect(lines(room.seen(bob)).slice(-2)).toEqual(['alice -> bob: psst a\n  b', 'alice: public']);
		expect(lines(room.seen(carol))).toEqual(['alice: public']);
		// Not a room event for the host's log, not in a newcomer's history; its number is used.
		expect(room.events.some(event => event.k === 'dm')).toBe(false);
		const dave = room.join('dave');
		expect(room.welcomes(dave)[0]?.history.some(event => event.k === 'dm')).toBe(false);
		expect(room.events.map(event => event.seq)).not.toContain(4);
	});

	test('a direct message to oneself is sent once; to nobody, the sender is told', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.hub.request(alice, {k: 'dm', to: 'alice', text: 'note to self'});
		room.hub.request(alice, {k: 'dm', to: 'zed\u0007', text: 'hi'});
		expect(lines(room.seen(alice))).toEqual(['alice -> alice: note to self']);
		expect(room.notices(alice)).toEqual([{k: 'notice', level: 'error', code: 'no-such-member', text: 'nobody named "zed" is in the room'}]);
	});
});

describe('HubRoom message ids: a message resent after a reconnect is stamped once', () => {
	test('a say, an action or a direct message seen before by id is dropped, silently', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const bob = room.join('bob');
		room.hub.request(alice, {k: 'say', text: 'hi', id: 'a1'});
		room.hub.request(alice, {k: 'me', text: 'hi again', id: 'a1'});
		room.hub.request(alice, {k: 'dm', to: 'bob', text: 'psst', id: 'a2'});
		room.hub.request(alice, {k: 'dm', to: 'bob', text: 'psst', id: 'a2'});
		room.hub.request(alice, {k: 'say', text: 'hi', id: 'a1'});
		expect(lines(room.seen(bob))).toEqual(['alice: hi', 'alice -> bob: psst']);
		expect(room.events.at(-1)).toMatchObject({k: 'msg', mid: 'a1'});
		expect(room.notices(alice)).toEqual([]);
	});

	test('ids are the sender\'s own: a member who sends another\'s id first pre-empts nothing', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const mallory = room.join('mallory');
		const bob = room.join('bob');
		room.hub.request(mallory, {k: 'say', text: 'first!', id: 'a1'});
		room.hub.request(mallory, {k: 'dm', to: 'bob', text: 'me too', id: 'a2'});
		room.hub.request(alice, {k: 'say', text: 'hi', id: 'a1'});
		room.hub.request(alice, {k: 'dm', to: 'bob', text: 'psst', id: 'a2'});
		room.hub.request(alice, {k: 'say', text: 'hi', id: 'a1'});
		expect(lines(room.seen(bob))).toEqual(['mallory: first!', 'mallory -> bob: me too', 'alice: hi', 'alice -> bob: psst']);
	});

	test('a sender\'s ids are remembered across a restart, still as its own', () => {
		const first = roomFixture();
		const alice = first.join('alice');
		first.join('mallory');
		first.hub.request(alice, {k: 'say', text: 'hi', id: 'a1'});
		const second = roomFixture({recent: first.events.map(event => JSON.stringify(event))});
		const again = second.join('Alice');
		const mallory = second.join('mallory');
		second.hub.request(again, {k: 'say', text: 'hi', id: 'a1'});
		second.hub.request(mallory, {k: 'say', text: 'mine', id: 'a1'});
		expect(second.events.filter(event => event.k === 'msg').map(event => event.from)).toEqual(['mallory']);
	});
});
