import {useCallback, useRef} from 'react';

/** Wraps `onExit` so that it runs at most once, whatever asks for it first. */
export function useExitOnce(onExit: (code: number) => void): (code: number) => void {
	const done = useRef(false);
	const latest = useRef(onExit);
	latest.current = onExit;
	return useCallback((code: number) => {
		if (done.current) {
			return;
		}

		done.current = true;
		latest.current(code);
	}, []);
}
