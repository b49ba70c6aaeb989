import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession, FakeSession} from './fake-session.js';
import {keys} from './keys.js';
import {press, renderApp} from './render-app.js';
import {starter} from './starter.js';
import {screen, waitForNoText, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

describe('start screen', () => {
	test('host a room', async () => {
		const session = connectedSession({role: 'host', shareAddresses: ['10.0.0.5:7777']});
		const {choices, startSession} = starter(async () => session);
		const rendered = renderApp({startSession, name: 'me'});
		await waitForText(rendered, '› Host a room');
		await press(rendered, keys.enter);
		await waitForText(rendered, 'others join with: npx socket-chat-tui --join 10.0.0.5:7777');
		expect(choices).toEqual([{mode: 'host'}]);
	});

	test('join a room at a typed address', async () => {
		const session = new FakeSession({roomAddress: '10.0.0.5:7777'});
		const {choices, startSession} = starter(async () => session);
		const rendered = renderApp({startSession});
		await waitForText(rendered, '› Host a room');
		await press(rendered, keys.down);
		await waitForText(rendered, '› Join a room');
		await press(rendered, keys.enter);
		await waitForText(rendered, 'Address (HOST[:PORT]):');
		await press(rendered, '10.0.0.5:7777');
		await waitForText(rendered, 'Address (HOST[:PORT]): 10.0.0.5:7777');
		await press(rendered, keys.enter);
		await waitForText(rendered, 'Your name:');
		expect(choices).toEqual([{mode: 'join', address: '10.0.0.5:7777'}]);
		expect(screen(rendered)).toContain('room 10.0.0.5:7777');
	});

	test('an error from startSession is shown in place, and a retry works', async () => {
		const session = connectedSession();
		let attempts = 0;
		const {choices, startSession} = starter(async () => {
			attempts++;
			if (attempts === 1) {
				throw new Error('no room answered at 10.0.0.9:7777');
			}

			return session;
		});
		const rendered = renderApp({startSession, name: 'me'});
		await waitForText(rendered, '› Host a room');
		await press(rendered, 'j');
		await waitForText(rendered, 'Address (HOST[:PORT]):');
		await press(rendered, keys.enter);
		await waitForText(rendered, 'type the address of the room');
		expect(choices).toEqual([]);
		await press(rendered, '10.0.0.9:7777');
		await waitForText(rendered, 'Address (HOST[:PORT]): 10.0.0.9:7777');
		await press(rendered, keys.enter);
		const frame = await waitForText(rendered, 'no room answered at 10.0.0.9:7777');
		expect(frame).toContain('Address (HOST[:PORT]): 10.0.0.9:7777');
		await press(rendered, keys.enter);
		await waitForText(rendered, '● connected');
		expect(choices).toHaveLength(2);
		expect(rendered.exits).toEqual([]);
	});

	test('Esc goes back from the address to the choice; Ctrl+C exits with 0', async () => {
		const {startSession} = starter(async () => connectedSession());
		const rendered = renderApp({startSession});
		await waitForText(rendered, '› Host a room');
		await press(rendered, 'j');
		await waitForText(rendered, 'Address (HOST[:PORT]):');
		await press(rendered, keys.escape);
		await waitForNoText(rendered, 'Address (HOST[:PORT]):');
		await press(rendered, keys.ctrlC);
		await waitFor(() => rendered.exits.length > 0);
		expect(rendered.exits).toEqual([0]);
	});
});
