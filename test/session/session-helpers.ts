import type {RoomEvent, Welcome} from '../../source/protocol/items.js';
import type {LineEvent} from '../../source/session/entries.js';
import {ChatSession, type ChatSessionOptions} from '../../source/session/chat-session.js';
import type {ChatEntry} from '../../source/session/types.js';
import {waitFor} from '../helpers/wait-for.js';
import {FakeLink, makeWelcome} from './fake-link.js';

export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);

/** Lets queued microtasks (the coalesced snapshot notification) and promise continuations run. */
export async function tick(): Promise<void> {
	await new Promise(resolve => {
		setImmediate(resolve);
	});
}

export const ev = {
	msg: (seq: number, from: string, text: string, me = false): LineEvent => ({k: 'msg', seq, time: T0 + seq, from, text, ...(me ? {me: true} : {})}),
	reply: (seq: number, from: string, text: string, re: number): LineEvent => ({k: 'msg', seq, time: T0 + seq, from, text, re}),
	dm: (seq: number, from: string, to: string, text: string): LineEvent => ({k: 'dm', seq, time: T0 + seq, from, to, text}),
	join: (seq: number, name: string, host = false): LineEvent => ({k: 'join', seq, time: T0 + seq, name, ...(host ? {host: true} : {})}),
	leave: (seq: number, name: string, reason = 'quit'): LineEvent => ({k: 'leave', seq, time: T0 + seq, name, reason}),
	nick: (seq: number, from: string, to: string): LineEvent => ({k: 'nick', seq, time: T0 + seq, from, to}),
	react: (seq: number, from: string, target: number, emoji: string, removed = false): RoomEvent => ({k: 'react', seq, time: T0 + seq, from, target, emoji, removed}),
	presence: (seq: number, name: string, state: 'here' | 'away' | 'idle', reason?: string): RoomEvent => ({k: 'presence', seq, time: T0 + seq, name, state, ...(reason ? {reason} : {})}),
};

export function newSession(options: Partial<ChatSessionOptions> = {}): {link: FakeLink; session: ChatSession} {
	const link = options.link instanceof FakeLink ? options.link : new FakeLink();
	const session = new ChatSession({role: 'member', ...options, link});
	return {link, session};
}

/** A session joined as `me` (default alice) into a room with bob (host) and carol. */
export async function connectedSession(
	options: Partial<ChatSessionOptions> & {me?: string; welcome?: Welcome} = {},
): Promise<{link: FakeLink; session: ChatSession}> {
	const {me = 'alice', welcome, ...rest} = options;
	const {link, session} = newSession(rest);
	session.join(me);
	await waitFor(() => link.joinPending, {timeoutMs: 2000, what: 'join to reach the link'});
	link.welcome(welcome ?? makeWelcome(me, ['bob', 'carol']));
	await waitFor(() => session.getSnapshot().status === 'connected', {timeoutMs: 2000, what: 'status connected'});
	return {link, session};
}

export function entriesOf(session: ChatSession, kind?: ChatEntry['kind']): readonly ChatEntry[] {
	const {entries} = session.getSnapshot();
	return kind ? entries.filter(entry => entry.kind === kind) : entries;
}

export function lastEntry(session: ChatSession): ChatEntry | undefined {
	return session.getSnapshot().entries.at(-1);
}
