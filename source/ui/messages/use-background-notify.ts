import {useEffect, useRef} from 'react';
import {useStdout} from 'ink';
import type {ChatSessionApi} from '../../session/types.js';
import {useTerminalFeatures} from '../terminal/features-context.js';
import {notificationSequence, titleSequence, unreadTitle} from '../terminal/notify-escapes.js';
import {useTextEvents} from '../terminal/terminal-context.js';
import {backgroundAlert} from './notify-entry.js';

/**
 * While the terminal is in the background (focus reports, DEC mode 1004), a mention of me or a
 * direct message to me raises a desktop notification, and the window title counts what came in
 * unread ("(3) socket-chat-tui"); focus coming back resets the title. Off when the terminal gets
 * no notifications (--no-notify). Written straight to the terminal: these move no cursor.
 */
export function useBackgroundNotify(session: ChatSessionApi): void {
	const features = useTerminalFeatures();
	const enabled = features.notify !== undefined;
	const {stdout} = useStdout();
	const state = useRef({focused: true, unread: 0});
	useTextEvents(event => {
		if (event.kind !== 'focus') {
			return;
		}

		state.current.focused = event.focused;
		if (event.focused && state.current.unread > 0) {
			state.current.unread = 0;
			stdout.write(titleSequence(unreadTitle(0)));
		}
	}, enabled);
	useEffect(() => {
		if (!enabled) {
			return undefined;
		}

		return session.onEntry(entry => {
			if (state.current.focused) {
				return;
			}

			const alert = backgroundAlert(entry, session.getSnapshot().myName);
			if (alert.notify) {
				stdout.write(notificationSequence(features, alert.notify.title, alert.notify.body));
			}

			if (alert.unread) {
				state.current.unread++;
				stdout.write(titleSequence(unreadTitle(state.current.unread)));
			}
		});
	}, [session, stdout, features, enabled]);
}
