import type {ChatEntry} from '../../session/types.js';

/** What an entry that arrives while the terminal is in the background does. */
export type BackgroundAlert = {
	/** It counts as unread in the window title: something another member said. */
	readonly unread: boolean;
	/** It raises a desktop notification: it mentions me, or it is a direct message to me. */
	readonly notify?: {readonly title: string; readonly body: string};
};

const said: ReadonlySet<ChatEntry['kind']> = new Set(['message', 'action', 'direct', 'offer']);

function same(a: string | undefined, b: string | undefined): boolean {
	return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** How `entry` alerts me (`myName`) while I am not looking. History stays quiet. */
export function backgroundAlert(entry: ChatEntry, myName: string | undefined): BackgroundAlert {
	if (entry.fromHistory || !said.has(entry.kind) || same(entry.from, myName)) {
		return {unread: false};
	}

	const from = entry.from ?? '?';
	if (entry.kind === 'direct' && same(entry.to, myName)) {
		return {unread: true, notify: {title: `${from} (direct message)`, body: entry.text}};
	}

	if (entry.mentionsMe) {
		const body = entry.kind === 'action' ? `* ${from} ${entry.text}` : entry.text;
		return {unread: true, notify: {title: `${from} mentioned you`, body}};
	}

	return {unread: true};
}
