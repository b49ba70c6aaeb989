import {formatCount, textSize} from '../../session/too-long.js';

/** A draft over the limit, said where the person is looking: "5,000 of 4,000 bytes: ...". */
export function draftProblem(value: string): string | undefined {
	const {bytes, limit} = textSize(value);
	return bytes > limit ? `${formatCount(bytes)} of ${formatCount(limit)} bytes: shorten it or /send it as a file` : undefined;
}

/** The keys that matter while a multi-line draft is being written. */
export function draftHelp(value: string): string | undefined {
	if (!value.includes('\n')) {
		return undefined;
	}

	const lines = value.split('\n').length;
	return `${lines} lines · Enter: send · Shift+Enter, Alt+Enter or Ctrl+J: new line · Ctrl+U: clear`;
}
