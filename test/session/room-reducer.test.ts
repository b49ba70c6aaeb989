import {describe, expect, test} from 'vitest';
import type {HubItem, RoomEvent} from '../../source/protocol/items.js';
import {reduceHubItem, roomState, type RoomState} from '../../source/session/room-reducer.js';
import type {FileOffer} from '../../source/session/types.js';
import {makeWelcome} from './fake-link.js';
import {ev, T0} from './session-helpers.js';

/** In the room as alice, with bob (host) and carol, having shown events up to 10. */
const inRoom: RoomState = Object.freeze({
	status: 'connected',
	myName: 'alice',
	members: [
		{name: 'bob', isHost: true, isMe: false},
		{name: 'carol', isHost: false, isMe: false},
		{name: 'alice', isHost: false, isMe: true},
	],
	offers: [],
	lastSeq: 10,
});

const joining: RoomState = Object.freeze({status: 'connecting', statusDetail: 'connecting to 127.0.0.1:9999...', myName: 'Alice', members: [], offers: [], lastSeq: 0});

function offer(seq: number, fields: Partial<Extract<RoomEvent, {k: 'offer'}>> = {}): RoomEvent {
	return {k: 'offer', seq, time: T0 + seq, id: 'k3xq7a2m', name: 'a.png', size: 2000, from: 'bob', complete: false, ...fields};
}

const pending: FileOffer = {id: 'k3xq7a2m', name: 'a.png', size: 2000, from: 'bob', sha256: undefined, complete: false, failed: undefined, time: T0 + 11};
const withOffer: RoomState = Object.freeze({...inRoom, offers: [pending], lastSeq: 11});

type Row = {
	readonly state: RoomState;
	readonly item: HubItem;
	/** Fields of the state after (compared with toMatchObject); 'same' when it must be the very object given. */
	readonly after: Partial<RoomState> | 'same';
	/** The entries added, each compared with toMatchObject. */
	readonly entries: ReadonlyArray<Record<string, unknown>>;
};

const rows: Array<[string, Row]> = [
	['a welcome makes us connected, with its members and my name as the hub spelled it', {
		state: {...joining, refusal: {code: 'name-taken', reason: 'taken'}},
		item: {...makeWelcome('alice', ['bob']), rate: {perSecond: 10, burst: 20}},
		after: {status: 'connected', statusDetail: undefined, refusal: undefined, myName: 'alice', rate: {perSecond: 10, burst: 20}, fingerprint: 'ab12', secret: true, members: [{name: 'bob', isHost: true, isMe: false}, {name: 'alice', isHost: false, isMe: true}], lastSeq: 0},
		entries: [],
	}],
	['a welcome puts its history between two markers, every entry from history, and remembers the last number', {
		state: joining,
		item: makeWelcome('alice', ['bob'], {history: [ev.join(1, 'bob', true), ev.msg(2, 'bob', 'where is alice?'), ev.leave(3, 'dave', 'timed out')]}),
		after: {lastSeq: 3},
		entries: [
			{kind: 'history-start', text: 'earlier in this room', fromHistory: true},
			{kind: 'join', seq: 1, text: 'bob joined (host)', fromHistory: true},
			{kind: 'message', seq: 2, from: 'bob', text: 'where is alice?', mentionsMe: true, fromHistory: true, time: T0 + 2},
			{kind: 'leave', seq: 3, from: 'dave', reason: 'timed out', fromHistory: true},
			{kind: 'history-end', text: 'now', fromHistory: true},
		],
	}],
	['a resync welcome says we fell behind and adds only the history not shown yet', {
		state: inRoom,
		item: {...makeWelcome('alice', ['bob', 'carol'], {history: [ev.msg(9, 'bob', 'seen'), ev.msg(10, 'bob', 'seen too'), ev.msg(11, 'bob', 'new')]}), resync: true},
		after: {lastSeq: 11},
		entries: [
			{kind: 'notice', text: 'this client fell behind the room; catching up from its history'},
			{kind: 'history-start'},
			{kind: 'message', seq: 11, text: 'new'},
			{kind: 'history-end'},
		],
	}],
	['a resync welcome with nothing new adds no markers', {
		state: inRoom,
		item: {...makeWelcome('alice', ['bob', 'carol'], {history: [ev.msg(10, 'bob', 'seen')]}), resync: true},
		after: {lastSeq: 10, status: 'connected'},
		entries: [{kind: 'notice', text: 'this client fell behind the room; catching up from its history'}],
	}],
	['an offer in the history is listed and announced', {
		state: joining,
		item: makeWelcome('alice', ['bob'], {history: [offer(4)]}),
		after: {lastSeq: 4, offers: [{...pending, time: T0 + 4}]},
		entries: [{kind: 'history-start'}, {kind: 'offer', seq: 4, offerId: 'k3xq7a2m', fromHistory: true}, {kind: 'history-end'}],
	}],
	['an info notice is a notice entry, the state untouched', {
		state: inRoom,
		item: {k: 'notice', level: 'info', text: 'be nice'},
		after: 'same',
		entries: [{kind: 'notice', text: 'be nice'}],
	}],
	['an error notice is an error entry', {
		state: inRoom,
		item: {k: 'notice', level: 'error', code: 'too-long', text: 'too long'},
		after: 'same',
		entries: [{kind: 'error', text: 'too long'}],
	}],
	['an event numbered at the last one shown is a repeat: dropped', {state: inRoom, item: ev.msg(10, 'bob', 'again'), after: 'same', entries: []}],
	['an event numbered below it is dropped too, membership untouched', {state: inRoom, item: ev.join(3, 'mallory'), after: 'same', entries: []}],
	['a message after it is a live line that may mention me', {
		state: inRoom,
		item: ev.msg(11, 'bob', 'hi ALICE'),
		after: {lastSeq: 11, members: inRoom.members},
		entries: [{kind: 'message', seq: 11, from: 'bob', text: 'hi ALICE', mentionsMe: true, fromHistory: false}],
	}],
	['a number may skip ahead (events the hub sent others): it is shown', {state: inRoom, item: ev.msg(40, 'bob', 'later'), after: {lastSeq: 40}, entries: [{kind: 'message', seq: 40}]}],
	['an action', {state: inRoom, item: ev.msg(11, 'carol', 'waves', true), after: {lastSeq: 11}, entries: [{kind: 'action', from: 'carol', text: 'waves'}]}],
	['a direct message', {state: inRoom, item: ev.dm(11, 'bob', 'alice', 'psst'), after: {lastSeq: 11}, entries: [{kind: 'direct', from: 'bob', to: 'alice', text: 'psst'}]}],
	['a join adds the member at the end', {
		state: inRoom,
		item: ev.join(11, 'dave'),
		after: {lastSeq: 11, members: [...inRoom.members, {name: 'dave', isHost: false, isMe: false}]},
		entries: [{kind: 'join', from: 'dave', text: 'dave joined'}],
	}],
	['a join of a member already listed is a line, not a second member', {state: inRoom, item: ev.join(11, 'carol'), after: {lastSeq: 11, members: inRoom.members}, entries: [{kind: 'join', text: 'carol joined'}]}],
	['a leave takes the member out, with its reason', {
		state: inRoom,
		item: ev.leave(11, 'carol', 'kicked by bob'),
		after: {members: inRoom.members.filter(member => member.name !== 'carol')},
		entries: [{kind: 'leave', from: 'carol', reason: 'kicked by bob', text: 'carol left (kicked by bob)'}],
	}],
	["a nick renames the member; my name stays", {
		state: inRoom,
		item: ev.nick(11, 'carol', 'caroline'),
		after: {myName: 'alice', members: [inRoom.members[0]!, {name: 'caroline', isHost: false, isMe: false}, inRoom.members[2]!]},
		entries: [{kind: 'nick', from: 'carol', to: 'caroline', text: 'carol is now caroline'}],
	}],
	['a nick of me renames me, still marked as me', {
		state: inRoom,
		item: ev.nick(11, 'alice', 'alicia'),
		after: {myName: 'alicia', members: [inRoom.members[0]!, inRoom.members[1]!, {name: 'alicia', isHost: false, isMe: true}]},
		entries: [{kind: 'nick', text: 'alice is now alicia'}],
	}],
	['a new offer is listed and announced', {
		state: inRoom,
		item: offer(11),
		after: {lastSeq: 11, offers: [pending]},
		entries: [{kind: 'offer', from: 'bob', offerId: 'k3xq7a2m', text: 'bob offers a.png (2 kB): /get k3xq7a2m'}],
	}],
	['an offer completing replaces the listed one, without a second line', {
		state: withOffer,
		item: offer(12, {complete: true, sha256: 'ff'.repeat(32)}),
		after: {lastSeq: 12, offers: [{...pending, complete: true, sha256: 'ff'.repeat(32), time: T0 + 12}]},
		entries: [],
	}],
	['an offer failing replaces the listed one and says so', {
		state: withOffer,
		item: offer(12, {failed: 'cancelled'}),
		after: {offers: [{...pending, failed: 'cancelled', time: T0 + 12}]},
		entries: [{kind: 'error', seq: 12, time: T0 + 12, fromHistory: false, text: "bob's upload of a.png failed: cancelled"}],
	}],
];

describe('reduceHubItem: what one item from the hub does to the view', () => {
	test.each(rows)('%s', (_name, {state, item, after, entries}) => {
		const step = reduceHubItem(state, item, {fingerprint: 'ab12', secret: true});
		if (after === 'same') {
			expect(step.state).toBe(state);
		} else {
			expect(step.state).not.toBe(state);
			expect(step.state).toMatchObject(after);
		}

		expect(step.entries).toHaveLength(entries.length);
		for (const [index, entry] of entries.entries()) {
			expect(step.entries[index]).toMatchObject(entry);
		}
	});

	test('leaves the state it was given as it was (frozen inputs do not throw), and sets no entry time of its own', () => {
		const state = Object.freeze({...inRoom, members: Object.freeze([...inRoom.members]), offers: Object.freeze([pending])}) as RoomState;
		const step = reduceHubItem(state, ev.join(11, 'dave'));
		expect(state.members).toHaveLength(3);
		expect(step.entries[0]).toMatchObject({time: T0 + 11});
		expect(reduceHubItem(state, {k: 'notice', level: 'info', text: 'x'}).entries[0]).not.toHaveProperty('time');
	});

	test('roomState picks the room fields of a snapshot and adds the last number shown', () => {
		const picked = roomState({status: 'connected', role: 'member', roomAddress: 'h:1', shareAddresses: [], myName: 'alice', members: [], entries: [], offers: [], transfers: []}, 7);
		expect(picked).toEqual({status: 'connected', myName: 'alice', members: [], offers: [], lastSeq: 7, statusDetail: undefined, refusal: undefined, fingerprint: undefined, secret: undefined, rate: undefined});
	});
});
