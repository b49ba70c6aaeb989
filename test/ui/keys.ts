/** Terminal byte sequences for the keys the tests press. */
export const keys = {
	up: '\u001B[A',
	left: '\u001B[D',
	right: '\u001B[C',
	delete: '\u001B[3~',
	down: '\u001B[B',
	pageUp: '\u001B[5~',
	pageDown: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	tab: '\t',
	shiftTab: '\u001B[Z',
	escape: '\u001B',
	enter: '\r',
	backspace: '\u007F',
	ctrlC: '\u0003',
} as const;
