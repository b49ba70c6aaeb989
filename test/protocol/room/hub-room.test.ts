import {peerOf} from '../../../source/protocol/peer.js';
import {describe, expect, test} from 'vitest';
import type {RoomEvent} from '../../../source/protocol/items.js';
import {HubRoom} from '../../../source/protocol/room/hub-room.js';

/** Tokens 0000000000000001, 0000000000000002, ... */
function counterTokens(): () => string {
	let count = 0;
	return () => (++count).toString(16).padStart(16, '0');
}

/** A room with no sockets: what it stamps is collected. */
function room() {
	const events: RoomEvent[] = [];
	const hub = new HubRoom({now: () => 1_000, token: counterTokens(), onEvent: event => events.push(event), onDirty: () => undefined});
	const alice = hub.admit({name: 'alice', isHost: false, peer: peerOf('127.0.0.1', 1), sendAddress: '127.0.0.1', sendPort: 1, cid: 'a'});
	const said = () => events.filter(event => event.k === 'msg').map(event => (event.k === 'msg' ? event.text : ''));
	return {hub, alice, said};
}

describe('HubRoom: message ids, so a message resent after a reconnect is stamped once', () => {
	test('a repeated id is dropped; the last 20,000 ids are remembered, older ones forgotten in order', () => {
		const {hub, alice, said} = room();
		hub.request(alice, {k: 'say', text: 'first', id: 'id-0'});
		hub.request(alice, {k: 'say', text: 'again', id: 'id-0'});
		expect(said()).toEqual(['first']);

		for (let index = 1; index < 20_000; index++) hub.request(alice, {k: 'say', text: `m${index}`, id: `id-${index}`});
		// 20,000 ids now: the first is still remembered.
		hub.request(alice, {k: 'say', text: 'again', id: 'id-0'});
		expect(said()).toHaveLength(20_000);

		// One more pushes the oldest out; the second oldest stays.
		hub.request(alice, {k: 'say', text: 'm20000', id: 'id-20000'});
		hub.request(alice, {k: 'say', text: 'resent 1', id: 'id-1'});
		expect(said().at(-1)).toBe('m20000');
		hub.request(alice, {k: 'say', text: 'resent 0', id: 'id-0'});
		expect(said().at(-1)).toBe('resent 0');

		// Stamping id-0 again took the oldest place, id-1's: now id-1 is forgotten, id-2 is not.
		hub.request(alice, {k: 'say', text: 'resent 2', id: 'id-2'});
		expect(said().at(-1)).toBe('resent 0');
		hub.request(alice, {k: 'say', text: 'resent 1', id: 'id-1'});
		expect(said().at(-1)).toBe('resent 1');
		hub.request(alice, {k: 'say', text: 'recent', id: 'id-20000'});
		expect(said().at(-1)).toBe('resent 1');
	});
});

describe('HubRoom with a store (durable): what it holds, it asks to send', () => {
	test('an event stamped while durable is held, and every live member is marked for the next round of sends', () => {
		const dirty: string[] = [];
		const hub = new HubRoom({now: () => 1_000, token: counterTokens(), onEvent: () => undefined, onDirty: member => dirty.push(member.name), durable: true});
		const alice = hub.admit({name: 'alice', isHost: false, peer: peerOf('127.0.0.1', 1), sendAddress: '127.0.0.1', sendPort: 1, cid: 'a'});
		const bob = hub.admit({name: 'bob', isHost: false, peer: peerOf('127.0.0.1', 2), sendAddress: '127.0.0.1', sendPort: 2, cid: 'b'});
		hub.release(hub.takeHeld());
		dirty.length = 0;
		const before = [alice.sender.backlog, bob.sender.backlog];

		// Stamped without any request of theirs (the transfer server's offer): held, and both marked.
		hub.stamp({k: 'offer', id: 'k3xq7a2m', name: 'notes.txt', size: 12, from: 'alice', complete: false});
		expect(new Set(dirty)).toEqual(new Set(['alice', 'bob']));
		expect([alice.sender.backlog, bob.sender.backlog]).toEqual(before);
		const held = hub.takeHeld();
		expect(held.map(entry => ('member' in entry ? entry.member.name : '')).sort()).toEqual(['alice', 'bob']);
		hub.release(held);
		expect([alice.sender.backlog, bob.sender.backlog]).toEqual(before.map(count => count + 1));
	});
});
