import {afterEach, describe, expect, test, vi} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession, FakeSession} from './fake-session.js';
import {discoveredRoom, FakeRoomList} from './fake-room-list.js';
import {keys} from './keys.js';
import {press, renderApp} from './render-app.js';
import {starter} from './starter.js';
import {screen, settle, waitForNoText, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
	vi.useRealTimers();
});

const kitchen = discoveredRoom();
const lab = discoveredRoom({address: '192.168.1.21', name: 'lab', host: 'bob-pc', members: 1});
const kitchenRow = 'kitchen · alice-laptop · 3 members · 192.168.1.20:7777';
const labRow = 'lab · bob-pc · 1 member · 192.168.1.21:7777';

describe('room picker on the start screen', () => {
	test('the list is live: rooms appear as they are found', async () => {
		const rooms = new FakeRoomList();
		const {startSession} = starter(async () => connectedSession());
		const rendered = renderApp({startSession, rooms});
		await waitForText(rendered, 'Rooms on this network');
		expect(screen(rendered)).toContain('looking for rooms on this network…');
		rooms.add(kitchen);
		const frame = await waitForText(rendered, kitchenRow);
		expect(frame).not.toContain('looking for rooms');
		rooms.add(lab);
		await waitForText(rendered, labRow);
		rooms.set([lab]);
		await waitForNoText(rendered, kitchenRow);
	});

	test('Down and Enter join the second room', async () => {
		const session = new FakeSession({roomAddress: '192.168.1.21:7777'});
		const {choices, startSession} = starter(async () => session);
		const rendered = renderApp({startSession, rooms: new FakeRoomList([kitchen, lab])});
		await waitForText(rendered, `› ${kitchenRow}`);
		await press(rendered, keys.down);
		await waitForText(rendered, `› ${labRow}`);
		await press(rendered, keys.enter);
		await waitForText(rendered, 'Your name:');
		expect(choices).toEqual([{mode: 'join', address: '192.168.1.21:7777'}]);
	});

	test('an IPv6 room is joined at [address]:port', async () => {
		const v6 = discoveredRoom({address: 'fe80::1', port: 7778, name: 'attic'});
		const {choices, startSession} = starter(async () => new FakeSession());
		const rendered = renderApp({startSession, rooms: new FakeRoomList([kitchen, v6])});
		await waitForText(rendered, 'attic · alice-laptop · 3 members · [fe80::1]:7778');
		await press(rendered, keys.down, keys.enter);
		await waitForText(rendered, 'Your name:');
		expect(choices).toEqual([{mode: 'join', address: '[fe80::1]:7778'}]);
	});

	test('a room with a secret is marked', async () => {
		const rooms = new FakeRoomList([kitchen, discoveredRoom({address: '192.168.1.30', name: 'vault', secret: true})]);
		const rendered = renderApp({startSession: starter(async () => connectedSession()).startSession, rooms});
		const frame = await waitForText(rendered, 'vault · alice-laptop · 3 members · 192.168.1.30:7777 · secret');
		expect(frame).not.toContain(`${kitchenRow} · secret`);
	});

	test('with no rooms for a while, a hint says what else to do', async () => {
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true});
		const rooms = new FakeRoomList();
		const rendered = renderApp({startSession: starter(async () => connectedSession()).startSession, rooms});
		await waitForText(rendered, 'looking for rooms on this network…');
		vi.advanceTimersByTime(2500);
		await settle();
		expect(screen(rendered)).not.toContain('none found yet');
		vi.advanceTimersByTime(1000);
		const hint = await waitForText(rendered, 'none found yet — type an address below, or ask the host for it');
		expect(hint.replaceAll(/\s+/g, ' ')).toContain('/netinfo on the host explains what blocks discovery');
		rooms.add(kitchen);
		const frame = await waitForText(rendered, kitchenRow);
		expect(frame).not.toContain('none found yet');
	});

	test('a room found later does not take the selection', async () => {
		const rooms = new FakeRoomList();
		const {choices, startSession} = starter(async () => connectedSession({role: 'host'}));
		const rendered = renderApp({startSession, rooms, name: 'me'});
		await waitForText(rendered, '› Host a room');
		rooms.add(kitchen);
		const frame = await waitForText(rendered, `  ${kitchenRow}`);
		expect(frame).toContain('› Host a room');
		await press(rendered, keys.enter);
		await waitForText(rendered, '● connected');
		expect(choices).toEqual([{mode: 'host'}]);
	});

	test('hosting and joining by address still work beside the list', async () => {
		const {choices, startSession} = starter(async () => new FakeSession());
		const rendered = renderApp({startSession, rooms: new FakeRoomList([kitchen])});
		await waitForText(rendered, `› ${kitchenRow}`);
		expect(screen(rendered)).toContain('↑↓ choose · Enter join or select · h host · j join by address · Ctrl+C quit');
		await press(rendered, keys.down);
		await waitForText(rendered, '› Host a room');
		await press(rendered, keys.down);
		await waitForText(rendered, '› Join by address…');
		await press(rendered, keys.enter);
		await waitForText(rendered, 'Address (HOST[:PORT]):');
		await press(rendered, '10.0.0.5:7777');
		await waitForText(rendered, 'Address (HOST[:PORT]): 10.0.0.5:7777');
		await press(rendered, keys.enter);
		await waitForText(rendered, 'Your name:');
		expect(choices).toEqual([{mode: 'join', address: '10.0.0.5:7777'}]);

		const host = starter(async () => new FakeSession({role: 'host'}));
		cleanup();
		const again = renderApp({startSession: host.startSession, rooms: new FakeRoomList([kitchen])});
		await waitForText(again, `› ${kitchenRow}`);
		await press(again, 'h');
		await waitForText(again, 'Your name:');
		expect(host.choices).toEqual([{mode: 'host'}]);
	});

	test('Up from the first room wraps to "Join by address…"; Esc comes back to the list', async () => {
		const rendered = renderApp({startSession: starter(async () => connectedSession()).startSession, rooms: new FakeRoomList([kitchen, lab])});
		await waitForText(rendered, `› ${kitchenRow}`);
		await press(rendered, keys.up);
		await waitForText(rendered, '› Join by address…');
		await press(rendered, 'j');
		await waitForText(rendered, 'Address (HOST[:PORT]):');
		expect(screen(rendered)).toContain(labRow);
		await press(rendered, keys.escape);
		await waitForNoText(rendered, 'Address (HOST[:PORT]):');
		await press(rendered, keys.down);
		await waitForText(rendered, `› ${kitchenRow}`);
	});

	test('a failed join is shown in place, and the person can pick again', async () => {
		const session = connectedSession();
		let attempts = 0;
		const {choices, startSession} = starter(async () => {
			attempts++;
			if (attempts === 1) {
				throw new Error('no room answered at 192.168.1.20:7777');
			}

			return session;
		});
		const rendered = renderApp({startSession, rooms: new FakeRoomList([kitchen, lab]), name: 'me'});
		await waitForText(rendered, `› ${kitchenRow}`);
		await press(rendered, keys.enter);
		const frame = await waitForText(rendered, 'no room answered at 192.168.1.20:7777');
		expect(frame).toContain(`› ${kitchenRow}`);
		await press(rendered, keys.down);
		await waitForNoText(rendered, 'no room answered');
		await press(rendered, keys.enter);
		await waitForText(rendered, '● connected');
		expect(choices).toEqual([
			{mode: 'join', address: '192.168.1.20:7777'},
			{mode: 'join', address: '192.168.1.21:7777'},
		]);
		expect(rendered.exits).toEqual([]);
	});

	test('the list is let go once a session starts', async () => {
		const rooms = new FakeRoomList([kitchen]);
		const rendered = renderApp({startSession: starter(async () => connectedSession()).startSession, rooms, name: 'me'});
		await waitForText(rendered, `› ${kitchenRow}`);
		expect(rooms.listenerCount).toBe(1);
		await press(rendered, keys.enter);
		await waitForText(rendered, '● connected');
		await waitFor(() => rooms.listenerCount === 0);
	});

	test('without a room list the start screen is as it was', async () => {
		const rendered = renderApp({startSession: starter(async () => connectedSession()).startSession});
		const frame = await waitForText(rendered, '› Host a room');
		expect(frame).toContain('  Join a room');
		expect(frame).toContain('↑↓ choose · Enter select (or h / j) · Ctrl+C quit');
		expect(frame).not.toContain('Rooms on this network');
		expect(frame).not.toContain('Join by address');
	});
});
