import {describe, expect, test} from 'vitest';
import {SessionStore} from '../../source/session/session-store.js';
import {readTypedLine} from '../../source/session/typed-line.js';
import type {SessionSnapshot} from '../../source/session/types.js';
import {tick} from './session-helpers.js';

const initial: SessionSnapshot = {status: 'idle', role: 'member', roomAddress: 'h:1', shareAddresses: [], members: [], entries: [], offers: [], transfers: []};

describe('SessionStore', () => {
	test('one snapshot object until something changes; entries get increasing ids and defaults', () => {
		const store = new SessionStore(initial);
		const first = store.getSnapshot();
		expect(store.getSnapshot()).toBe(first);
		const entry = store.addEntry({kind: 'notice', text: 'hi'});
		expect(entry).toMatchObject({id: 1, kind: 'notice', text: 'hi', fromHistory: false, mentionsMe: false});
		expect(typeof entry.time).toBe('number');
		const second = store.getSnapshot();
		expect(second).not.toBe(first);
		expect(second.entries).toEqual([entry]);
		store.update({status: 'connecting'});
		expect(store.getSnapshot().status).toBe('connecting');
		expect(store.state.entries).toEqual([]);
		store.clearEntries();
		expect(store.getSnapshot().entries).toEqual([]);
		expect(store.addEntry({kind: 'error', text: 'x'}).id).toBe(2);
	});

	test('tells subscribers once per burst, and entry listeners at once', async () => {
		const store = new SessionStore(initial);
		let calls = 0;
		const texts: string[] = [];
		const stop = store.subscribe(() => calls++);
		store.onEntry(entry => texts.push(entry.text));
		store.addEntry({kind: 'notice', text: 'a'});
		store.update({status: 'connected'});
		store.addEntry({kind: 'notice', text: 'b'});
		expect(texts).toEqual(['a', 'b']);
		expect(calls).toBe(0);
		await tick();
		expect(calls).toBe(1);
		stop();
		store.addEntry({kind: 'notice', text: 'c'});
		await tick();
		expect(calls).toBe(1);
	});

	test('keeps the newest entries past the scrollback, dropping in batches', () => {
		const store = new SessionStore(initial, 100);
		for (let i = 0; i < 150; i++) {
			store.addEntry({kind: 'notice', text: `n${i}`});
		}

		expect(store.getSnapshot().entries).toHaveLength(150);
		store.addEntry({kind: 'notice', text: 'n150'});
		const {entries} = store.getSnapshot();
		expect(entries).toHaveLength(100);
		expect(entries[0]?.text).toBe('n51');
		expect(entries.at(-1)?.text).toBe('n150');
	});
});

describe('readTypedLine', () => {
	test.each([
		['', {kind: 'blank'}],
		['   \r\n', {kind: 'blank'}],
		['!q', {kind: 'quit'}],
		[' !q ', {kind: 'quit'}],
		['hello\r\n', {kind: 'text', text: 'hello'}],
		['  indented', {kind: 'text', text: '  indented'}],
		['/me waves', {kind: 'command', line: 'me waves'}],
		['  /help', {kind: 'command', line: 'help'}],
		['//help me', {kind: 'text', text: '/help me'}],
		['//', {kind: 'text', text: '/'}],
		['  //x', {kind: 'text', text: '  //x'}],
		['a\nb\n', {kind: 'text', text: 'a\nb'}],
	] as const)('%j', (line, expected) => {
		expect(readTypedLine(line)).toEqual(expected);
	});
});
