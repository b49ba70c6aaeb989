import {describe, expect, test} from 'vitest';
import {roomJoinAddress, roomLabel, roomRows} from '../../source/ui/start/room-rows.js';
import {initialPickerState, initialStartState, selection, startReducer} from '../../source/ui/start/start-state.js';
import {discoveredRoom} from './fake-room-list.js';

describe('room rows', () => {
	test('join addresses: IPv4 and names as they are, IPv6 in brackets', () => {
		expect(roomJoinAddress({address: '192.168.1.20', port: 7777})).toBe('192.168.1.20:7777');
		expect(roomJoinAddress({address: 'fe80::1', port: 7777})).toBe('[fe80::1]:7777');
		expect(roomJoinAddress({address: 'fe80::1%eth0', port: 9})).toBe('[fe80::1%eth0]:9');
		expect(roomJoinAddress({address: '[::1]', port: 9})).toBe('[::1]:9');
		expect(roomJoinAddress({address: 'alice-laptop.local', port: 9})).toBe('alice-laptop.local:9');
	});

	test('labels: name, host, members, address', () => {
		expect(roomLabel(discoveredRoom())).toBe('kitchen · alice-laptop · 3 members · 192.168.1.20:7777');
		expect(roomLabel(discoveredRoom({members: 1, address: '::1', port: 1}))).toBe('kitchen · alice-laptop · 1 member · [::1]:1');
		expect(roomLabel(discoveredRoom({members: 0}))).toContain('0 members');
	});

	test('rows fit the height and keep the selected room in view', () => {
		const rooms = Array.from({length: 10}, (_, index) => discoveredRoom({address: `10.0.0.${index}`, name: `r${index}`}));
		expect(roomRows(rooms.slice(0, 3), 5, '10.0.0.1:7777')).toMatchObject({more: 0, rows: [{selected: false}, {selected: true, address: '10.0.0.1:7777'}, {selected: false}]});
		const top = roomRows(rooms, 4, undefined);
		expect(top.rows.map(row => row.address)).toEqual(['10.0.0.0:7777', '10.0.0.1:7777', '10.0.0.2:7777']);
		expect(top.more).toBe(7);
		const scrolled = roomRows(rooms, 4, '10.0.0.8:7777');
		expect(scrolled.rows.map(row => row.address)).toEqual(['10.0.0.6:7777', '10.0.0.7:7777', '10.0.0.8:7777']);
		expect(scrolled.rows.at(-1)?.selected).toBe(true);
		expect(roomRows(rooms, 1, '10.0.0.9:7777').rows.map(row => row.address)).toEqual(['10.0.0.9:7777']);
		expect(roomRows([discoveredRoom({secret: true})], 3, undefined).rows[0]?.secret).toBe(true);
	});
});

describe('picker state', () => {
	const rooms = ['10.0.0.1:7777', '10.0.0.2:7777'];

	test('starts on the first room, or on "Host a room" when none is listed', () => {
		expect(selection(initialPickerState(rooms), rooms)).toEqual({kind: 'room', address: '10.0.0.1:7777'});
		expect(initialPickerState([])).toBe(initialStartState);
	});

	test('moves through the rooms, then the options, and wraps', () => {
		const seen: unknown[] = [];
		let state = initialPickerState(rooms);
		for (let step = 0; step < 4; step++) {
			state = startReducer(state, {type: 'move', by: 1, rooms});
			seen.push(selection(state, rooms));
		}

		expect(seen).toEqual([
			{kind: 'room', address: '10.0.0.2:7777'},
			{kind: 'option', index: 0},
			{kind: 'option', index: 1},
			{kind: 'room', address: '10.0.0.1:7777'},
		]);
		state = startReducer(state, {type: 'move', by: -1, rooms});
		expect(selection(state, rooms)).toEqual({kind: 'option', index: 1});
	});

	test('a room that appears does not move the selection; one that goes gives way to the option', () => {
		let state = startReducer(initialStartState, {type: 'move', by: 1, rooms: []});
		expect(selection(state, rooms)).toEqual({kind: 'option', index: 1});
		state = startReducer(state, {type: 'move', by: -2, rooms});
		expect(selection(state, rooms)).toEqual({kind: 'room', address: '10.0.0.2:7777'});
		expect(selection(state, ['10.0.0.1:7777'])).toEqual({kind: 'option', index: 1});
		state = startReducer(state, {type: 'move', by: 1, rooms: ['10.0.0.1:7777']});
		expect(selection(state, ['10.0.0.1:7777'])).toEqual({kind: 'room', address: '10.0.0.1:7777'});
	});

	test('asking for an address leaves the rooms; starting records what is started', () => {
		let state = startReducer(initialPickerState(rooms), {type: 'ask-address'});
		expect(selection(state, rooms)).toEqual({kind: 'option', index: 1});
		state = startReducer(state, {type: 'started', what: 'joining 10.0.0.1:7777…'});
		expect(state).toMatchObject({busy: true, starting: 'joining 10.0.0.1:7777…'});
		expect(startReducer(state, {type: 'failed', error: 'no'})).toMatchObject({busy: false, starting: undefined, error: 'no'});
	});
});
