import type {HubItem, RoomEvent, Welcome} from '../protocol/items.js';
import {entryFromEvent} from './entries.js';
import {applyMembership, membersFromWelcome} from './membership.js';
import type {NewEntry} from './session-store.js';
import {cleanText} from '../protocol/sanitize.js';
import {applyReaction, renameInReactions} from './reactions.js';
import type {FileOffer, RoomSignal, SessionSnapshot} from './types.js';

/** The part of a member's view that what the hub sends changes, and the last event number shown. */
export type RoomState = Pick<SessionSnapshot, 'status' | 'statusDetail' | 'refusal' | 'myName' | 'members' | 'offers' | 'fingerprint' | 'secret' | 'rate' | 'reactions' | 'typing'> & {
	/** The newest room event shown: an event numbered at or below it is a repeat. */
	readonly lastSeq: number;
};

/**
 * What one item does: the state after it (the same object when nothing changed), the entries it
 * adds, in order, and what it signals that has no line (reactions, presence, typing).
 */
export type RoomStep = {readonly state: RoomState; readonly entries: readonly NewEntry[]; readonly signals?: readonly RoomSignal[]};

type OfferEvent = Extract<RoomEvent, {k: 'offer'}>;

/**
 * Folds one item from the hub into the member's view: the welcome (members, connected, and the
 * history it carries between two markers), room events (membership, offers, lines), and notices.
 * Events already shown (by number) are dropped. Pure: no clock, no I/O; `room` is what the link
 * knows of the room (its key's fingerprint, whether it has a secret), recorded when the welcome arrives.
 */
export function reduceHubItem(state: RoomState, item: HubItem, room: {readonly fingerprint?: string; readonly secret?: boolean} = {}): RoomStep {
	switch (item.k) {
		case 'welcome': {
			return welcome(state, item, room);
		}

		case 'notice': {
			return {state, entries: [{kind: item.level === 'error' ? 'error' : 'notice', text: item.text}]};
		}

		case 'typing': {
			return typing(state, cleanText(item.from), item.active);
		}

		default: {
			return item.seq <= state.lastSeq ? {state, entries: []} : roomEvent(state, item);
		}
	}
}

/** The welcome makes us connected at once, so front ends see it before the history it carries. */
function welcome(before: RoomState, item: Welcome, room: {readonly fingerprint?: string; readonly secret?: boolean}): RoomStep {
	let state: RoomState = {
		...before,
		myName: item.you,
		members: membersFromWelcome(item),
		status: 'connected',
		statusDetail: undefined,
		refusal: undefined,
		fingerprint: room.fingerprint,
		secret: room.secret === true,
		rate: item.rate,
		// A fresh view: reactions come again with the history, and nobody is typing yet.
		...(before.lastSeq === 0 || item.resync ? {reactions: {}} : {}),
		typing: [],
	};
	const signals: RoomSignal[] = [];
	const entries: NewEntry[] = [];
	if (item.resync) {
		entries.push({kind: 'notice', text: 'this client fell behind the room; catching up from its history'});
	}

	const history = item.history.filter(event => event.seq > before.lastSeq);
	if (history.length === 0) {
		return {state, entries};
	}

	entries.push({kind: 'history-start', text: 'earlier in this room', fromHistory: true});
	for (const event of history) {
		state = {...state, lastSeq: event.seq};
		if (event.k === 'offer') {
			const step = offer(state, event, true);
			state = step.state;
			entries.push(...step.entries);
		} else if (event.k === 'react' || event.k === 'presence') {
			const step = quiet(state, event, true);
			state = step.state;
			signals.push(...(step.signals ?? []));
		} else {
			entries.push(entryFromEvent(event, item.you, true));
			state = renamed(state, event);
		}
	}

	entries.push({kind: 'history-end', text: 'now', fromHistory: true});
	return {state, entries, signals};
}

/** A live room event not shown yet. */
function roomEvent(before: RoomState, event: RoomEvent): RoomStep {
	const state = {...before, lastSeq: event.seq};
	if (event.k === 'offer') {
		return offer(state, event, false);
	}

	if (event.k === 'react' || event.k === 'presence') {
		return quiet(state, event, false);
	}

	const membership = applyMembership(state.members, event, state.myName);
	// The line is worded for the name I had when the event came (a nick of mine renames me after).
	const entry = entryFromEvent(event, state.myName, false);
	const after = renamed(membership ? {...state, ...membership} : state, event);
	// A message from someone typing ends their typing; so does leaving.
	const done = event.k === 'msg' ? cleanText(event.from) : event.k === 'leave' ? cleanText(event.name) : undefined;
	const typist = done !== undefined && after.typing?.includes(done) ? {...after, typing: after.typing.filter(name => name !== done)} : after;
	return {state: typist, entries: [entry]};
}

/** A reaction or a presence: no line; the state changes, and a signal says what happened. */
function quiet(state: RoomState, event: Extract<RoomEvent, {k: 'react' | 'presence'}>, fromHistory: boolean): RoomStep {
	if (event.k === 'react') {
		const reactions = applyReaction(state.reactions ?? {}, event.target, event.emoji, event.from, event.removed);
		const signal: RoomSignal = {kind: 'reaction', seq: event.seq, time: event.time, from: cleanText(event.from), target: event.target, emoji: cleanText(event.emoji), removed: event.removed, fromHistory};
		return {state: reactions === state.reactions ? state : {...state, reactions}, entries: [], signals: [signal]};
	}

	const membership = applyMembership(state.members, event, state.myName);
	const reason = event.reason === undefined ? undefined : cleanText(event.reason);
	const signal: RoomSignal = {kind: 'presence', seq: event.seq, time: event.time, name: cleanText(event.name), state: event.state, ...(reason ? {reason} : {}), fromHistory};
	return {state: membership ? {...state, ...membership} : state, entries: [], signals: [signal]};
}

/** Someone started or stopped typing (never me: the hub does not echo it). */
function typing(state: RoomState, from: string, active: boolean): RoomStep {
	const list = state.typing ?? [];
	const has = list.includes(from);
	const next = active ? (has ? list : [...list, from]) : list.filter(name => name !== from);
	return {state: next === list ? state : {...state, typing: next}, entries: [], signals: [{kind: 'typing', from, active}]};
}

/** A rename carries the member's reactions and typing along. */
function renamed(state: RoomState, event: RoomEvent): RoomState {
	if (event.k !== 'nick') return state;
	const from = cleanText(event.from);
	const to = cleanText(event.to);
	const reactions = state.reactions ? renameInReactions(state.reactions, from, to) : state.reactions;
	const typingNow = state.typing?.includes(from) ? state.typing.map(name => (name === from ? to : name)) : state.typing;
	return reactions === state.reactions && typingNow === state.typing ? state : {...state, reactions, typing: typingNow};
}

/** An offer is announced when its upload starts, and again when it completes or fails. */
function offer(before: RoomState, event: OfferEvent, fromHistory: boolean): RoomStep {
	const next: FileOffer = {
		id: event.id,
		name: event.name,
		size: event.size,
		from: event.from,
		sha256: event.sha256,
		complete: event.complete,
		failed: event.failed,
		...(event.files === undefined ? {} : {files: event.files}),
		time: event.time,
	};
	const known = before.offers.some(existing => existing.id === next.id);
	const state = {...before, offers: known ? before.offers.map(existing => (existing.id === next.id ? next : existing)) : [...before.offers, next]};
	if (!known) {
		return {state, entries: [entryFromEvent(event, state.myName, fromHistory)]};
	}

	return {
		state,
		entries: next.failed ? [{kind: 'error', seq: event.seq, time: event.time, fromHistory, text: `${next.from}'s upload of ${next.name} failed: ${next.failed}`}] : [],
	};
}

/** The room state of a snapshot, with the last event number shown. */
export function roomState(snapshot: SessionSnapshot, lastSeq: number): RoomState {
	const {status, statusDetail, refusal, myName, members, offers, fingerprint, secret, rate, reactions, typing: typists} = snapshot;
	return {status, statusDetail, refusal, myName, members, offers, fingerprint, secret, rate, reactions, typing: typists, lastSeq};
}
