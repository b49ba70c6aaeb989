import {useEffect} from 'react';
import {useStdout} from 'ink';
import {isHidden} from '../../session/ignore-list.js';
import type {ChatSessionApi} from '../../session/types.js';

/** The terminal bell. */
export const bell = '\u0007';

/**
 * Rings the terminal bell once for each new entry that mentions me. History entries (what
 * was said before I joined) and ignored members' lines stay quiet. Written straight to the terminal: the bell moves
 * no cursor, so Ink's idea of the screen stays right.
 */
export function useMentionBell(session: ChatSessionApi): void {
	const {stdout} = useStdout();
	useEffect(
		() =>
			session.onEntry(entry => {
				if (entry.mentionsMe && !entry.fromHistory && !isHidden(session.getSnapshot().ignored, entry)) {
					stdout.write(bell);
				}
			}),
		[session, stdout],
	);
}
