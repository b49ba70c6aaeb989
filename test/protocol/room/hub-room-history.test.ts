import {describe, expect, test} from 'vitest';
import {LOG_EVENTS} from '../../../source/protocol/room/hub-room-log.js';
import {HISTORY_EVENTS, MAX_BACKLOG_ITEMS} from '../../../source/protocol/limits.js';
import type {RoomEvent} from '../../../source/protocol/items.js';
import {roomFixture} from './hub-room-fixture.js';

describe("HubRoom history: a newcomer's welcome", () => {
	test('carries the last 200 public events, oldest first (its own join the last), and no direct messages', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.join('bob');
		for (let i = 0; i < 450; i++) {
			room.hub.request(alice, {k: 'say', text: `m${i}`});
			if (i % 50 === 0) {
				room.hub.request(alice, {k: 'dm', to: 'bob', text: `secret ${i}`});
			}
		}

		const [welcome] = room.welcomes(room.join('carol'));
		expect(welcome?.history).toHaveLength(HISTORY_EVENTS);
		expect(welcome?.history.some(event => event.k === 'dm')).toBe(false);
		const texts = welcome!.history.map(event => (event.k === 'msg' ? event.text : event.k));
		expect(texts).toEqual([...Array.from({length: 199}, (_, i) => `m${251 + i}`), 'join']);
		expect(welcome?.history.at(-1)).toMatchObject({k: 'join', name: 'carol', seq: room.hub.lastSeq});
		const seqs = welcome!.history.map(event => event.seq);
		expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
		expect(welcome).not.toHaveProperty('catchUp');
	});
});

describe('HubRoom catch-up: a member returning with the last number it saw', () => {
	test('gets everything after it, its own direct messages included (it showed its resume secret) and no one else’s, each its own item after the welcome', () => {
		const room = roomFixture({privateRoom: true});
		const alice = room.join('alice');
		const bob = room.join('bob');
		const carol = room.join('carol');
		const since = room.hub.lastSeq;
		room.hub.request(alice, {k: 'say', text: 'one'});
		room.hub.request(alice, {k: 'dm', to: 'bob', text: 'for bob'});
		room.hub.request(alice, {k: 'dm', to: 'carol', text: 'for carol'});
		room.hub.request(carol, {k: 'dm', to: 'bob', text: 'from carol'});
		room.hub.request(alice, {k: 'say', text: 'two'});
		const back = room.join('bob', {replaces: bob, since, resume: bob.resume});
		const items = room.inbox(back);
		expect(items[0]).toMatchObject({k: 'welcome', you: 'bob', history: [], catchUp: 4});
		expect(items.slice(1).map(item => item.text)).toEqual(['one', 'for bob', 'from carol', 'two']);
		expect(room.notices(back)).toEqual([]);
	});

	test('a new member under a freed name, without the old session\'s resume secret, gets none of its direct messages', () => {
		const room = roomFixture({privateRoom: true});
		const alice = room.join('alice');
		const bob = room.join('bob');
		const since = room.hub.lastSeq;
		room.hub.request(alice, {k: 'dm', to: 'bob', text: 'for the real bob'});
		room.hub.request(alice, {k: 'say', text: 'public'});
		room.hub.remove(bob, 'quit');
		// Another "bob", claiming a rejoin: a guessed secret, then none.
		for (const resume of ['0123456789abcdef0123456789abcdef', undefined]) {
			const impostor = room.join('bob', {since, ...(resume ? {resume} : {})});
			const texts = room.inbox(impostor).slice(1).map(item => item.text);
			expect(texts).toContain('public');
			expect(texts).not.toContain('for the real bob');
			room.hub.remove(impostor, 'quit');
		}
	});

	test('in an open room, direct messages are never caught up, even with the resume secret', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const bob = room.join('bob');
		const since = room.hub.lastSeq;
		room.hub.request(alice, {k: 'dm', to: 'bob', text: 'psst'});
		const back = room.join('bob', {replaces: bob, since, resume: bob.resume});
		expect(bob.resume).toMatch(/^[0-9a-f]{32}$/);
		expect(room.inbox(back).slice(1).map(item => item.text)).not.toContain('psst');
	});

	test('is told which events are too old to catch up on, when the log no longer reaches back', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.join('carol');
		// Direct messages between others fill the log without being bob's to catch up on.
		const total = LOG_EVENTS * 1.1 + 2;
		while (room.hub.lastSeq < total - 1) {
			room.hub.request(alice, {k: 'dm', to: 'carol', text: 'x'});
		}

		room.hub.request(alice, {k: 'say', text: 'public'});
		// When event 1.1 * LOG_EVENTS + 1 made the log too long, it kept the newest LOG_EVENTS.
		const oldest = LOG_EVENTS * 1.1 + 1 - LOG_EVENTS + 1;
		const back = room.join('bob', {since: 5});
		const items = room.inbox(back);
		// A member coming back without a session to replace joins again: its join is among what it missed.
		expect(items.map(item => item.k)).toEqual(['welcome', 'notice', 'msg', 'join']);
		expect(items[0]).toMatchObject({catchUp: 2});
		expect(items[1]).toEqual({k: 'notice', level: 'error', code: 'gap', text: `events 6 to ${oldest - 1} are too old to catch up on`});
		expect(items[2]).toMatchObject({text: 'public', seq: total});
	});
});

describe('HubRoom: a member that falls too far behind', () => {
	test('is resynchronised from history on a new stream epoch, and misses nothing after it', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const slow = room.join('slow');
		// It never acknowledges anything, so everything piles up in its backlog.
		for (let i = 0; i < 8400; i++) {
			room.hub.request(alice, {k: 'say', text: `m${i}`});
			if (i % 1000 === 0) {
				room.inbox(alice);
			}
		}

		expect(alice.sender.epoch).toBe(0);
		expect(slow.sender.epoch).toBe(1);
		const [welcome, ...after] = room.inbox(slow) as unknown as [{k: string; resync?: boolean; history: RoomEvent[]; members: Array<{name: string}>}, ...RoomEvent[]];
		expect(welcome.k).toBe('welcome');
		expect(welcome.resync).toBe(true);
		expect(welcome.history).toHaveLength(200);
		expect(welcome.members.map(m => m.name)).toEqual(['alice', 'slow']);
		const next = welcome.history.at(-1)!.seq + 1;
		expect(after.map(event => event.seq)).toEqual(Array.from({length: room.hub.lastSeq - next + 1}, (_, i) => next + i));
		expect(after.length).toBeGreaterThan(0);
		expect(after.length).toBeLessThan(MAX_BACKLOG_ITEMS);
	});
});

describe('HubRoom restarted from its store', () => {
	test('goes on with the same numbers, shows the stored history, and still knows the stored message ids', () => {
		const first = roomFixture();
		const alice = first.join('alice');
		first.hub.request(alice, {k: 'say', text: 'before the crash', id: 'm-1'});
		const stored = first.events.map(event => JSON.stringify(event));

		const room = roomFixture({recent: stored});
		expect(room.hub.lastSeq).toBe(2);
		const back = room.join('alice');
		expect(room.events.at(-1)).toMatchObject({k: 'join', seq: 3});
		expect(room.welcomes(back)[0]?.history.map(event => event.seq)).toEqual([1, 2, 3]);
		room.hub.request(back, {k: 'say', text: 'before the crash', id: 'm-1'});
		expect(room.said()).toEqual([]);
	});

	test('appends every stamped event, direct messages included, to the store', () => {
		const persisted: string[] = [];
		const room = roomFixture({persist: json => persisted.push(json)});
		const alice = room.join('alice');
		room.hub.request(alice, {k: 'dm', to: 'alice', text: 'memo'});
		expect(persisted.map(json => (JSON.parse(json) as RoomEvent).k)).toEqual(['join', 'dm']);
	});
});
