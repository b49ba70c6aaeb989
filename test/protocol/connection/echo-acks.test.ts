/**
 * The hub leaves out the ack of a member's message that the room stream carries back to it
 * (docs/protocol.md, "Acknowledgement timing"): only while the group serves a member that said, in its hello, that it
 * reads its echoes so; never for anything else its ack would cover.
 */
import {describe, expect, test} from 'vitest';
import {echoCovers} from '../../../source/protocol/connection/hub-wire.js';
import {memberFrame} from '../../../source/protocol/connection/hub-member-frames.js';
import {peerOf} from '../../../source/protocol/peer.js';
import {HubRoom, type HubMember} from '../../../source/protocol/room/hub-room.js';

function room() {
	let tokens = 0;
	const hub = new HubRoom({now: () => 1_000_000, token: () => (++tokens).toString(16).padStart(16, '0'), onEvent: () => undefined, onDirty: () => undefined});
	let port = 40_000;
	const join = (name: string, echoAcks: boolean) => {
		port++;
		const member = hub.admit({name, isHost: false, peer: peerOf('127.0.0.1', port), sendAddress: '127.0.0.1', sendPort: port, cid: `c${port}`, echoAcks});
		member.viaGroup = true;
		return member;
	};

	let n = 0;
	/** The member's next item of its stream, as the hub handles it. */
	const item = (member: HubMember, request: Record<string, unknown>, seq = ++n) => memberFrame(hub, member, {t: 'd', g: 0, n: seq, e: request}, 1_000_000, () => undefined);
	/** What the hub's next flush does with the ack due: left out (true) or sent. */
	const leftOut = (member: HubMember) => {
		const covered = member.receiver.ackDue && echoCovers(member);
		if (member.receiver.ackDue) member.receiver.takeAck();
		return covered;
	};

	return {hub, join, item, leftOut, reset: () => (n = 0)};
}

describe("the hub's acks of messages the room stream carries back", () => {
	test("left out for a message with an id, stamped, while the group serves a member that reads echoes; sent for everything else", () => {
		const {join, item, leftOut, reset} = room();
		const bob = join('bob', true);
		item(bob, {k: 'say', text: 'one', id: 'aaaaaaaaaaa'});
		expect(leftOut(bob)).toBe(true);
		item(bob, {k: 'me', text: 'waves', id: 'bbbbbbbbbbb'});
		expect(leftOut(bob)).toBe(true);
		// A direct message goes by unicast: no echo by the group.
		join('carol', true);
		item(bob, {k: 'dm', to: 'carol', text: 'psst', id: 'ccccccccccc'});
		expect(leftOut(bob)).toBe(false);
		// A message and then a rename in one go: the rename has no echo, so the ack goes.
		item(bob, {k: 'say', text: 'two', id: 'ddddddddddd'});
		item(bob, {k: 'nick', name: 'robert'});
		expect(leftOut(bob)).toBe(false);
		// A message without an id (nothing to match it by), and one refused (too long: not stamped).
		item(bob, {k: 'say', text: 'no id'});
		expect(leftOut(bob)).toBe(false);
		item(bob, {k: 'say', text: 'x'.repeat(5000), id: 'eeeeeeeeeee'});
		expect(leftOut(bob)).toBe(false);
		// The same message again (it did not hear in time): the copy is acknowledged at once.
		reset();
		const dave = join('dave', true);
		item(dave, {k: 'say', text: 'hello', id: 'fffffffffff'});
		expect(leftOut(dave)).toBe(true);
		item(dave, {k: 'say', text: 'hello', id: 'fffffffffff'}, 1);
		expect(leftOut(dave)).toBe(false);
		// An item ahead of a gap: the sender must hear of the gap.
		item(dave, {k: 'say', text: 'later', id: 'ggggggggggg'}, 3);
		expect(leftOut(dave)).toBe(false);
	});

	test("sent while the room stream holds datagrams back for its window: the echoes wait with them", () => {
		const {join, item} = room();
		const bob = join('bob', true);
		item(bob, {k: 'say', text: 'one', id: 'aaaaaaaaaaa'});
		expect(echoCovers(bob, true)).toBe(true);
		expect(echoCovers(bob, false)).toBe(false);
	});

	test('sent to a member served by unicast, and to one whose hello did not say it reads echoes (an earlier release)', () => {
		const {join, item, leftOut, reset} = room();
		const old = join('old', false);
		item(old, {k: 'say', text: 'one', id: 'aaaaaaaaaaa'});
		expect(leftOut(old)).toBe(false);
		reset();
		const bob = join('bob', true);
		bob.viaGroup = false;
		item(bob, {k: 'say', text: 'one', id: 'bbbbbbbbbbb'});
		expect(leftOut(bob)).toBe(false);
	});
});
