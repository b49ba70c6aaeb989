import type {ConnectionState} from '../../session/types.js';
import type {UnsentLine} from '../../session/unsent.js';
import {formatTime, timeColumnWidth, truncateTo} from './format-entry.js';

/** At most this many of my waiting lines are shown, the newest; a line above counts the rest. */
export const UNSENT_SHOWN = 3;

/**
 * The rows at the foot of the messages pane for my lines the room has not taken yet: each as
 * `HH:MM me: text · sending…` (or `· waits for the host` while reconnecting), its first line
 * only, cut to the pane's width. Pure.
 */
export function unsentLines(unsent: readonly UnsentLine[] | undefined, me: string | undefined, status: ConnectionState, width: number): Array<{readonly key: string; readonly text: string}> {
	if (!unsent || unsent.length === 0) return [];
	const mark = status === 'reconnecting' ? ' · waits for the host' : ' · sending…';
	const shown = unsent.slice(-UNSENT_SHOWN);
	const rows: Array<{readonly key: string; readonly text: string}> = [];
	const hidden = unsent.length - shown.length;
	if (hidden > 0) rows.push({key: 'more', text: truncateTo(`${' '.repeat(timeColumnWidth)}(${hidden.toLocaleString('en-US')} more of yours waiting)`, width)});
	for (const line of shown) {
		const [first = '', ...rest] = line.text.split('\n');
		const body = `${me ?? 'you'}: ${first}${rest.length > 0 ? ' …' : ''}`;
		const room = Math.max(1, width - timeColumnWidth - mark.length);
		rows.push({key: String(line.id), text: `${formatTime(line.time)} ${truncateTo(body, room)}${mark}`});
	}

	return rows;
}
