import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession, FakeSession} from './fake-session.js';
import {keys} from './keys.js';
import {press, renderApp} from './render-app.js';
import {screen, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

describe('name prompt', () => {
	test('without --name: "Your name:", then join(name) and the chat', async () => {
		const session = new FakeSession();
		session.autoConnect = true;
		const rendered = renderApp({session});
		await waitForText(rendered, 'Your name:');
		expect(screen(rendered)).toContain('room 192.168.1.20:7777');
		await press(rendered, keys.enter);
		await waitForText(rendered, 'type a name first');
		expect(session.joined).toEqual([]);
		await press(rendered, 'ann');
		await waitForText(rendered, 'Your name: ann');
		await press(rendered, keys.enter);
		await waitFor(() => session.joined.length === 1);
		expect(session.joined).toEqual(['ann']);
		await waitForText(rendered, '● connected');
		expect(screen(rendered)).toContain('ann (you)');
	});

	test('a name pasted with Enter joins at once', async () => {
		const session = new FakeSession();
		const rendered = renderApp({session});
		await waitForText(rendered, 'Your name:');
		await press(rendered, 'zoe\r');
		await waitFor(() => session.joined.length === 1);
		expect(session.joined).toEqual(['zoe']);
	});

	test('with --name: join once on mount, no prompt', async () => {
		const session = new FakeSession();
		const rendered = renderApp({session, name: 'bob'});
		await waitFor(() => session.joined.length === 1);
		session.update({status: 'connecting'});
		await waitForText(rendered, '● connecting');
		session.update({status: 'connected', myName: 'bob'});
		await waitForText(rendered, '● connected');
		expect(session.joined).toEqual(['bob']);
		expect(screen(rendered)).not.toContain('Your name:');
	});

	test('a taken name asks again with the reason, and never exits', async () => {
		const session = new FakeSession();
		const rendered = renderApp({session, name: 'alice'});
		await waitFor(() => session.joined.length === 1);
		session.update({status: 'refused', refusal: {code: 'name-taken', reason: 'the name "alice" is taken'}});
		let frame = await waitForText(rendered, 'Your name: alice');
		expect(frame).toContain('the name "alice" is taken');
		await press(rendered, keys.backspace);
		await waitForText(rendered, 'Your name: alic');
		await press(rendered, 'e2', keys.enter);
		await waitFor(() => session.joined.length === 2);
		expect(session.joined).toEqual(['alice', 'alice2']);
		session.update({status: 'refused', refusal: {code: 'name-invalid', reason: 'names are 1-24 letters, digits, - or _'}});
		frame = await waitForText(rendered, 'names are 1-24 letters');
		expect(frame).toContain('Your name:');
		session.update({status: 'connected', refusal: undefined, myName: 'alice2'});
		await waitForText(rendered, '● connected');
		expect(rendered.exits).toEqual([]);
	});
});

describe('secret prompt', () => {
	test('a room that needs a secret asks for it, masked, and joins with it; a wrong one asks again', async () => {
		const session = new FakeSession();
		const rendered = renderApp({session, name: 'alice'});
		await waitFor(() => session.joined.length === 1);
		session.update({status: 'refused', refusal: {code: 'secret-required', reason: 'this room needs a secret: give it with --secret or SOCKET_CHAT_SECRET'}});
		await waitForText(rendered, 'Room secret:');
		expect(screen(rendered)).toContain('this room needs a secret');
		await press(rendered, 'hunter2');
		await waitForText(rendered, 'Room secret: *******');
		expect(screen(rendered)).not.toContain('hunter2');
		await press(rendered, keys.enter);
		await waitFor(() => session.joined.length === 2);
		expect(session.joined).toEqual(['alice', 'alice']);
		expect(session.secrets).toEqual([undefined, 'hunter2']);
		session.update({status: 'refused', refusal: {code: 'wrong-secret', reason: 'wrong room secret'}});
		await waitForText(rendered, 'wrong room secret');
		expect(screen(rendered)).toContain('Room secret:');
		expect(rendered.exits).toEqual([]);
	});

	test('the status line says whether the room is private', async () => {
		const open = connectedSession();
		const rendered = renderApp({session: open});
		await waitForText(rendered, 'open room: anyone on the');
		open.update({fingerprint: 'abcd-efgh-jkmn'});
		await waitForText(rendered, 'open room abcd-efgh-jkmn');
		open.update({secret: true});
		await waitForText(rendered, 'private abcd-efgh-jkmn');
		expect(screen(rendered)).not.toContain('open room');
	});
});

describe('leaving', () => {
	test('Ctrl+C awaits leave() and then exits with 0', async () => {
		const session = connectedSession();
		let finish: () => void = () => undefined;
		session.leaveImpl = async () =>
			new Promise<void>(resolve => {
				finish = resolve;
			});
		const rendered = renderApp({session});
		await waitForText(rendered, '● connected');
		await press(rendered, keys.ctrlC);
		await waitFor(() => session.leaves === 1);
		await waitForText(rendered, 'leaving…');
		expect(rendered.exits).toEqual([]);
		finish();
		await waitFor(() => rendered.exits.length > 0);
		expect(rendered.exits).toEqual([0]);
		expect(session.calls).toEqual(['leave']);
	});

	test('status "left" (after /quit) exits with 0, once', async () => {
		const session = connectedSession();
		session.onSubmit = line => {
			if (line === '/quit') {
				session.update({status: 'left'});
			}
		};

		const rendered = renderApp({session});
		await waitForText(rendered, '● connected');
		await press(rendered, '/quit');
		await waitForText(rendered, '› /quit');
		await press(rendered, keys.enter);
		await waitFor(() => rendered.exits.length > 0);
		expect(rendered.exits).toEqual([0]);
		expect(session.submitted).toEqual(['/quit']);
	});

	test('Ctrl+C while leave() sets "left" still exits once, with 0', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		await waitForText(rendered, '● connected');
		await press(rendered, keys.ctrlC);
		await waitFor(() => rendered.exits.length > 0);
		await press(rendered, keys.ctrlC);
		expect(rendered.exits).toEqual([0]);
		expect(session.leaves).toBe(1);
	});

	test('disconnected: the reason is shown prominently; q exits with 1', async () => {
		const session = connectedSession();
		session.pushEntry({text: 'last words'});
		const rendered = renderApp({session});
		await waitForText(rendered, 'last words');
		session.update({status: 'disconnected', statusDetail: 'lost contact with 192.168.1.20:7777'});
		const frame = await waitForText(rendered, 'disconnected: lost contact with 192.168.1.20:7777');
		expect(frame).toContain('press q or Ctrl+C to exit');
		expect(frame).toContain('last words');
		expect(frame).not.toContain('› ');
		await press(rendered, 'q');
		await waitFor(() => rendered.exits.length > 0);
		expect(rendered.exits).toEqual([1]);
	});

	test('refused for a reason a name cannot fix: shown, Ctrl+C exits with 1', async () => {
		const session = new FakeSession();
		const rendered = renderApp({session, name: 'me'});
		await waitFor(() => session.joined.length === 1);
		session.update({status: 'refused', refusal: {code: 'full', reason: 'the room is full (64 members)'}});
		const frame = await waitForText(rendered, 'the room is full (64 members)');
		expect(frame).toContain('could not join 192.168.1.20:7777');
		expect(frame).not.toContain('Your name:');
		await press(rendered, keys.ctrlC);
		await waitFor(() => rendered.exits.length > 0);
		expect(rendered.exits).toEqual([1]);
	});
});
