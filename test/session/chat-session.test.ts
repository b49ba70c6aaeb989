import {describe, expect, it, vi} from 'vitest';
import type {RefusalCode} from '../../source/protocol/connection/outcomes.js';
import type {ConnectionState} from '../../source/session/types.js';
import {waitFor} from '../helpers/wait-for.js';
import {FakeLink, makeWelcome} from './fake-link.js';
import {connectedSession, entriesOf, ev, lastEntry, newSession, tick} from './session-helpers.js';

const bounded = {timeoutMs: 2000};

describe('joining', () => {
	it('goes idle -> connecting -> connected, and says so to subscribers', async () => {
		const {link, session} = newSession();
		expect(session.getSnapshot().status).toBe('idle');
		const seen: ConnectionState[] = [];
		session.subscribe(() => {
			const {status} = session.getSnapshot();
			if (seen.at(-1) !== status) {
				seen.push(status);
			}
		});

		session.join('alice');
		await waitFor(() => link.joinPending, {...bounded, what: 'join sent'});
		await tick();
		expect(link.joins).toEqual(['alice']);
		expect(session.getSnapshot().status).toBe('connecting');
		expect(session.getSnapshot().statusDetail).toContain(link.address);
		expect(session.getSnapshot().myName).toBe('alice');
		expect(seen).toEqual(['connecting']);

		link.welcome(makeWelcome('alice', ['bob']));
		await waitFor(() => session.getSnapshot().status === 'connected', {...bounded, what: 'connected'});
		await tick();
		expect(seen).toEqual(['connecting', 'connected']);
		expect(session.getSnapshot().roomAddress).toBe(link.address);
	});

	it('also connects when the link settles the join at once', async () => {
		const link = new FakeLink({outcome: {ok: true, welcome: makeWelcome('alice', ['bob'])}});
		const {session} = newSession({link});
		session.join('alice');
		await waitFor(() => session.getSnapshot().status === 'connected', {...bounded, what: 'connected'});
		expect(session.getSnapshot().members.map(member => member.name)).toEqual(['bob', 'alice']);
	});

	it("marks me and the host in the welcome's member list", async () => {
		const {session} = await connectedSession({welcome: makeWelcome('alice', ['bob', 'carol'], {host: 'bob'})});
		expect(session.getSnapshot().members).toEqual([
			{name: 'bob', isHost: true, isMe: false},
			{name: 'carol', isHost: false, isMe: false},
			{name: 'alice', isHost: false, isMe: true},
		]);
		expect(session.getSnapshot().myName).toBe('alice');
	});

	it('takes myName from the welcome (the hub may have normalised it)', async () => {
		const {link, session} = newSession();
		session.join('Alice');
		await waitFor(() => link.joinPending, bounded);
		link.welcome(makeWelcome('alice', ['bob']));
		await waitFor(() => session.getSnapshot().status === 'connected', bounded);
		expect(session.getSnapshot().myName).toBe('alice');
		expect(session.getSnapshot().members.find(member => member.isMe)?.name).toBe('alice');
	});
});

describe('history and live events', () => {
	const history = [ev.join(1, 'bob', true), ev.msg(2, 'bob', 'first'), ev.msg(3, 'carol', 'waves', true), ev.leave(4, 'dave', 'timed out')];

	it('puts the welcome history between history-start and history-end, fromHistory true', async () => {
		const {session} = await connectedSession({welcome: makeWelcome('alice', ['bob', 'carol'], {history})});
		const entries = entriesOf(session);
		expect(entries.map(entry => entry.kind)).toEqual(['history-start', 'join', 'message', 'action', 'leave', 'history-end']);
		expect(entries.every(entry => entry.fromHistory)).toBe(true);
		expect(entries.slice(1, -1).map(entry => entry.seq)).toEqual([1, 2, 3, 4]);
		expect(entries[2]).toMatchObject({kind: 'message', from: 'bob', text: 'first', seq: 2, time: history[1]!.time});
		expect(entries[4]).toMatchObject({kind: 'leave', from: 'dave', reason: 'timed out'});
	});

	it('adds no markers for an empty history', async () => {
		const {session} = await connectedSession();
		expect(entriesOf(session).filter(entry => entry.kind.startsWith('history'))).toEqual([]);
	});

	it('adds live events after the history, in order, fromHistory false', async () => {
		const {link, session} = await connectedSession({welcome: makeWelcome('alice', ['bob', 'carol'], {history})});
		link.push(ev.msg(5, 'bob', 'live one'), ev.msg(6, 'carol', 'live two'), ev.join(7, 'erin'));
		const entries = entriesOf(session);
		const end = entries.findIndex(entry => entry.kind === 'history-end');
		const live = entries.slice(end + 1);
		expect(live.map(entry => [entry.kind, entry.seq, entry.text])).toEqual([
			['message', 5, 'live one'],
			['message', 6, 'live two'],
			['join', 7, 'erin joined'],
		]);
		expect(live.every(entry => !entry.fromHistory)).toBe(true);
		const ids = entries.map(entry => entry.id);
		expect([...ids].sort((a, b) => a - b)).toEqual(ids);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('ignores an event whose seq is not newer than the last one seen', async () => {
		const {link, session} = await connectedSession({welcome: makeWelcome('alice', ['bob', 'carol'], {history})});
		link.push(ev.msg(4, 'bob', 'replayed history seq'));
		link.push(ev.msg(5, 'bob', 'once'));
		link.push(ev.msg(5, 'bob', 'once'));
		link.push(ev.msg(3, 'bob', 'older'));
		link.push(ev.join(5, 'mallory'));
		link.push(ev.msg(6, 'bob', 'next'));
		const live = entriesOf(session).filter(entry => !entry.fromHistory);
		expect(live.map(entry => entry.text)).toEqual(['once', 'next']);
		expect(session.getSnapshot().members.some(member => member.name === 'mallory')).toBe(false);
	});

	it('a second welcome (resync) adds only history it has not shown yet', async () => {
		const {link, session} = await connectedSession({welcome: makeWelcome('alice', ['bob', 'carol'], {history: history.slice(0, 2)})});
		link.push({...makeWelcome('alice', ['bob', 'carol'], {history: [ev.msg(2, 'bob', 'first'), ev.msg(3, 'bob', 'new')]}), resync: true});
		const messages = entriesOf(session, 'message');
		expect(messages.map(entry => entry.text)).toEqual(['first', 'new']);
		expect(entriesOf(session, 'notice').some(entry => entry.text.includes('fell behind'))).toBe(true);
	});

	it('turns hub notices into notice or error entries', async () => {
		const {link, session} = await connectedSession();
		link.push({k: 'notice', level: 'info', text: 'be nice'});
		link.push({k: 'notice', level: 'error', code: 'too-long', text: 'too long'});
		expect(entriesOf(session).slice(-2).map(entry => [entry.kind, entry.text])).toEqual([
			['notice', 'be nice'],
			['error', 'too long'],
		]);
	});
});

describe('membership', () => {
	it('join, leave and nick events update the member list', async () => {
		const {link, session} = await connectedSession();
		link.push(ev.join(1, 'dave'));
		expect(session.getSnapshot().members.map(member => member.name)).toEqual(['bob', 'carol', 'alice', 'dave']);
		expect(session.getSnapshot().members.find(member => member.name === 'dave')).toEqual({name: 'dave', isHost: false, isMe: false});
		link.push(ev.leave(2, 'carol'));
		expect(session.getSnapshot().members.map(member => member.name)).toEqual(['bob', 'alice', 'dave']);
		link.push(ev.nick(3, 'dave', 'david'));
		expect(session.getSnapshot().members.map(member => member.name)).toEqual(['bob', 'alice', 'david']);
		expect(session.getSnapshot().myName).toBe('alice');
		expect(lastEntry(session)).toMatchObject({kind: 'nick', from: 'dave', to: 'david', text: 'dave is now david'});
	});

	it('a nick of me updates myName and keeps me marked', async () => {
		const {link, session} = await connectedSession();
		link.push(ev.nick(1, 'alice', 'alicia'));
		expect(session.getSnapshot().myName).toBe('alicia');
		expect(session.getSnapshot().members.find(member => member.isMe)).toEqual({name: 'alicia', isHost: false, isMe: true});
		expect(session.getSnapshot().members.some(member => member.name === 'alice')).toBe(false);
		link.push(ev.msg(2, 'bob', 'hi alicia'));
		expect(lastEntry(session)?.mentionsMe).toBe(true);
	});
});

describe('mentions', () => {
	const cases: Array<[string, string, boolean]> = [
		['bob', 'hi alice', true],
		['bob', 'ALICE: look', true],
		['bob', '@Alice!', true],
		['bob', 'ask alice.', true],
		['bob', 'alicex is here', false],
		['bob', 'xalice', false],
		['bob', 'alice_b', false],
		['bob', 'nobody', false],
		['alice', 'I am alice', false],
	];
	it.each(cases)('%s says %j -> mentionsMe %s', async (from, text, expected) => {
		const {link, session} = await connectedSession();
		link.push(ev.msg(1, from, text));
		expect(lastEntry(session)).toMatchObject({kind: 'message', from, text, mentionsMe: expected});
	});

	it('an action that names me mentions me too', async () => {
		const {link, session} = await connectedSession();
		link.push(ev.msg(1, 'bob', 'pokes Alice', true));
		expect(lastEntry(session)).toMatchObject({kind: 'action', mentionsMe: true});
	});

	it('treats my name literally, not as a pattern', async () => {
		const {link, session} = await connectedSession({me: 'a.b', welcome: makeWelcome('a.b', ['bob'])});
		link.push(ev.msg(1, 'bob', 'axb is not a.b'));
		expect(lastEntry(session)?.mentionsMe).toBe(true);
		link.push(ev.msg(2, 'bob', 'only axb here'));
		expect(lastEntry(session)?.mentionsMe).toBe(false);
	});

	it('history messages that name me are marked too', async () => {
		const {session} = await connectedSession({welcome: makeWelcome('alice', ['bob'], {history: [ev.msg(1, 'bob', 'where is alice?')]})});
		expect(entriesOf(session, 'message')[0]).toMatchObject({mentionsMe: true, fromHistory: true});
	});
});

describe('refusal and loss', () => {
	it('a refusal sets status refused with the code and reason, and adds an error entry', async () => {
		const {link, session} = newSession();
		session.join('bob');
		await waitFor(() => link.joinPending, bounded);
		link.refuse('name-taken', 'the name "bob" is taken');
		await waitFor(() => session.getSnapshot().status === 'refused', {...bounded, what: 'refused'});
		expect(session.getSnapshot().refusal).toEqual({code: 'name-taken', reason: 'the name "bob" is taken'});
		expect(lastEntry(session)).toMatchObject({kind: 'error', text: 'the name "bob" is taken'});
	});

	it('maps an unknown refusal code to "other"', async () => {
		const {link, session} = newSession();
		session.join('bob');
		await waitFor(() => link.joinPending, bounded);
		// Outside the vocabulary on purpose: a link could still hand the session a code from a newer hub.
		link.refuse('weird' as RefusalCode, 'go away');
		await waitFor(() => session.getSnapshot().status === 'refused', bounded);
		expect(session.getSnapshot().refusal).toEqual({code: 'other', reason: 'go away'});
	});

	it('after a refusal, join(otherName) tries again and can connect', async () => {
		const {link, session} = newSession();
		session.join('bob');
		await waitFor(() => link.joinPending, bounded);
		link.refuse('name-taken', 'taken');
		await waitFor(() => session.getSnapshot().status === 'refused', bounded);

		session.join('bob2');
		await waitFor(() => link.joinPending, {...bounded, what: 'second join'});
		expect(link.joins).toEqual(['bob', 'bob2']);
		expect(session.getSnapshot().status).toBe('connecting');
		expect(session.getSnapshot().refusal).toBeUndefined();
		link.welcome(makeWelcome('bob2', ['bob']));
		await waitFor(() => session.getSnapshot().status === 'connected', bounded);
		expect(session.getSnapshot().myName).toBe('bob2');
		expect(session.getSnapshot().refusal).toBeUndefined();
	});

	it('a lost link sets status disconnected with the reason as statusDetail', async () => {
		const {link, session} = await connectedSession();
		link.lose('lost contact with 127.0.0.1:9999');
		await tick();
		expect(session.getSnapshot().status).toBe('disconnected');
		expect(session.getSnapshot().statusDetail).toBe('lost contact with 127.0.0.1:9999');
		expect(lastEntry(session)).toMatchObject({kind: 'error', text: 'lost contact with 127.0.0.1:9999'});

		session.submit('anyone there?');
		expect(link.sent).toEqual([]);
		expect(lastEntry(session)?.kind).toBe('error');
		expect(lastEntry(session)?.text).toContain('not connected');
	});
});

describe('submitting', () => {
	it('queues lines submitted before the welcome and sends them in order once connected', async () => {
		const {link, session} = newSession();
		session.submit('before join');
		session.join('alice');
		await waitFor(() => link.joinPending, bounded);
		session.submit('one');
		session.submit('/me two');
		session.submit('three');
		expect(link.sent).toEqual([]);
		link.welcome(makeWelcome('alice', ['bob']));
		await waitFor(() => session.getSnapshot().status === 'connected', bounded);
		expect(link.sent).toEqual([
			{k: 'say', text: 'before join'},
			{k: 'say', text: 'one'},
			{k: 'me', text: 'two'},
			{k: 'say', text: 'three'},
		]);
		session.submit('four');
		expect(link.sent.at(-1)).toEqual({k: 'say', text: 'four'});
		expect(link.sent).toHaveLength(5);
	});

	it('sends text to the room, without a trailing newline, and ignores blank lines', async () => {
		const {link, session} = await connectedSession();
		session.submit('hello there\r\n');
		session.submit('   ');
		session.submit('');
		expect(link.sent).toEqual([{k: 'say', text: 'hello there'}]);
	});

	it("'//text' sends '/text' as a message, not a command", async () => {
		const {link, session} = await connectedSession();
		const before = entriesOf(session).length;
		session.submit('//help me');
		session.submit('//');
		expect(link.sent).toEqual([
			{k: 'say', text: '/help me'},
			{k: 'say', text: '/'},
		]);
		expect(entriesOf(session)).toHaveLength(before);
	});

	describe('the 4,000-byte limit', () => {
		const fitting: Array<[string, string]> = [
			['4,000 ASCII bytes', 'a'.repeat(4000)],
			['1,333 euro signs + 1 byte (4,000 bytes)', `${'€'.repeat(1333)}a`],
			['1,000 emoji (4,000 bytes)', '😀'.repeat(1000)],
			['2,000 two-byte chars', 'é'.repeat(2000)],
		];
		const tooLong: Array<[string, string, number]> = [
			['4,001 ASCII bytes', 'a'.repeat(4001), 4001],
			['1,334 euro signs (4,002 bytes)', '€'.repeat(1334), 4002],
			['1,000 emoji + 1 byte (4,001 bytes)', `${'😀'.repeat(1000)}a`, 4001],
			['2,000 two-byte chars + 1 byte, only 2,001 characters', `${'é'.repeat(2000)}a`, 4001],
		];

		it.each(fitting)('%s is sent', async (_label, text) => {
			const {link, session} = await connectedSession();
			session.submit(text);
			expect(link.sent).toEqual([{k: 'say', text}]);
			expect(entriesOf(session, 'error')).toEqual([]);
		});

		it.each(tooLong)('%s is refused with an error naming the sizes', async (_label, text, bytes) => {
			const {link, session} = await connectedSession();
			session.submit(text);
			expect(link.sent).toEqual([]);
			const error = lastEntry(session);
			expect(error?.kind).toBe('error');
			expect(error?.text).toContain(`${bytes.toLocaleString('en')} bytes`);
			expect(error?.text).toContain('limit is 4,000');
			expect(session.submit(text)).toBe('refused');
		});

		it('counts the limit after removing the escaping slash', async () => {
			const {link, session} = await connectedSession();
			session.submit(`/${'/'.repeat(4000)}`);
			expect(link.sent).toEqual([{k: 'say', text: '/'.repeat(4000)}]);
		});

		it('applies to /me as well', async () => {
			const {link, session} = await connectedSession();
			session.submit(`/me ${'a'.repeat(4001)}`);
			await tick();
			expect(link.sent).toEqual([]);
			expect(lastEntry(session)?.kind).toBe('error');
			expect(lastEntry(session)?.text).toContain('4,001 bytes');
		});
	});
});

describe('leaving', () => {
	it.each(['!q', '/quit', ' !q '])('%j waits for flushed, then leaves, and ends in status left', async line => {
		const {link, session} = await connectedSession();
		session.submit('last words');
		link.holdFlush();
		session.submit(line);
		await waitFor(() => link.flushCalls.length === 1, {...bounded, what: 'flushed() called'});
		await tick();
		// No timeout: however long the room's pace makes it, nothing is dropped by a timer.
		expect(link.flushCalls).toEqual([Number.POSITIVE_INFINITY]);
		expect(link.leaveCalls).toEqual([]);
		expect(session.getSnapshot().status).toBe('connected');

		link.releaseFlush(true);
		await waitFor(() => session.getSnapshot().status === 'left', {...bounded, what: 'status left'});
		expect(link.leaveCalls).toHaveLength(1);
		expect(link.log.slice(-4)).toEqual(['send say', 'flushed', 'flushed -> true', 'leave']);
		expect(link.sent).toEqual([{k: 'say', text: 'last words'}]);
	});

	it('a drain that ends with the link closed reports what was not delivered, and sends no leave', async () => {
		const {link, session} = await connectedSession();
		link.flushResult = false;
		link.unacknowledged = 2;
		expect(await session.leave()).toEqual({undelivered: 2});
		expect(link.leaveCalls).toEqual([]);
		expect(link.closeCalls).toBe(1);
		expect(session.getSnapshot().status).toBe('left');
	});

	it('gives up only after the hub stayed silent for giveUpMs, and counts what was not delivered', async () => {
		const {link, session} = await connectedSession({giveUpMs: 1000});
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
		try {
			link.holdFlush();
			link.unacknowledged = 3;
			const leaving = session.leave();
			await vi.advanceTimersByTimeAsync(0);
			link.status('reconnecting', 'no answer');
			await vi.advanceTimersByTimeAsync(900);
			// Back before the bound: the wait goes on, past the bound too.
			link.status('connected');
			await vi.advanceTimersByTimeAsync(5000);
			expect(link.closeCalls).toBe(0);
			link.status('reconnecting', 'no answer');
			await vi.advanceTimersByTimeAsync(999);
			expect(link.closeCalls).toBe(0);
			await vi.advanceTimersByTimeAsync(1);
			expect(await leaving).toEqual({undelivered: 3});
			expect(link.closeCalls).toBe(1);
			expect(link.leaveCalls).toEqual([]);
		} finally {
			vi.useRealTimers();
		}
	});

	it('a link lost while draining ends the wait with the count', async () => {
		const {link, session} = await connectedSession();
		link.holdFlush();
		link.unacknowledged = 5;
		const leaving = session.leave();
		await waitFor(() => link.flushCalls.length === 1, bounded);
		link.lose('removed by the host');
		expect(await leaving).toEqual({undelivered: 5});
		expect(session.getSnapshot().status).toBe('disconnected');
	});

	it('leave() is idempotent: one flush, one leave', async () => {
		const {link, session} = await connectedSession();
		await Promise.all([session.leave(), session.leave()]);
		session.submit('/quit');
		await session.leave();
		expect(link.flushCalls).toHaveLength(1);
		expect(link.leaveCalls).toHaveLength(1);
	});

	it('leave() after a refusal keeps status refused and closes the link', async () => {
		const {link, session} = newSession();
		session.join('bob');
		await waitFor(() => link.joinPending, bounded);
		link.refuse('name-taken', 'taken');
		await waitFor(() => session.getSnapshot().status === 'refused', bounded);
		await session.leave();
		await tick();
		expect(session.getSnapshot().status).toBe('refused');
		expect(session.getSnapshot().refusal?.code).toBe('name-taken');
		expect(link.closeCalls).toBe(1);
		expect(link.leaveCalls).toEqual([]);
	});

	it('leave() after losing the link keeps status disconnected', async () => {
		const {link, session} = await connectedSession();
		link.lose('gone');
		await session.leave();
		await tick();
		expect(session.getSnapshot().status).toBe('disconnected');
		expect(link.leaveCalls).toEqual([]);
	});

	it('leave() before joining closes the link and ends in left', async () => {
		const {link, session} = newSession();
		await session.leave();
		await tick();
		expect(session.getSnapshot().status).toBe('left');
		expect(link.closeCalls).toBe(1);
	});
});

describe('snapshot and listeners', () => {
	it('getSnapshot returns the same object until something changes', async () => {
		const {link, session} = await connectedSession();
		await tick();
		const first = session.getSnapshot();
		expect(session.getSnapshot()).toBe(first);
		link.unacknowledged = 1;
		session.submit('sent: waiting, but no entry until the hub echoes it');
		const waiting = session.getSnapshot();
		expect(waiting).not.toBe(first);
		expect(waiting.entries).toEqual(first.entries);
		expect(waiting.unsent?.map(line => line.text)).toEqual(['sent: waiting, but no entry until the hub echoes it']);
		expect(session.getSnapshot()).toBe(waiting);

		link.push(ev.msg(1, 'bob', 'hi'));
		const second = session.getSnapshot();
		expect(second).not.toBe(waiting);
		expect(session.getSnapshot()).toBe(second);
		expect(first.entries).not.toContain(second.entries.at(-1));
		expect(second.entries.at(-1)?.text).toBe('hi');
	});

	it('notifies subscribers after changes (coalesced), and not after unsubscribing', async () => {
		const {link, session} = await connectedSession();
		await tick();
		let calls = 0;
		let seenText: string | undefined;
		const stop = session.subscribe(() => {
			calls++;
			seenText = session.getSnapshot().entries.at(-1)?.text;
		});
		link.push(ev.msg(1, 'bob', 'one'), ev.msg(2, 'bob', 'two'));
		await waitFor(() => calls > 0, {...bounded, what: 'a notification'});
		expect(calls).toBe(1);
		expect(seenText).toBe('two');

		link.push(ev.msg(3, 'bob', 'three'));
		await waitFor(() => calls === 2, {...bounded, what: 'a second notification'});
		expect(seenText).toBe('three');

		stop();
		link.push(ev.msg(4, 'bob', 'four'));
		await tick();
		expect(calls).toBe(2);
	});

	it('keeps entries bounded by scrollback, newest kept', async () => {
		const {link, session} = await connectedSession({scrollback: 100});
		for (let seq = 1; seq <= 1000; seq++) {
			link.push(ev.msg(seq, 'bob', `m${seq}`));
		}

		const {entries} = session.getSnapshot();
		expect(entries.length).toBeGreaterThanOrEqual(100);
		expect(entries.length).toBeLessThanOrEqual(150);
		expect(entries.at(-1)?.text).toBe('m1000');
		const seqs = entries.map(entry => entry.seq);
		expect(seqs).toEqual(Array.from({length: entries.length}, (_, i) => 1001 - entries.length + i));
	});

	it('onEntry listeners get each entry once, in order', async () => {
		const {link, session} = newSession();
		const got: number[] = [];
		const texts: string[] = [];
		const stop = session.onEntry(entry => {
			got.push(entry.id);
			texts.push(entry.text);
		});
		session.join('alice');
		await waitFor(() => link.joinPending, bounded);
		link.welcome(makeWelcome('alice', ['bob'], {history: [ev.msg(1, 'bob', 'old')]}));
		await waitFor(() => session.getSnapshot().status === 'connected', bounded);
		link.push(ev.msg(2, 'bob', 'new'), ev.msg(2, 'bob', 'new'), ev.join(3, 'carol'));
		session.submit('/nosuchcommand');
		await tick();
		expect(new Set(got).size).toBe(got.length);
		expect(got).toEqual(session.getSnapshot().entries.map(entry => entry.id));
		expect(texts).toEqual(['earlier in this room', 'old', 'now', 'new', 'carol joined', expect.stringContaining('unknown command')]);

		stop();
		link.push(ev.msg(4, 'bob', 'unheard'));
		expect(got).toHaveLength(6);
	});
});
