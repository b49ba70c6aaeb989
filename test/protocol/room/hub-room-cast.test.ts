import {describe, expect, test} from 'vitest';
import {peerOf} from '../../../source/protocol/peer.js';
import {HubRoom, type HubMember, type RoomCastPort} from '../../../source/protocol/room/hub-room.js';

/** A room whose room stream is a recorder: what the room asks of it, in order. */
function castRoom() {
	const calls: string[] = [];
	let events = 0;
	const cast: RoomCastPort = {
		append: () => {
			calls.push('append');
			events++;
		},
		promote: member => {
			calls.push(`promote ${member.name}`);
			return {e: events, q: 1};
		},
		demote: member => {
			calls.push(`demote ${member.name}`);
			return {e: events};
		},
		forget: member => calls.push(`forget ${member.name}`),
		probe: member => calls.push(`probe ${member.name}`),
		rekey: () => {
			calls.push('rekey');
			return {e: 2, key: 'k'.repeat(43)};
		},
		info: () => ({g: '239.255.1.1', p: 9999, e: 1, key: 'k'.repeat(43)}),
	};
	let tokens = 0;
	const room = new HubRoom({now: () => 1000, token: () => (++tokens).toString(16).padStart(16, '0'), onEvent: () => undefined, onDirty: () => undefined, cast});
	let port = 40_000;
	const join = (name: string): HubMember => {
		port++;
		return room.admit({name, isHost: false, peer: peerOf('127.0.0.1', port), sendAddress: '127.0.0.1', sendPort: port, cid: `c${port}`});
	};

	return {room, calls, join};
}

describe('HubRoom with a room stream: who gets events which way', () => {
	test('an event goes once to the room stream for the members it serves, and into the streams of the rest', () => {
		const {room, calls, join} = castRoom();
		const alice = join('alice');
		const bob = join('bob');
		room.serve(alice, 'group', 'test');
		expect(calls).toEqual(['promote alice']);
		const before = [alice.sender.backlog, bob.sender.backlog];
		room.stamp({k: 'msg', from: 'bob', text: 'hi'});
		expect(calls.filter(call => call === 'append')).toHaveLength(1);
		// Alice's stream got the marker only; bob's the event.
		expect([alice.sender.backlog, bob.sender.backlog]).toEqual([before[0], before[1]! + 1]);
	});

	test('a departure brings a new epoch key to everyone who stays', () => {
		const {room, calls, join} = castRoom();
		const alice = join('alice');
		const bob = join('bob');
		const before = alice.sender.backlog;
		room.remove(bob, 'quit');
		expect(calls).toContain('rekey');
		// The leave and the key.
		expect(alice.sender.backlog).toBe(before + 2);
	});

	test('a member resynchronised from a fresh welcome is served by its stream and probed again', () => {
		const {room, calls, join} = castRoom();
		const alice = join('alice');
		room.serve(alice, 'group', 'test');
		expect(alice.viaGroup).toBe(true);
		room.serve(alice, 'resync', 'fell too far behind the room');
		expect(alice.viaGroup).toBe(false);
		expect(calls.slice(-2)).toEqual(['forget alice', 'probe alice']);
	});
});
