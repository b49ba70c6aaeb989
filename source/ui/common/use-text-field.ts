import {useCallback, useRef, useState} from 'react';
import {cleanDraftText} from '../../session/draft-text.js';
import {useTextEvents} from '../terminal/terminal-context.js';

/** A text field's value for ink-text-input, readable at once after a change. */
export type TextField = {
	readonly value: string;
	/** Changes when the value was set from outside the field (a paste): remount the field with it as key. */
	readonly revision: number;
	/** The value as of the last change, even before React re-rendered. */
	readonly latest: () => string;
	readonly change: (value: string) => void;
};

/**
 * State for a one-line ink-text-input field. Keys typed faster than a frame reach the field before
 * React re-renders, so onSubmit's argument can miss them; `latest()` cannot. A paste (from the
 * terminal input layer, while `active`) adds its first line, cleaned, at the end.
 */
export function useTextField(initial = '', onEnter?: () => void, active = true): TextField {
	const current = useRef(initial);
	const enter = useRef(onEnter);
	enter.current = onEnter;
	const [value, setValue] = useState(initial);
	const [revision, setRevision] = useState(0);
	const latest = useCallback(() => current.current, []);
	const change = useCallback((next: string) => {
		const [line = '', ...rest] = next.split(/[\r\n]/);
		current.current = line;
		setValue(line);
		if (rest.length > 0) {
			enter.current?.();
		}
	}, []);
	useTextEvents(event => {
		if (event.kind === 'paste') {
			const line = cleanDraftText(event.text).split('\n')[0] ?? '';
			current.current += line;
			setValue(current.current);
			setRevision(count => count + 1);
		}
	}, active);
	return {value, revision, latest, change};
}
