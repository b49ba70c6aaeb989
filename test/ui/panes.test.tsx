import {afterEach, describe, expect, test} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {connectedSession} from './fake-session.js';
import {renderApp} from './render-app.js';
import {waitForNoText, waitForText} from './wait-for.js';

afterEach(() => {
	cleanup();
});

describe('messages pane', () => {
	test('each kind of entry, with the time and history set apart', async () => {
		const session = connectedSession();
		const [first] = session.pushEntries([
			{kind: 'history-start', text: ''},
			{text: 'said before I came', fromHistory: true},
			{kind: 'history-end', text: ''},
			{text: 'hello room'},
			{kind: 'action', text: 'waves', from: 'bob'},
			{kind: 'direct', text: 'psst', from: 'bob', to: 'me'},
			{kind: 'join', text: '', from: 'carol'},
			{kind: 'leave', text: '', from: 'carol', reason: 'quit'},
			{kind: 'offer', text: 'alice offers notes.txt (2 kB): /get f3', offerId: 'f3'},
			{kind: 'error', text: 'that went wrong'},
		]);
		const rendered = renderApp({session});
		const frame = await waitForText(rendered, 'that went wrong');
		const hhmm = new Date(first!.time + 2000).toTimeString().slice(0, 5);
		expect(frame).toContain(`${hhmm} alice: said before I came`);
		expect(frame).toMatch(/── history ─+/);
		expect(frame).toMatch(/── live ─+/);
		expect(frame.indexOf('history ─')).toBeLessThan(frame.indexOf('said before I came'));
		expect(frame.indexOf('said before I came')).toBeLessThan(frame.indexOf('live ─'));
		expect(frame.indexOf('live ─')).toBeLessThan(frame.indexOf('hello room'));
		expect(frame).toContain('alice: hello room');
		expect(frame).toContain('* bob waves');
		expect(frame).toContain('[dm] bob -> me: psst');
		expect(frame).toContain('→ carol joined');
		expect(frame).toContain('← carol left (quit)');
		expect(frame).toContain('alice offers notes.txt (2 kB)');
		expect(frame).toContain('/get f3');
	});

	test('new entries appear at the bottom as they arrive', async () => {
		const session = connectedSession();
		session.pushEntry({text: 'one'});
		const rendered = renderApp({session});
		await waitForText(rendered, 'alice: one');
		session.pushEntry({text: 'two', from: 'bob'});
		const frame = await waitForText(rendered, 'bob: two');
		expect(frame.indexOf('alice: one')).toBeLessThan(frame.indexOf('bob: two'));
	});

	test('my lines on their way show dimmed under the room\'s, marked waiting, and go when the room has them', async () => {
		const session = connectedSession({myName: 'alice'});
		session.pushEntry({text: 'hello room', from: 'bob'});
		const time = Date.now();
		session.update({status: 'reconnecting', unsent: Array.from({length: 5}, (_, index) => ({id: index + 1, text: `waiting ${index + 1}`, time}))});
		const rendered = renderApp({session});
		const frame = await waitForText(rendered, 'alice: waiting 5 · waits for the host');
		expect(frame).toContain('(2 more of yours waiting)');
		expect(frame).not.toContain('waiting 2 ·');
		expect(frame.indexOf('bob: hello room')).toBeLessThan(frame.indexOf('alice: waiting 3'));
		expect(frame.indexOf('alice: waiting 3')).toBeLessThan(frame.indexOf('alice: waiting 5'));
		session.update({status: 'connected', unsent: [{id: 5, text: 'waiting 5', time}]});
		await waitForText(rendered, 'alice: waiting 5 · sending…');
		session.update({unsent: []});
		await waitForNoText(rendered, 'waiting 5');
	});

	test('a host with an empty room sees how others join', async () => {
		const session = connectedSession({role: 'host', shareAddresses: ['10.0.0.5:7777', '192.168.1.9:7777']});
		const rendered = renderApp({session});
		const frame = await waitForText(rendered, 'no messages yet');
		expect(frame).toContain('others join with: npx socket-chat-tui --join 10.0.0.5:7777');
		expect(frame).toContain('npx socket-chat-tui --join 192.168.1.9:7777');
		expect(frame).not.toContain('room secret');
	});

	test('a host of a room with a secret is reminded that others need it, and the secret is not shown', async () => {
		const session = connectedSession({role: 'host', shareAddresses: ['10.0.0.5:7777'], fingerprint: 'abcd-efgh-ijkm', secret: true});
		const rendered = renderApp({session});
		const frame = await waitForText(rendered, 'they need the room secret');
		expect(frame).toContain('npx socket-chat-tui --join 10.0.0.5:7777 + the secret');
	});
});

describe('members pane', () => {
	test('count in the title, the host starred, me marked, kept live', async () => {
		const session = connectedSession();
		const rendered = renderApp({session});
		let frame = await waitForText(rendered, 'Members (3)');
		expect(frame).toContain('★ alice (host)');
		expect(frame).toContain('me (you)');
		expect(frame).toMatch(/│ {3}bob +│/);
		session.update({members: [...session.snapshot.members, {name: 'dave', isHost: false, isMe: false}]});
		frame = await waitForText(rendered, 'Members (4)');
		expect(frame).toContain('dave');
		session.update({members: session.snapshot.members.filter(member => member.name !== 'bob')});
		frame = await waitForText(rendered, 'Members (3)');
		expect(frame).not.toMatch(/│ {3}bob +│/);
	});
});

describe('transfers pane', () => {
	test('a hint while there are no files', async () => {
		const rendered = renderApp({session: connectedSession()});
		const frame = await waitForText(rendered, 'Files (0)');
		expect(frame.replaceAll(/[│\s]+/g, ' ')).toContain('no files yet — /send PATH to share one');
	});

	test('offers and transfers with progress, speed, time left and outcome', async () => {
		const session = connectedSession({
			offers: [
				{id: 'f1', name: 'photo.jpg', size: 1_234_567, from: 'alice', complete: true, time: 0},
				{id: 'f2', name: 'big.iso', size: 5_000_000, from: 'bob', complete: false, time: 0},
			],
			transfers: [
				{id: 'f1', direction: 'download', name: 'photo.jpg', size: 1_000_000, bytes: 500_000, state: 'progress', speed: 100_000, startedAt: 0},
				{id: 'f9', direction: 'upload', name: 'notes.txt', size: 2000, bytes: 2000, state: 'done', speed: 0, startedAt: 0},
				{id: 'f8', direction: 'download', name: 'x.bin', size: 10, bytes: 3, state: 'failed', speed: 0, startedAt: 0, error: 'gone'},
			],
		});
		const rendered = renderApp({session}, {columns: 120, rows: 40});
		const frame = await waitForText(rendered, 'Files (2)');
		expect(frame).toContain('f1 photo.jpg');
		expect(frame).toContain('1.23 MB · alice · ready');
		expect(frame).toContain('f2 big.iso');
		expect(frame).toContain('5 MB · bob · uploading…');
		expect(frame).toContain('↓ photo.jpg');
		expect(frame).toMatch(/█+░+ 50%/);
		expect(frame).toContain('100 kB/s · 5s left');
		expect(frame).toContain('↑ notes.txt');
		expect(frame).toContain('✓ sent 2 kB');
		expect(frame).toContain('✗ failed: gone');
		session.update({transfers: [{...session.snapshot.transfers[0]!, bytes: 1_000_000, state: 'done', path: '/home/me/photo.jpg'}]});
		await waitForText(rendered, '✓ saved /home/me/photo.jpg');
		await waitForNoText(rendered, '50%');
	});
});

describe('status line', () => {
	test('role, room, name, members, connection and rtt', async () => {
		const session = connectedSession();
		const rendered = renderApp({session}, {columns: 140, rows: 24});
		const frame = await waitForText(rendered, 'rtt 3 ms');
		expect(frame.split('\n')[0]).toMatch(/^● connected · joined · 192\.168\.1\.20:7777 · as me · 3 members · rtt 3 ms · open room: anyone on the/);
		session.update({status: 'reconnecting', statusDetail: 'no answer from 192.168.1.20:7777', rttMs: 12.2});
		const line = (await waitForText(rendered, '● reconnecting')).split('\n')[0];
		expect(line).toBe('● reconnecting · joined · 192.168.1.20:7777 · as me · 3 members · rtt 12 ms · no answer from 192.168.1.20:7777');
	});

	test('a host shows the exact command to join', async () => {
		const session = connectedSession({role: 'host', shareAddresses: ['10.0.0.5:7777']});
		session.pushEntry({text: 'hi'});
		const rendered = renderApp({session});
		const frame = await waitForText(rendered, 'alice: hi');
		expect(frame.split('\n')[0]).toContain('· host ·');
		expect(frame.split('\n')[1]).toBe('others join with: npx socket-chat-tui --join 10.0.0.5:7777');
	});
});
