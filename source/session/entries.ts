import prettyBytes from 'pretty-bytes';
import type {RoomEvent} from '../protocol/items.js';
import {cleanMessage, cleanText} from '../protocol/sanitize.js';
import type {ChatEntry} from './types.js';

export type EntryDraft = Omit<ChatEntry, 'id'>;

/** A room event that has a line of its own (reactions and presence are signals instead: room-reducer.ts). */
export type LineEvent = Exclude<RoomEvent, {k: 'react'} | {k: 'presence'}>;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `text` names `me` as a whole word, ignoring case ("@bob", "bob:", "Bob!"). */
export function mentions(text: string, me: string | undefined): boolean {
	if (!me) {
		return false;
	}

	return new RegExp(`(^|[^\\p{L}\\p{N}_])${escapeRegExp(me)}($|[^\\p{L}\\p{N}_])`, 'iu').test(text);
}

/**
 * Turns a room event into a line of the messages pane. Text is cleaned again here: the hub
 * already strips control characters, but a member never trusts that about what it displays.
 */
export function entryFromEvent(event: LineEvent, me: string | undefined, fromHistory: boolean): EntryDraft {
	const base = {seq: event.seq, time: event.time, fromHistory, mentionsMe: false};
	switch (event.k) {
		case 'msg': {
			const text = cleanMessage(event.text);
			const from = cleanText(event.from);
			return {
				...base,
				kind: event.me ? 'action' : 'message',
				from,
				text,
				mentionsMe: from !== me && mentions(text, me),
				...(event.re === undefined ? {} : {replyTo: event.re}),
			};
		}

		case 'dm': {
			return {...base, kind: 'direct', from: cleanText(event.from), to: cleanText(event.to), text: cleanMessage(event.text)};
		}

		case 'join': {
			const name = cleanText(event.name);
			return {...base, kind: 'join', from: name, text: `${name} joined${event.host ? ' (host)' : ''}`};
		}

		case 'leave': {
			const name = cleanText(event.name);
			const reason = cleanText(event.reason);
			return {...base, kind: 'leave', from: name, reason, text: `${name} left${reason === 'quit' ? '' : ` (${reason})`}`};
		}

		case 'nick': {
			const from = cleanText(event.from);
			const to = cleanText(event.to);
			return {...base, kind: 'nick', from, to, text: `${from} is now ${to}`};
		}

		case 'offer': {
			const from = cleanText(event.from);
			const name = cleanText(event.name);
			const folder = event.files === undefined ? '' : `, a folder of ${event.files.toLocaleString('en')} file${event.files === 1 ? '' : 's'}`;
			const what = `${from}'s ${name} (${prettyBytes(event.size)}${folder})`;
			const text = event.failed
				? `${what} cannot be fetched: the upload failed (${cleanText(event.failed)})`
				: event.complete
					? `${what} is complete, sha256 ${event.sha256?.slice(0, 16) ?? '?'}...: /get ${event.id}`
					: `${from} offers ${name} (${prettyBytes(event.size)}${folder}): /get ${event.id}`;
			return {...base, kind: 'offer', from, offerId: event.id, text};
		}
	}
}
