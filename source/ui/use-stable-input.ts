import {useCallback, useRef} from 'react';
import {useInput, type Key} from 'ink';

/**
 * Ink's useInput with a handler that stays subscribed and always calls the latest render's
 * `handler`. Ink re-subscribes a changed handler only after React's passive effects run, so
 * a key arriving just after a re-render could otherwise meet the previous render's state.
 */
export function useStableInput(handler: (input: string, key: Key) => void, options?: {readonly isActive?: boolean}): void {
	const latest = useRef(handler);
	latest.current = handler;
	const stable = useCallback((input: string, key: Key) => {
		latest.current(input, key);
	}, []);
	useInput(stable, options);
}
