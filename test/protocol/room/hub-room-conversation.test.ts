/**
 * The room's rules for replies, reactions, typing and presence (protocol version 5): what the
 * hub stamps, keeps, relays and refuses.
 */
import {describe, expect, test} from 'vitest';
import {encodeMessage} from '../../../source/protocol/cast/cast-wire.js';
import type {RoomEvent} from '../../../source/protocol/items.js';
import {MAX_EMOJI_PER_MESSAGE, MAX_REACTIONS_PER_MEMBER, reactionProblem} from '../../../source/protocol/room/hub-room-reactions.js';
import {TYPING_RELAY_MS} from '../../../source/protocol/room/hub-room-requests.js';
import {roomFixture} from './hub-room-fixture.js';

const reacts = (events: RoomEvent[]) => events.flatMap(event => (event.k === 'react' ? [{from: event.from, target: event.target, emoji: event.emoji, removed: event.removed}] : []));

describe('replies', () => {
	test('a reply names the message it answers; one to a number the room does not keep goes as a plain message, with a notice', () => {
		const {hub, join, events, notices} = roomFixture();
		const alice = join('alice');
		const bob = join('bob');
		hub.request(alice, {k: 'say', text: 'the slides are ready', id: 'a1'});
		const original = events.find(event => event.k === 'msg')!;
		hub.request(bob, {k: 'say', text: 'thanks!', id: 'b1', re: original.seq});
		expect(events.at(-1)).toMatchObject({k: 'msg', from: 'bob', text: 'thanks!', re: original.seq});
		hub.request(bob, {k: 'say', text: 'to nothing', id: 'b2', re: 999});
		const plain = events.at(-1)!;
		expect(plain).toMatchObject({k: 'msg', text: 'to nothing'});
		expect(plain).not.toHaveProperty('re');
		expect(notices(bob).at(-1)).toMatchObject({level: 'info', code: 'no-such-message'});
		// A join is no message to answer.
		const joinSeq = events.find(event => event.k === 'join' && event.name === 'bob')!.seq;
		hub.request(alice, {k: 'say', text: 'hi bob', id: 'a2', re: joinSeq});
		expect(events.at(-1)).not.toHaveProperty('re');
	});

	test('a reply has no place in the binary record: it goes as JSON in the room stream', () => {
		expect(encodeMessage({k: 'msg', seq: 1, time: 1, from: 'a', text: 'x'})).toBeDefined();
		// The record's fields: a reply's `re` is not among them, so the room (hub-room.ts) sends it as JSON.
		const {hub, join, events} = roomFixture();
		const alice = join('alice');
		hub.request(alice, {k: 'say', text: 'one', id: '1'});
		hub.request(alice, {k: 'say', text: 'two', id: '2', re: events.at(-1)!.seq});
		expect(JSON.parse(JSON.stringify(events.at(-1)))).toHaveProperty('re');
	});
});

describe('reactions', () => {
	test('the same reaction again takes it back; each is a numbered event, kept in the history a newcomer gets', () => {
		const {hub, join, events, welcomes} = roomFixture();
		const alice = join('alice');
		const bob = join('bob');
		hub.request(alice, {k: 'say', text: 'lunch?', id: 'a1'});
		const target = events.at(-1)!.seq;
		hub.request(bob, {k: 'react', target, emoji: '👍'});
		hub.request(alice, {k: 'react', target, emoji: '👍'});
		hub.request(bob, {k: 'react', target, emoji: '🎉'});
		hub.request(bob, {k: 'react', target, emoji: '👍'});
		expect(reacts(events)).toEqual([
			{from: 'bob', target, emoji: '👍', removed: false},
			{from: 'alice', target, emoji: '👍', removed: false},
			{from: 'bob', target, emoji: '🎉', removed: false},
			{from: 'bob', target, emoji: '👍', removed: true},
		]);
		const carol = join('carol');
		const history = welcomes(carol)[0]!.history;
		expect(history.filter(event => event.k === 'react')).toHaveLength(4);
	});

	test('refused with a reason: no such message, not an emoji, too many; a rename carries a reaction along', () => {
		const {hub, join, events, notices} = roomFixture();
		const alice = join('alice');
		hub.request(alice, {k: 'say', text: 'x', id: 'a1'});
		const target = events.at(-1)!.seq;
		hub.request(alice, {k: 'react', target: target + 50, emoji: '👍'});
		expect(notices(alice).at(-1)).toMatchObject({level: 'error', code: 'no-such-message'});
		for (const bad of ['two words', 'abc', '\u001B[31m', 'a\u0000']) {
			hub.request(alice, {k: 'react', target, emoji: bad});
			expect(notices(alice).at(-1)).toMatchObject({level: 'error', code: 'bad-reaction'});
		}

		expect(reacts(events)).toEqual([]);
		const many = ['😀', '😁', '😂', '🤣', '😃', '😄', '😅', '😆', '😉'];
		for (const emoji of many) hub.request(alice, {k: 'react', target, emoji});
		expect(reacts(events)).toHaveLength(MAX_REACTIONS_PER_MEMBER);
		expect(notices(alice).at(-1)).toMatchObject({code: 'too-many-reactions'});
		// Renamed, alice can still take hers back: the hub knows the reaction is hers.
		hub.request(alice, {k: 'nick', name: 'alicia'});
		hub.request(alice, {k: 'react', target, emoji: '😀'});
		expect(reacts(events).at(-1)).toEqual({from: 'alicia', target, emoji: '😀', removed: true});
		// Different reactions on one message are bounded too.
		const others = Array.from({length: MAX_EMOJI_PER_MESSAGE + 2}, (_, i) => join(`m${i}`));
		const symbols = ['✅', '❌', '⭐', '🔥', '💯', '👀', '🙏', '💡', '🚀', '🍕', '☕', '🎯', '🐛', '📌', '🧪', '🎵', '🌍', '🧠', '🪴', '🦄', '🥳', '🫡'];
		for (const [i, member] of others.entries()) hub.request(member, {k: 'react', target, emoji: symbols[i]!});
		// What the message carries now: every give and take-back replayed.
		const now = new Map<string, Set<string>>();
		for (const one of reacts(events)) {
			const names = now.get(one.emoji) ?? new Set();
			// (alicia is alice renamed)
			const who = one.from === 'alicia' ? 'alice' : one.from;
			if (one.removed) names.delete(who);
			else names.add(who);
			if (names.size === 0) now.delete(one.emoji);
			else now.set(one.emoji, names);
		}

		expect(now.size).toBe(MAX_EMOJI_PER_MESSAGE);
	});

	test('what makes a reaction: one or two characters as people see them', () => {
		for (const good of ['👍', '👍🏽', '🇫🇷', '❤️', '+1', '👨‍👩‍👧', 'ok']) expect(reactionProblem(good), good).toBeUndefined();
		for (const bad of ['', 'abc', 'a b', '\t', '\u200B', '👍👍👍', 'x'.repeat(40)]) expect(reactionProblem(bad), JSON.stringify(bad)).toBeDefined();
	});

	test('reactions survive a restart: a room started from its stored events knows them (taking one back works)', () => {
		const first = roomFixture();
		const alice = first.join('alice');
		first.hub.request(alice, {k: 'say', text: 'x', id: 'a1'});
		const target = first.events.at(-1)!.seq;
		first.hub.request(alice, {k: 'react', target, emoji: '👍'});
		const again = roomFixture({recent: first.events.map(event => JSON.stringify(event))});
		const back = again.join('alice');
		again.hub.request(back, {k: 'react', target, emoji: '👍'});
		expect(reacts(again.events)).toEqual([{from: 'alice', target, emoji: '👍', removed: true}]);
	});
});

describe('typing', () => {
	test('passed on to the others (never to the typist), at most every 2.5 s; stopped once; never numbered or stored', () => {
		const {hub, join, events, inbox, clock} = roomFixture();
		const alice = join('alice');
		const bob = join('bob');
		inbox(bob);
		const before = events.length;
		hub.typing(alice, true);
		hub.typing(alice, true);
		clock.advance(TYPING_RELAY_MS);
		hub.typing(alice, true);
		hub.typing(alice, false);
		hub.typing(alice, false);
		expect(inbox(bob).filter(item => item.k === 'typing')).toEqual([
			{k: 'typing', from: 'alice', active: true},
			{k: 'typing', from: 'alice', active: true},
			{k: 'typing', from: 'alice', active: false},
		]);
		expect(inbox(alice).some(item => item.k === 'typing')).toBe(false);
		expect(events.length).toBe(before);
		// A newcomer's history holds none of it.
		const carol = join('carol');
		expect(JSON.stringify(inbox(carol))).not.toContain('typing');
	});
});

describe('presence', () => {
	test('away with a reason, idle, here: stamped on change only; the welcome lists who is away', () => {
		const {hub, join, events, welcomes} = roomFixture();
		const alice = join('alice');
		hub.request(alice, {k: 'presence', state: 'away', reason: 'lunch \u001B[31mnow'});
		hub.request(alice, {k: 'presence', state: 'away', reason: 'lunch \u001B[31mnow'});
		const presence = () => events.filter(event => event.k === 'presence');
		expect(presence()).toHaveLength(1);
		expect(presence()[0]).toMatchObject({name: 'alice', state: 'away'});
		expect((presence()[0] as {reason: string}).reason).not.toContain('\u001B');
		const bob = join('bob');
		expect(welcomes(bob)[0]!.members.find(member => member.name === 'alice')).toMatchObject({state: 'away'});
		hub.request(alice, {k: 'presence', state: 'here'});
		hub.request(alice, {k: 'presence', state: 'here'});
		hub.request(alice, {k: 'presence', state: 'idle', reason: 'ignored for idle'});
		expect(presence().map(event => (event.k === 'presence' ? [event.state, event.reason] : []))).toEqual([
			['away', expect.stringContaining('lunch')],
			['here', undefined],
			['idle', undefined],
		]);
		const carol = join('carol');
		expect(welcomes(carol)[0]!.members.find(member => member.name === 'alice')).toEqual({name: 'alice', state: 'idle'});
	});
});
