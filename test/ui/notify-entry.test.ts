import {describe, expect, test} from 'vitest';
import type {ChatEntry} from '../../source/session/types.js';
import {backgroundAlert} from '../../source/ui/messages/notify-entry.js';

function entry(init: Partial<ChatEntry>): ChatEntry {
	return {id: 1, kind: 'message', time: 0, from: 'bob', text: 'hi', fromHistory: false, mentionsMe: false, ...init};
}

describe('what an entry does while I am not looking', () => {
	test.each([
		['a message: unread, no notification', entry({}), {unread: true}],
		['a mention: notified', entry({text: 'Alice, look', mentionsMe: true}), {unread: true, notify: {title: 'bob mentioned you', body: 'Alice, look'}}],
		['an action mentioning me', entry({kind: 'action', text: 'waves at alice', mentionsMe: true}), {unread: true, notify: {title: 'bob mentioned you', body: '* bob waves at alice'}}],
		['a DM to me (any case)', entry({kind: 'direct', to: 'ALICE', text: 'psst'}), {unread: true, notify: {title: 'bob (direct message)', body: 'psst'}}],
		['an offer: unread', entry({kind: 'offer', text: 'bob offers a.png (2 kB): /get k3'}), {unread: true}],
		['my own message, or my DM to bob: nothing', entry({from: 'Alice', kind: 'direct', to: 'bob'}), {unread: false}],
		['history: nothing', entry({mentionsMe: true, fromHistory: true}), {unread: false}],
		['a join, a notice: nothing', entry({kind: 'join', text: 'bob joined'}), {unread: false}],
		['an error: nothing', entry({kind: 'error', from: undefined, text: 'no such member'}), {unread: false}],
	])('%s', (_name, given, expected) => {
		expect(backgroundAlert(given, 'alice')).toEqual(expected);
	});
});
