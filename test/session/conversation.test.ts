/**
 * Replies, reactions, typing and presence in the member's session: the pure reducer, then the
 * session's commands and its typing pace, against a fake link.
 */
import {afterEach, describe, expect, test, vi} from 'vitest';
import {reduceHubItem, type RoomState} from '../../source/session/room-reducer.js';
import {applyReaction, reactionCounts, reactionNames} from '../../source/session/reactions.js';
import {IDLE_AFTER_MS, TYPING_EVERY_MS, TYPING_SHOWN_MS} from '../../source/session/chat-session.js';
import type {RoomSignal} from '../../source/session/types.js';
import {makeWelcome} from './fake-link.js';
import {connectedSession, ev, tick} from './session-helpers.js';

const inRoom: RoomState = Object.freeze({
	status: 'connected',
	myName: 'alice',
	members: [
		{name: 'bob', isHost: true, isMe: false},
		{name: 'alice', isHost: false, isMe: true},
	],
	offers: [],
	lastSeq: 10,
});

afterEach(() => {
	vi.useRealTimers();
});

describe('the reducer', () => {
	test('a reply becomes a message entry that names what it answers', () => {
		const step = reduceHubItem(inRoom, ev.reply(11, 'bob', 'yes', 7));
		expect(step.entries).toEqual([expect.objectContaining({kind: 'message', from: 'bob', text: 'yes', replyTo: 7})]);
	});

	test('reactions: no line, counts on the target, a signal; the same taken back; renames carried', () => {
		let state = inRoom;
		const signals: RoomSignal[] = [];
		for (const event of [ev.react(11, 'bob', 5, '👍'), ev.react(12, 'alice', 5, '👍'), ev.react(13, 'bob', 5, '🎉'), ev.react(14, 'bob', 5, '👍', true)]) {
			const step = reduceHubItem(state, event);
			expect(step.entries).toEqual([]);
			signals.push(...(step.signals ?? []));
			state = step.state;
		}

		expect(state.reactions?.[5]).toEqual([{emoji: '👍', names: ['alice']}, {emoji: '🎉', names: ['bob']}]);
		expect(reactionCounts(state.reactions?.[5])).toBe('👍 1  🎉 1');
		expect(signals.map(signal => signal.kind === 'reaction' && [signal.from, signal.emoji, signal.removed])).toEqual([
			['bob', '👍', false],
			['alice', '👍', false],
			['bob', '🎉', false],
			['bob', '👍', true],
		]);
		state = reduceHubItem(state, ev.nick(15, 'bob', 'robert')).state;
		expect(reactionNames(state.reactions?.[5])).toBe('👍 alice · 🎉 robert');
		// A repeat (a number already shown) changes nothing.
		expect(reduceHubItem(state, ev.react(12, 'carol', 5, '👍')).state).toBe(state);
	});

	test('a welcome rebuilds reactions and presence from its history and member list', () => {
		const welcome = makeWelcome('alice', ['bob', 'carol']);
		const withHistory = {
			...welcome,
			members: welcome.members.map(member => (member.name === 'carol' ? {...member, state: 'away' as const, reason: 'lunch'} : member)),
			history: [ev.msg(1, 'bob', 'hi'), ev.react(2, 'carol', 1, '👋'), ev.presence(3, 'bob', 'idle')],
		};
		const step = reduceHubItem({...inRoom, lastSeq: 0, status: 'connecting'}, withHistory);
		expect(step.state.reactions?.[1]).toEqual([{emoji: '👋', names: ['carol']}]);
		expect(step.state.members.find(member => member.name === 'carol')).toMatchObject({state: 'away', reason: 'lunch'});
		expect(step.signals?.map(signal => signal.kind)).toEqual(['reaction', 'presence']);
		expect(step.signals?.every(signal => signal.kind === 'typing' || signal.fromHistory)).toBe(true);
	});

	test('presence: away with its reason, idle, back; typing: shown until their message or leave', () => {
		let state = reduceHubItem(inRoom, ev.presence(11, 'bob', 'away', 'lunch')).state;
		expect(state.members[0]).toMatchObject({name: 'bob', state: 'away', reason: 'lunch'});
		state = reduceHubItem(state, ev.presence(12, 'bob', 'here')).state;
		expect(state.members[0]).toEqual({name: 'bob', isHost: true, isMe: false});
		state = reduceHubItem(state, {k: 'typing', from: 'bob', active: true}).state;
		expect(state.typing).toEqual(['bob']);
		state = reduceHubItem(state, ev.msg(13, 'bob', 'done typing')).state;
		expect(state.typing).toEqual([]);
		state = reduceHubItem(state, {k: 'typing', from: 'bob', active: true}).state;
		state = reduceHubItem(state, ev.leave(14, 'bob')).state;
		expect(state.typing).toEqual([]);
		state = reduceHubItem(state, {k: 'typing', from: 'carol', active: true}).state;
		state = reduceHubItem(state, {k: 'typing', from: 'carol', active: false}).state;
		expect(state.typing).toEqual([]);
	});

	test('applyReaction never counts a name twice, and drops an emoji nobody gives any more', () => {
		const once = applyReaction({}, 1, '👍', 'bob', false);
		expect(applyReaction(once, 1, '👍', 'bob', false)).toBe(once);
		expect(applyReaction(once, 1, '👍', 'bob', true)[1]).toEqual([]);
		expect(applyReaction(once, 1, '🎉', 'bob', true)).toBe(once);
	});
});

describe('the session', () => {
	test('/reply and /react send what the hub expects, for a message held; refused with a reason otherwise', async () => {
		const {link, session} = await connectedSession();
		link.push(ev.msg(11, 'bob', 'the slides are ready'));
		await tick();
		session.submit('/reply 11 thanks!');
		session.submit('/react 11 👍');
		session.submit('/react #11 🎉');
		expect(link.sent.slice(-3)).toEqual([
			expect.objectContaining({k: 'say', text: 'thanks!', re: 11}),
			{k: 'react', target: 11, emoji: '👍'},
			{k: 'react', target: 11, emoji: '🎉'},
		]);
		const sent = link.sent.length;
		session.submit('/reply 99 hello');
		session.submit('/react 11');
		session.submit('/reply 11');
		expect(link.sent.length).toBe(sent);
		const errors = session.getSnapshot().entries.filter(entry => entry.kind === 'error').map(entry => entry.text);
		expect(errors).toEqual([expect.stringContaining('no room message #99'), expect.stringContaining('usage: /react'), expect.stringContaining('usage: /reply')]);
	});

	test('/away REASON and /back', async () => {
		const {link, session} = await connectedSession();
		session.submit('/away at lunch');
		session.submit('/back');
		expect(link.sent.slice(-2)).toEqual([
			{k: 'presence', state: 'away', reason: 'at lunch'},
			{k: 'presence', state: 'here'},
		]);
	});

	test('typing goes out at most every 3 s while the draft holds text, and stops when it is emptied; commands are not typing; none of it is a request of the stream', async () => {
		let now = 1_000_000;
		const {link, session} = await connectedSession({now: () => now});
		const sent = link.sent.length;
		session.keystroke('h');
		session.keystroke('he');
		now += TYPING_EVERY_MS - 1;
		session.keystroke('hel');
		expect(link.typings).toEqual([true]);
		now += 1;
		session.keystroke('hell');
		session.keystroke('');
		session.keystroke('');
		session.keystroke('/nick bo');
		expect(link.typings).toEqual([true, true, false]);
		// Not a request: nothing the hub owes an ack for, nothing counted as undelivered.
		expect(link.sent.length).toBe(sent);
		expect(session.undelivered()).toBe(0);
	});

	test('someone typing is shown until 6 s pass without another word of it', async () => {
		const {link, session} = await connectedSession();
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
		link.push({k: 'typing', from: 'bob', active: true});
		await tick();
		expect(session.getSnapshot().typing).toEqual(['bob']);
		vi.advanceTimersByTime(TYPING_SHOWN_MS - 100);
		link.push({k: 'typing', from: 'bob', active: true});
		vi.advanceTimersByTime(TYPING_SHOWN_MS - 100);
		await tick();
		expect(session.getSnapshot().typing).toEqual(['bob']);
		vi.advanceTimersByTime(200);
		await tick();
		expect(session.getSnapshot().typing).toEqual([]);
	});

	test('idle after 10 minutes without a key, here again at the next; away stays away', async () => {
		const {link, session} = await connectedSession();
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
		const presence = () => link.sent.filter(request => request.k === 'presence');
		session.keystroke('');
		vi.advanceTimersByTime(IDLE_AFTER_MS - 1);
		expect(presence()).toEqual([]);
		vi.advanceTimersByTime(1);
		expect(presence()).toEqual([{k: 'presence', state: 'idle'}]);
		session.keystroke('x');
		expect(presence().at(-1)).toEqual({k: 'presence', state: 'here'});
		// Away (the hub's event says so): idle does not replace it.
		link.push(ev.presence(20, 'alice', 'away', 'lunch'));
		await tick();
		const before = presence().length;
		vi.advanceTimersByTime(IDLE_AFTER_MS + 1);
		expect(presence().length).toBe(before);
	});

	test('signals reach their listeners: line mode prints them', async () => {
		const {link, session} = await connectedSession();
		const signals: RoomSignal[] = [];
		session.onSignal(signal => signals.push(signal));
		link.push(ev.msg(11, 'bob', 'x'));
		link.push(ev.react(12, 'bob', 11, '👍'));
		link.push({k: 'typing', from: 'bob', active: true});
		link.push(ev.presence(13, 'bob', 'away'));
		await tick();
		expect(signals.map(signal => signal.kind)).toEqual(['reaction', 'typing', 'presence']);
	});
});
