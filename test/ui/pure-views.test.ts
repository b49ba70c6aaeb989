import {describe, expect, test} from 'vitest';
import type {Transfer} from '../../source/session/types.js';
import {chatLayout, fits} from '../../source/ui/chat/chat-layout.js';
import {clampIndex, cycleFocus} from '../../source/ui/chat/focus.js';
import {memberLabel, memberRows} from '../../source/ui/members/member-rows.js';
import {initialStartState, joinChoice, startReducer} from '../../source/ui/start/start-state.js';
import {shareLine, statusDetail, statusParts} from '../../source/ui/status/format-status.js';
import {hashName, nameColour, namePalette} from '../../source/ui/theme/name-colour.js';
import {formatDuration, formatSpeed, percent, progressBar, timeLeft} from '../../source/ui/transfers/format.js';
import {rowWindow, transferPaneRows, transferRows} from '../../source/ui/transfers/rows.js';
import {initialSnapshot} from './fake-session.js';

describe('name colours', () => {
	test('stable per name, case-insensitive, spread over the palette', () => {
		expect(nameColour('alice')).toEqual(nameColour('alice'));
		expect(nameColour('Alice')).toEqual(nameColour('alice'));
		expect(hashName('alice')).not.toBe(hashName('bob'));
		const used = new Set(Array.from({length: 200}, (_, index) => nameColour(`member${index}`).code));
		expect(used.size).toBe(namePalette.length);
		expect([...used].some(code => code === 31 || code === 33)).toBe(false);
	});
});

describe('transfer formatting', () => {
	const transfer: Transfer = {id: 'f1', direction: 'download', name: 'a.bin', size: 1_000_000, bytes: 250_000, state: 'progress', speed: 50_000, startedAt: 0};

	test('percent, bar, speed, time left', () => {
		expect(percent(250, 1000)).toBe('25%');
		expect(percent(999, 1000)).toBe('99%');
		expect(percent(0, 0)).toBe('100%');
		expect(progressBar(0.25, 8)).toBe('██░░░░░░');
		expect(progressBar(2, 4)).toBe('████');
		expect(formatSpeed(1_500_000)).toBe('1.5 MB/s');
		expect(formatSpeed(0)).toBe('–');
		expect(timeLeft(transfer)).toBe('15s left');
		expect(timeLeft({...transfer, speed: 0})).toBe('');
		expect(formatDuration(185)).toBe('3m 05s');
		expect(formatDuration(7260)).toBe('2h 01m');
	});

	test('rows for each state', () => {
		expect(transferRows(transfer, 24).map(row => row.text)).toEqual(['↓ a.bin', '  ████░░░░░░░░░░░░░░ 25%', '  50 kB/s · 15s left']);
		expect(transferRows({...transfer, state: 'done', path: '/tmp/a.bin'}, 24)[1]?.text).toBe('  ✓ saved /tmp/a.bin');
		expect(transferRows({...transfer, state: 'failed', error: 'hash mismatch'}, 24)[1]?.text).toBe('  ✗ failed: hash mismatch');
		expect(transferRows({...transfer, direction: 'upload', state: 'done'}, 24).map(row => row.text)).toEqual(['↑ a.bin', '  ✓ sent 1 MB']);
	});

	test('offers first with the selection, and a window that keeps it visible', () => {
		const offers = Array.from({length: 6}, (_, index) => ({id: `f${index}`, name: `file${index}`, size: 10, from: 'bob', complete: index !== 2, time: 0}));
		const rows = transferPaneRows(offers, [transfer], 4, 24);
		expect(rows[0]?.text).toBe('offers (Enter gets)');
		expect(rows.filter(row => row.selected).map(row => row.text)).toEqual(['› f4 file4', '  10 B · bob · ready']);
		expect(rows.find(row => row.text.includes('f2'))).toBeDefined();
		expect(rows.some(row => row.text.includes('uploading…'))).toBe(true);
		const visible = rowWindow(rows, 5, 4);
		expect(visible).toHaveLength(5);
		expect(visible.some(row => row.text === '› f4 file4')).toBe(true);
	});
});

describe('chat layout and focus', () => {
	test('minimum size', () => {
		expect(fits(60, 15)).toBe(true);
		expect(fits(59, 40)).toBe(false);
		expect(fits(120, 14)).toBe(false);
	});

	test('panes fill the screen less the status, share, hint and input lines', () => {
		const layout = chatLayout(100, 30, {shareLine: true, memberCount: 3});
		expect(layout.messages.height).toBe(30 - 1 - 4);
		expect(layout.messages.width + layout.side.width).toBe(100);
		expect(layout.side.membersHeight + layout.side.transfersHeight).toBe(layout.messages.height);
		expect(layout.side.membersHeight).toBe(5);
	});

	test('focus cycles both ways and skips the input when it is off', () => {
		expect(cycleFocus('input', 1)).toBe('messages');
		expect(cycleFocus('transfers', 1)).toBe('input');
		expect(cycleFocus('input', -1)).toBe('transfers');
		expect(cycleFocus('transfers', 1, false)).toBe('messages');
		expect(clampIndex(7, 3)).toBe(2);
		expect(clampIndex(-1, 3)).toBe(0);
		expect(clampIndex(2, 0)).toBe(0);
	});
});

describe('status and members', () => {
	test('status parts and the join command for a host', () => {
		const snapshot = initialSnapshot({status: 'reconnecting', statusDetail: 'hub silent', role: 'host', myName: 'ann', rttMs: 2.6, shareAddresses: ['10.0.0.5:7777']});
		expect(statusParts(snapshot).map(part => part.text)).toEqual(['● reconnecting', 'host', '192.168.1.20:7777', 'as ann', '0 members', 'rtt 3 ms', 'hub silent']);
		expect(statusDetail({status: 'connected', statusDetail: 'x'})).toBeUndefined();
		expect(shareLine(snapshot)).toBe('others join with: npx socket-chat-tui --join 10.0.0.5:7777');
		expect(shareLine({...snapshot, role: 'member'})).toBe('');
		// The interface goes before the command, so what is copied is the command alone.
		expect(shareLine({...snapshot, shareAddresses: ['10.0.0.5:7777 (eth0)', '[fe80::1%eth0]:7777 (eth0)']})).toBe(
			'others join with (eth0): npx socket-chat-tui --join 10.0.0.5:7777  (or --join [fe80::1%eth0]:7777)',
		);
		expect(shareLine({...snapshot, secret: true})).toBe('others join with: npx socket-chat-tui --join 10.0.0.5:7777 + the secret');
		// An open room's key is shown too (to compare aloud), and says the room is open.
		const connected = {...snapshot, status: 'connected' as const, statusDetail: undefined};
		expect(statusParts({...connected, fingerprint: 'abcd-efgh-ijkm'}).at(-1)).toEqual({text: 'open room abcd-efgh-ijkm: anyone on the network can join and read it', colour: 'yellow'});
		expect(statusParts({...connected, fingerprint: 'abcd-efgh-ijkm', secret: true}).at(-1)).toEqual({text: 'private abcd-efgh-ijkm', colour: 'green'});
	});

	test('member rows mark the host and me, and say how many are left out', () => {
		expect(memberLabel({name: 'ann', isHost: true, isMe: true})).toBe('★ ann (host) (you)');
		const members = Array.from({length: 10}, (_, index) => ({name: `m${index}`, isHost: false, isMe: false}));
		const {rows, more} = memberRows(members, 4, 8);
		expect(rows).toHaveLength(3);
		expect(more).toBe(7);
		expect(rows.find(row => row.selected)?.name).toBe('m8');
	});
});

describe('start screen state', () => {
	test('moves, asks for an address, records failures', () => {
		let state = startReducer(initialStartState, {type: 'move', by: 1});
		expect(state.selected).toBe(1);
		state = startReducer(state, {type: 'move', by: 1});
		expect(state.selected).toBe(0);
		state = startReducer(state, {type: 'ask-address'});
		expect(state).toMatchObject({step: 'address', selected: 1});
		state = startReducer(startReducer(state, {type: 'started'}), {type: 'failed', error: 'boom'});
		expect(state).toMatchObject({busy: false, error: 'boom'});
		expect(startReducer(state, {type: 'back'}).step).toBe('choose');
	});

	test('join addresses', () => {
		expect(joinChoice(' 10.0.0.5:7777 ')).toEqual({mode: 'join', address: '10.0.0.5:7777'});
		expect(joinChoice('')).toHaveProperty('problem');
		expect(joinChoice('a b')).toHaveProperty('problem');
	});
});
