import {describe, expect, it} from 'vitest';
import {jsonEvent, plainLine} from '../../source/line/format.js';
import {entryFromEvent} from '../../source/session/entries.js';
import type {ChatEntry} from '../../source/session/types.js';
import {ev, T0} from '../session/session-helpers.js';

let nextId = 1;

/** An entry as the session would make it from a room event. */
function fromEvent(event: Parameters<typeof entryFromEvent>[0], fromHistory = false): ChatEntry {
	return {...entryFromEvent(event, 'me', fromHistory), id: nextId++};
}

function local(kind: ChatEntry['kind'], text: string, extra: Partial<ChatEntry> = {}): ChatEntry {
	return {id: nextId++, kind, text, time: T0, fromHistory: false, mentionsMe: false, ...extra};
}

describe('plainLine', () => {
	it('a multi-line message prints its further lines indented under its text; JSON keeps the newlines', () => {
		const entry = {id: 1, kind: 'message', time: 0, from: 'bob', text: 'one\n  two\nthree', fromHistory: false, mentionsMe: false} as const;
		expect(plainLine(entry)).toEqual({text: 'bob: one\n       two\n     three', error: false});
		expect(jsonEvent(entry)).toMatchObject({type: 'message', text: 'one\n  two\nthree'});
		expect(JSON.stringify(jsonEvent(entry))).toContain(String.raw`"text":"one\n  two\nthree"`);
	});

	it.each<[string, string, ChatEntry]>([
		['message', 'alice: hi', fromEvent(ev.msg(1, 'alice', 'hi'))],
		['action', '* alice waves', fromEvent(ev.msg(2, 'alice', 'waves', true))],
		['direct', '[dm] a -> b: x', fromEvent(ev.dm(3, 'a', 'b', 'x'))],
		['join', '* bob joined', fromEvent(ev.join(4, 'bob'))],
		['join of the host', '* bob joined (host)', fromEvent(ev.join(4, 'bob', true))],
		['leave (quit)', '* bob left', fromEvent(ev.leave(5, 'bob'))],
		['leave (timed out)', '* bob left (timed out)', fromEvent(ev.leave(6, 'bob', 'timed out'))],
		['nick', '* bob is now rob', fromEvent(ev.nick(7, 'bob', 'rob'))],
		['notice', '3 in the room: a, b, c', local('notice', '3 in the room: a, b, c')],
		['history-start', '-- earlier in this room --', local('history-start', 'earlier in this room', {fromHistory: true})],
		['history-end', '-- now --', local('history-end', 'now', {fromHistory: true})],
	])('%s -> %j on stdout', (_kind, text, entry) => {
		expect(plainLine(entry)).toEqual({text, error: false});
	});

	it('an offer is its text after "* " and tells how to fetch it', () => {
		const entry = fromEvent({k: 'offer', seq: 8, time: T0, id: 'f1', name: 'a.txt', size: 12, from: 'bob', complete: false});
		expect(plainLine(entry)).toEqual({text: `* ${entry.text}`, error: false});
		expect(entry.text).toContain('bob');
		expect(entry.text).toContain('a.txt');
		expect(entry.text).toContain('/get f1');
	});

	it('an error is flagged for stderr', () => {
		expect(plainLine(local('error', 'unknown command /x'))).toEqual({text: 'error: unknown command /x', error: true});
	});

	it('prints the sanitised text (no escape sequences reach the terminal)', () => {
		const line = plainLine(fromEvent(ev.msg(9, 'eve\u001B[31m', 'red\u001B[0m\u0007 text')));
		expect(line).toEqual({text: 'eve: red text', error: false});
	});
});

describe('jsonEvent', () => {
	const iso = (seq: number) => new Date(T0 + seq).toISOString();

	it('a message has type, seq, time (ISO), from and text', () => {
		const event = jsonEvent(fromEvent(ev.msg(1, 'alice', 'hi')));
		expect(event).toEqual({type: 'message', seq: 1, time: iso(1), from: 'alice', text: 'hi'});
		expect(typeof event?.time).toBe('string');
		expect(Date.parse(event?.time as string)).toBe(T0 + 1);
	});

	it('an action is a message with action: true', () => {
		expect(jsonEvent(fromEvent(ev.msg(2, 'alice', 'waves', true)))).toEqual({type: 'message', seq: 2, time: iso(2), from: 'alice', text: 'waves', action: true});
	});

	it('a direct message names both ends', () => {
		expect(jsonEvent(fromEvent(ev.dm(3, 'a', 'b', 'x')))).toEqual({type: 'direct', seq: 3, time: iso(3), from: 'a', to: 'b', text: 'x'});
	});

	it('join, leave and nick', () => {
		expect(jsonEvent(fromEvent(ev.join(4, 'bob')))).toEqual({type: 'join', seq: 4, time: iso(4), name: 'bob'});
		expect(jsonEvent(fromEvent(ev.leave(5, 'bob', 'timed out')))).toEqual({type: 'leave', seq: 5, time: iso(5), name: 'bob', reason: 'timed out'});
		expect(jsonEvent(fromEvent(ev.nick(6, 'bob', 'rob')))).toEqual({type: 'nick', seq: 6, time: iso(6), from: 'bob', to: 'rob'});
	});

	it('history entries carry history: true; live ones do not', () => {
		expect(jsonEvent(fromEvent(ev.msg(1, 'alice', 'old'), true))).toMatchObject({type: 'message', history: true});
		expect(jsonEvent(fromEvent(ev.join(2, 'bob'), true))).toMatchObject({type: 'join', history: true});
		expect(jsonEvent(fromEvent(ev.leave(3, 'bob'), true))).toMatchObject({type: 'leave', history: true});
		expect(jsonEvent(fromEvent(ev.msg(4, 'alice', 'new')))).not.toHaveProperty('history');
	});

	it('notices and errors are info and error objects', () => {
		expect(jsonEvent(local('notice', 'hello'))).toEqual({type: 'info', time: new Date(T0).toISOString(), text: 'hello'});
		expect(jsonEvent(local('error', 'bad'))).toEqual({type: 'error', time: new Date(T0).toISOString(), text: 'bad'});
	});

	it('markers have no event', () => {
		expect(jsonEvent(local('history-start', 'earlier in this room', {fromHistory: true}))).toBeUndefined();
		expect(jsonEvent(local('history-end', 'now', {fromHistory: true}))).toBeUndefined();
	});

	it('every event survives JSON on one line', () => {
		const entries = [fromEvent(ev.msg(1, 'alice', 'line\nbreak "quoted"')), fromEvent(ev.dm(2, 'a', 'b', 'tab\there')), local('error', 'x')];
		for (const entry of entries) {
			const json = JSON.stringify(jsonEvent(entry));
			expect(json).not.toContain('\n');
			expect(JSON.parse(json)).toEqual(jsonEvent(entry));
		}
	});
});
