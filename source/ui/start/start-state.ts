/** State of the start screen (host or join; the address field keeps its own text). Pure reducer. */
import type {StartChoice} from '../../session/types.js';

/** The two things the start screen offers, in order. */
export const startOptions = ['Host a room', 'Join a room'] as const;

/** Which step the start screen is on, what is selected, and how starting went. */
export type StartState = {
	readonly step: 'choose' | 'address';
	/** Index into startOptions. */
	readonly selected: number;
	/** startSession is running. */
	readonly busy: boolean;
	readonly error?: string;
};

/** What can happen on the start screen. */
export type StartAction =
	| {readonly type: 'move'; readonly by: number}
	| {readonly type: 'ask-address'}
	| {readonly type: 'back'}
	| {readonly type: 'edited'}
	| {readonly type: 'started'}
	| {readonly type: 'failed'; readonly error: string};

/** "Host a room" selected, nothing started. */
export const initialStartState: StartState = {step: 'choose', selected: 0, busy: false};

/** The start screen's next state. */
export function startReducer(state: StartState, action: StartAction): StartState {
	switch (action.type) {
		case 'move': {
			const selected = (state.selected + action.by + startOptions.length) % startOptions.length;
			return {...state, selected, error: undefined};
		}

		case 'ask-address': {
			return {...state, step: 'address', selected: 1, error: undefined};
		}

		case 'back': {
			return {...state, step: 'choose', error: undefined};
		}

		case 'edited': {
			return state.error === undefined ? state : {...state, error: undefined};
		}

		case 'started': {
			return {...state, busy: true, error: undefined};
		}

		case 'failed': {
			return {...state, busy: false, error: action.error};
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
