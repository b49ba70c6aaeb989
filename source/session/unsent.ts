/**
 * What I said that the hub has not yet taken into the room: shown at the foot of the messages,
 * marked as waiting, so a line typed while the host is quiet (or queued behind the room's pace)
 * does not seem to vanish until the hub's own copy of it comes. Pure.
 */

/** A line of mine on its way to the room. */
export type UnsentLine = {readonly id: number; readonly text: string; readonly time: number};

/**
 * The hub's copy of one of my plain lines came (the room's stream keeps my lines in the order I
 * sent them): the first line waiting with that text is taken off, or else the oldest (the hub may
 * have cleaned the text on its way).
 */
export function settleUnsent(unsent: readonly UnsentLine[], text: string): readonly UnsentLine[] {
	if (unsent.length === 0) return unsent;
	const index = unsent.findIndex(line => line.text === text);
	const taken = index === -1 ? 0 : index;
	return [...unsent.slice(0, taken), ...unsent.slice(taken + 1)];
}
