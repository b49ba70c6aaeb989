import {useEffect, useRef, useState} from 'react';
import type {ChatSessionApi, ConnectionState} from '../session/types.js';
import {useStableInput} from './use-stable-input.js';

type QuitOptions = {
	readonly session: ChatSessionApi;
	readonly status: ConnectionState;
	/** Nothing more can happen (refused for good, disconnected): q and Ctrl+C exit with 1. */
	readonly fatal: boolean;
	readonly exit: (code: number) => void;
};

/**
 * Leaving: Ctrl+C leaves the room cleanly (`await session.leave()`) and exits with 0; a second
 * Ctrl+C does not wait. When the session says it has left (/quit), exit with 0. After a fatal
 * refusal or disconnection, q or Ctrl+C exits with 1. Returns whether a leave is under way.
 */
export function useQuit({session, status, fatal, exit}: QuitOptions): boolean {
	const leaving = useRef(false);
	const [isLeaving, setLeaving] = useState(false);

	useStableInput((input, key) => {
		const ctrlC = key.ctrl && input === 'c';
		if (fatal && (ctrlC || input === 'q')) {
			exit(1);
			return;
		}

		if (!ctrlC) {
			return;
		}

		if (leaving.current) {
			exit(0);
			return;
		}

		leaving.current = true;
		setLeaving(true);
		session.leave().then(
			() => {
				exit(0);
			},
			() => {
				exit(0);
			},
		);
	});

	useEffect(() => {
		if (status === 'left' && !leaving.current) {
			exit(0);
		}
	}, [status, exit]);

	return isLeaving;
}
