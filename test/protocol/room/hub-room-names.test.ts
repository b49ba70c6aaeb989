import {describe, expect, test} from 'vitest';
import {roomFixture} from './hub-room-fixture.js';

describe('HubRoom names: one per live member, compared ignoring case and width', () => {
	test('a taken name is refused, ignoring case and Unicode width, never renamed', () => {
		const room = roomFixture();
		room.join('alice');
		for (const name of ['alice', 'ALICE', '\uFF21lice']) {
			const problem = room.hub.nameProblem(name);
			expect(problem).toMatchObject({code: 'name-taken'});
			expect(problem?.reason).toContain('taken');
		}

		expect(room.hub.live().map(member => member.name)).toEqual(['alice']);
	});

	test.each([
		['two words', 'name-invalid'],
		['y'.repeat(400), 'name-invalid'],
		['', 'name-invalid'],
		['bob', undefined],
	])('the name %j: %s', (name, code) => {
		const room = roomFixture();
		room.join('alice');
		expect(room.hub.nameProblem(name)?.code).toBe(code);
	});

	test("a departed member's name is free again", () => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.hub.remove(alice, 'quit');
		expect(room.hub.nameProblem('Alice')).toBeUndefined();
	});

	test('a name is kept as written (NFC), and the welcome says it', () => {
		const room = roomFixture();
		const member = room.join('Cafe\u0301');
		expect(member.name).toBe('Caf\u00E9');
		expect(room.welcomes(member)[0]?.you).toBe('Caf\u00E9');
	});
});

describe('HubRoom names: a look-alike of a present name (UTS #39 skeleton) is refused like a taken one', () => {
	const lookalike = '\u0430lice'; // Cyrillic а
	const reason = `the name "${lookalike}" looks like "alice", who is in this room; pick another`;

	test('a join is refused while the original is present, and allowed once it left', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		expect(room.hub.nameProblem(lookalike)).toEqual({code: 'name-taken', reason});
		expect(room.hub.nameProblem('a1ice')?.code).toBe('name-taken');
		room.hub.remove(alice, 'quit');
		expect(room.hub.nameProblem(lookalike)).toBeUndefined();
		expect(room.hub.nameProblem('a1ice')).toBeUndefined();
	});

	test('a rename is refused while the original is present, and allowed once it left', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const bob = room.join('bob');
		room.hub.request(bob, {k: 'nick', name: lookalike});
		expect(room.notices(bob)).toEqual([{k: 'notice', level: 'error', code: 'name-taken', text: `cannot rename: ${reason}`}]);
		expect(bob.name).toBe('bob');
		room.hub.request(alice, {k: 'leave'});
		room.hub.request(bob, {k: 'nick', name: lookalike});
		expect(room.events.at(-1)).toMatchObject({k: 'nick', from: 'bob', to: lookalike});
		// Now the look-alike is the present name, and the original looks like it.
		expect(room.hub.nameProblem('alice')).toEqual({code: 'name-taken', reason: `the name "alice" looks like "${lookalike}", who is in this room; pick another`});
	});

	test('a rename frees the old name\'s look-alikes and takes the new one\'s', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.hub.request(alice, {k: 'nick', name: 'paypal'});
		expect(room.hub.nameProblem(lookalike)).toBeUndefined();
		expect(room.hub.nameProblem('PaypaI')?.code).toBe('name-taken');
	});

	test('a member may take a look-alike of its own name, and re-case it', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		room.hub.request(alice, {k: 'nick', name: lookalike});
		room.hub.request(alice, {k: 'nick', name: 'ALICE'});
		expect(room.notices(alice)).toEqual([]);
		expect(room.events.filter(event => event.k === 'nick')).toMatchObject([{from: 'alice', to: lookalike}, {from: lookalike, to: 'ALICE'}]);
	});

	test('a session replacing its own stale one keeps its name beside no look-alike of it', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		expect(room.hub.nameProblem('Alice', alice)).toBeUndefined();
		const again = room.join('alice', {replaces: alice});
		expect(room.hub.nameProblem(lookalike)).toEqual({code: 'name-taken', reason});
		room.hub.remove(again, 'quit');
		expect(room.hub.nameProblem(lookalike)).toBeUndefined();
	});
});

describe('HubRoom renames', () => {
	test('/nick renames everywhere; a taken name is refused', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const bob = room.join('bob');
		room.hub.request(bob, {k: 'nick', name: 'Alice'});
		expect(room.notices(bob)).toEqual([{k: 'notice', level: 'error', code: 'name-taken', text: 'cannot rename: the name "alice" is taken in this room; pick another'}]);
		room.hub.request(bob, {k: 'nick', name: 'robert'});
		expect(room.seen(alice).at(-1)).toMatchObject({k: 'nick', from: 'bob', to: 'robert'});
		expect(room.hub.live().map(member => member.name).sort()).toEqual(['alice', 'robert']);
		expect(room.hub.nameProblem('BOB')).toBeUndefined();
		expect(room.hub.nameProblem('Robert')?.code).toBe('name-taken');
	});

	test('a member may re-case its own name; the same name again is no event; an invalid one is refused', () => {
		const room = roomFixture();
		const bob = room.join('bob');
		room.hub.request(bob, {k: 'nick', name: 'Bob'});
		room.hub.request(bob, {k: 'nick', name: 'Bob'});
		room.hub.request(bob, {k: 'nick', name: 'two words'});
		expect(room.events.filter(event => event.k === 'nick')).toMatchObject([{from: 'bob', to: 'Bob'}]);
		expect(room.notices(bob).map(notice => notice.code)).toEqual(['name-invalid']);
		expect(bob.name).toBe('Bob');
	});
});

describe('HubRoom joins and leaves', () => {
	test('join and leave are room events; the welcome lists members and history', () => {
		const room = roomFixture();
		const alice = room.join('alice', {host: true});
		room.hub.request(alice, {k: 'say', text: 'before bob'});
		const bob = room.join('bob');
		const [welcome] = room.welcomes(bob);
		expect(welcome?.members).toEqual([{name: 'alice', host: true}, {name: 'bob'}]);
		expect(welcome?.history.flatMap(event => (event.k === 'msg' ? [`${event.from}: ${event.text}`] : []))).toEqual(['alice: before bob']);
		// The welcome comes first in bob's stream, its own join at the end of its history, not sent again.
		expect(room.inbox(bob).map(item => item.k)).toEqual(['welcome']);
		expect(welcome?.history.at(-1)).toMatchObject({k: 'join', name: 'bob'});
		expect(room.seen(alice).at(-1)).toMatchObject({k: 'join', name: 'bob'});
		room.hub.request(bob, {k: 'leave'});
		expect(room.seen(alice).at(-1)).toMatchObject({k: 'leave', name: 'bob', reason: 'quit'});
		expect(room.hub.live().map(member => member.name)).toEqual(['alice']);
	});

	test('a member removed as timed out is announced once; it lingers until forgotten', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const ghost = room.join('ghost');
		room.clock.advance(600);
		room.hub.remove(ghost, 'timed out');
		room.hub.remove(ghost, 'timed out');
		expect(room.seen(alice).filter(event => event.k === 'leave')).toMatchObject([{name: 'ghost', reason: 'timed out'}]);
		expect(ghost.departedAt).toBe(room.clock.now());
		expect(room.hub.members.get(ghost.token)).toBe(ghost);
		room.hub.forget(ghost);
		expect(room.hub.members.has(ghost.token)).toBe(false);
		expect(room.hub.live().map(member => member.name)).toEqual(['alice']);
	});

	test('a session replacing its own stale one takes it over without a leave and a join', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		const bob = room.join('bob');
		const before = room.events.length;
		expect(room.hub.stale(bob.token, 'BOB')).toBe(bob);
		expect(room.hub.stale(bob.token, 'alice')).toBeUndefined();
		expect(room.hub.stale(undefined, 'bob')).toBeUndefined();
		const again = room.join('bob', {replaces: bob, since: room.hub.lastSeq});
		expect(room.events).toHaveLength(before);
		expect(bob.departedAt).toBeDefined();
		expect(room.hub.members.has(bob.token)).toBe(false);
		expect(room.hub.members.get(again.token)).toBe(again);
		expect(again.token).not.toBe(bob.token);
		expect(room.hub.live()).toEqual([alice, again]);
		expect(room.welcomes(again)[0]).toMatchObject({you: 'bob', catchUp: 0});
	});

	test('findByPeer finds a live member by its address only', () => {
		const room = roomFixture();
		const alice = room.join('alice');
		expect(room.hub.findByPeer(alice.peer)).toBe(alice);
		room.hub.remove(alice, 'quit');
		expect(room.hub.findByPeer(alice.peer)).toBeUndefined();
	});
});

describe('HubRoom moderation', () => {
	test('the host kicks and bans; others cannot; everyone sees it', () => {
		const room = roomFixture();
		const host = room.join('host', {host: true});
		const bob = room.join('bob');
		const carol = room.join('carol');
		room.hub.request(bob, {k: 'kick', name: 'carol'});
		expect(room.notices(bob)).toMatchObject([{code: 'not-host', text: 'only the host can kick members'}]);
		room.hub.request(host, {k: 'kick', name: 'carol'});
		expect(room.seen(bob).at(-1)).toMatchObject({k: 'leave', name: 'carol', reason: 'kicked by host'});
		expect(carol.departedAt).toBeDefined();
		room.hub.request(host, {k: 'ban', name: 'BOB'});
		expect(room.seen(host).at(-1)).toMatchObject({k: 'leave', name: 'bob', reason: 'banned by host'});
		// The hub tells the removed member and bans its address from these.
		expect(room.removed).toEqual([
			{name: 'carol', reason: 'kicked by host', ban: false},
			{name: 'bob', reason: 'banned by host', ban: true},
		]);
		expect(room.hub.live().map(member => member.name)).toEqual(['host']);
	});

	test.each([
		['kick', 'nobody', 'no-such-member', 'nobody named "nobody" is in the room'],
		['ban', 'host', 'self', 'you cannot ban yourself; /quit closes the room'],
		['kick', 'HOST', 'self', 'you cannot kick yourself; /quit closes the room'],
	] as const)('the host may not %s %j: %s', (k, name, code, text) => {
		const room = roomFixture();
		const host = room.join('host', {host: true});
		room.join('bob');
		room.hub.request(host, {k, name});
		expect(room.notices(host)).toEqual([{k: 'notice', level: 'error', code, text}]);
		expect(room.removed).toEqual([]);
	});
});
