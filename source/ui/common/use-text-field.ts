import {useCallback, useRef, useState} from 'react';

/** A text field's value for ink-text-input, readable at once after a change. */
export type TextField = {
	readonly value: string;
	/** The value as of the last change, even before React re-rendered. */
	readonly latest: () => string;
	readonly change: (value: string) => void;
};

/**
 * State for an ink-text-input field. Keys typed faster than a frame reach the field before
 * React re-renders, so onSubmit's argument can miss them; `latest()` cannot. A pasted line
 * break ends the value there and counts as Enter (`onEnter`).
 */
export function useTextField(initial = '', onEnter?: () => void): TextField {
	const current = useRef(initial);
	const enter = useRef(onEnter);
	enter.current = onEnter;
	const [value, setValue] = useState(initial);
	const latest = useCallback(() => current.current, []);
	const change = useCallback((next: string) => {
		const [line = '', ...rest] = next.split(/[\r\n]/);
		current.current = line;
		setValue(line);
		if (rest.length > 0) {
			enter.current?.();
		}
	}, []);
	return {value, latest, change};
}
