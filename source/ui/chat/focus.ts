/** Which pane the arrow keys act on. Pure. */

/** A focusable part of the chat screen. */
export type Focus = 'input' | 'messages' | 'members' | 'transfers';

const order: readonly Focus[] = ['input', 'messages', 'members', 'transfers'];

/** The focus after `focus`, `step` places on (negative goes back); skips the input when it is off. */
export function cycleFocus(focus: Focus, step: number, inputEnabled = true): Focus {
	const ring = inputEnabled ? order : order.filter(candidate => candidate !== 'input');
	const at = Math.max(0, ring.indexOf(focus));
	return ring[(((at + step) % ring.length) + ring.length) % ring.length]!;
}

/** Keeps a selection inside a list of `length` items. */
export function clampIndex(index: number, length: number): number {
	return Math.min(Math.max(0, index), Math.max(0, length - 1));
}
