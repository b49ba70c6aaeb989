import {useCallback, useEffect, useState} from 'react';
import type {ChatSessionApi} from '../../session/types.js';

/** How long a local error stays next to the input line. */
export const flashMilliseconds = 6000;

/**
 * The latest local error entry (no seq: an unknown command, a line too long, ...) for a few
 * seconds, so it shows next to the input line where the person is looking.
 */
export function useFlashError(session: ChatSessionApi, duration = flashMilliseconds): {readonly text: string | undefined; readonly clear: () => void} {
	const [text, setText] = useState<string>();
	useEffect(() => {
		let timer: NodeJS.Timeout | undefined;
		const unsubscribe = session.onEntry(entry => {
			if (entry.kind !== 'error' || entry.seq !== undefined) {
				return;
			}

			clearTimeout(timer);
			setText(entry.text);
			timer = setTimeout(() => {
				setText(undefined);
			}, duration);
		});
		return () => {
			clearTimeout(timer);
			unsubscribe();
		};
	}, [session, duration]);
	const clear = useCallback(() => {
		setText(undefined);
	}, []);
	return {text, clear};
}
