/**
 * State of the start screen (host, join by address, or join a discovered room; the address field
 * keeps its own text). Pure reducer.
 */
import type {StartChoice} from '../../session/types.js';

/** The two things the start screen offers, in order. */
export const startOptions = ['Host a room', 'Join a room'] as const;

/** The same two options under the list of discovered rooms. */
export const pickerOptions = ['Host a room', 'Join by address…'] as const;

/** Which step the start screen is on, what is selected, and how starting went. */
export type StartState = {
	readonly step: 'choose' | 'address';
	/** Index into startOptions (the option selected when no room is). */
	readonly selected: number;
	/** The join address of the selected discovered room; absent when an option is selected. */
	readonly room?: string;
	/** startSession is running. */
	readonly busy: boolean;
	/** What is being started, for the person: "joining 10.0.0.5:7777…". */
	readonly starting?: string;
	readonly error?: string;
};

/** What can happen on the start screen. */
export type StartAction =
	/** `rooms`: the join addresses of the rooms listed above the options, in order. */
	| {readonly type: 'move'; readonly by: number; readonly rooms?: readonly string[]}
	| {readonly type: 'ask-address'}
	| {readonly type: 'back'}
	| {readonly type: 'edited'}
	| {readonly type: 'started'; readonly what?: string}
	| {readonly type: 'failed'; readonly error: string};

/** "Host a room" selected, nothing started. */
export const initialStartState: StartState = {step: 'choose', selected: 0, busy: false};

/** The first state when rooms are listed (their join addresses): the first room selected, if any. */
export function initialPickerState(rooms: readonly string[]): StartState {
	const [first] = rooms;
	return first === undefined ? initialStartState : {...initialStartState, room: first};
}

/** What Enter would pick: a listed room, or an option (index into startOptions). */
export type Selection = {readonly kind: 'room'; readonly address: string} | {readonly kind: 'option'; readonly index: number};

/** The selection among these rooms; a selected room that is no longer listed gives way to the option. */
export function selection(state: StartState, rooms: readonly string[]): Selection {
	return state.room !== undefined && rooms.includes(state.room) ? {kind: 'room', address: state.room} : {kind: 'option', index: state.selected};
}

function move(state: StartState, by: number, rooms: readonly string[]): StartState {
	const count = rooms.length + startOptions.length;
	const current = selection(state, rooms);
	const at = current.kind === 'room' ? rooms.indexOf(current.address) : rooms.length + current.index;
	const next = (((at + by) % count) + count) % count;
	const room = rooms[next];
	return room === undefined ? {...state, room: undefined, selected: next - rooms.length, error: undefined} : {...state, room, error: undefined};
}

/** The start screen's next state. */
export function startReducer(state: StartState, action: StartAction): StartState {
	switch (action.type) {
		case 'move': {
			return move(state, action.by, action.rooms ?? []);
		}

		case 'ask-address': {
			return {...state, step: 'address', selected: 1, room: undefined, error: undefined};
		}

		case 'back': {
			return {...state, step: 'choose', error: undefined};
		}

		case 'edited': {
			return state.error === undefined ? state : {...state, error: undefined};
		}

		case 'started': {
			return {...state, busy: true, starting: action.what, error: undefined};
		}

		case 'failed': {
			return {...state, busy: false, starting: undefined, error: action.error};
		}
	}
}

/** The choice for the typed address, or why it cannot be used yet. */
export function joinChoice(address: string): StartChoice | {readonly problem: string} {
	const trimmed = address.trim();
	if (trimmed === '') {
		return {problem: 'type the address of the room, like 192.168.1.20:7777'};
	}

	if (/\s/.test(trimmed)) {
		return {problem: `"${trimmed}" is not an address: HOST[:PORT] has no spaces`};
	}

	return {mode: 'join', address: trimmed};
}
