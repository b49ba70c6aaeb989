import stringWidth from 'string-width';
import type {ChatEntry, FoundLines, RoomSignal} from '../session/types.js';

/** A message's header and its text; the text's further lines are indented under its first. */
function said(header: string, text: string): string {
	return header + text.replaceAll('\n', `\n${' '.repeat(stringWidth(header))}`);
}

/** A line of --plain output (a multi-line message: its lines indented), and whether it belongs on stderr. */
export function plainLine(entry: ChatEntry): {text: string; error: boolean} | undefined {
	switch (entry.kind) {
		case 'message': {
			return {text: said(`${entry.from}${replyNote(entry)}: `, entry.text), error: false};
		}

		case 'action': {
			return {text: said(`* ${entry.from}${replyNote(entry)} `, entry.text), error: false};
		}

		case 'direct': {
			return {text: said(`[dm] ${entry.from} -> ${entry.to}: `, entry.text), error: false};
		}

		case 'join':
		case 'leave':
		case 'nick':
		case 'offer': {
			return {text: `* ${entry.text}`, error: false};
		}

		case 'notice': {
			return {text: entry.text, error: false};
		}

		case 'error': {
			return {text: `error: ${entry.text}`, error: true};
		}

		case 'history-start': {
			return {text: '-- earlier in this room --', error: false};
		}

		case 'history-end': {
			return {text: '-- now --', error: false};
		}
	}
}

/** The --json object for an entry (one per line); markers have none. */
export function jsonEvent(entry: ChatEntry): Record<string, unknown> | undefined {
	const time = new Date(entry.time).toISOString();
	const history = entry.fromHistory ? {history: true} : {};
	switch (entry.kind) {
		case 'message':
		case 'action': {
			return {type: 'message', seq: entry.seq, time, from: entry.from, text: entry.text, ...(entry.kind === 'action' ? {action: true} : {}), ...(entry.replyTo === undefined ? {} : {replyTo: entry.replyTo}), ...history};
		}

		case 'direct': {
			return {type: 'direct', seq: entry.seq, time, from: entry.from, to: entry.to, text: entry.text, ...history};
		}

		case 'join': {
			return {type: 'join', seq: entry.seq, time, name: entry.from, ...history};
		}

		case 'leave': {
			return {type: 'leave', seq: entry.seq, time, name: entry.from, reason: entry.reason, ...history};
		}

		case 'nick': {
			return {type: 'nick', seq: entry.seq, time, from: entry.from, to: entry.to, ...history};
		}

		case 'offer': {
			return undefined;
		}

		case 'notice': {
			return {type: 'info', time, text: entry.text};
		}

		case 'error': {
			return {type: 'error', time, text: entry.text};
		}

		case 'history-start':
		case 'history-end': {
			return undefined;
		}
	}
}

/** " (re #12)" after the name of a reply, in --plain. */
function replyNote(entry: ChatEntry): string {
	return entry.replyTo === undefined ? '' : ` (re #${entry.replyTo})`;
}

/** A --plain line for a signal (typing has none: it is for --json alone). */
export function plainSignal(signal: RoomSignal): string | undefined {
	switch (signal.kind) {
		case 'reaction': {
			return signal.removed ? `* ${signal.from} took back ${signal.emoji} on #${signal.target}` : `* ${signal.from} reacted ${signal.emoji} to #${signal.target}`;
		}

		case 'presence': {
			return signal.state === 'here' ? `* ${signal.name} is back` : `* ${signal.name} is ${signal.state}${signal.reason ? ` (${signal.reason})` : ''}`;
		}

		case 'typing': {
			return undefined;
		}
	}
}

/** The --json object for a signal. */
export function jsonSignal(signal: RoomSignal): Record<string, unknown> {
	switch (signal.kind) {
		case 'reaction': {
			const {seq, from, target, emoji, removed} = signal;
			return {type: 'reaction', seq, time: new Date(signal.time).toISOString(), from, target, emoji, removed, ...(signal.fromHistory ? {history: true} : {})};
		}

		case 'presence': {
			const {seq, name, state, reason} = signal;
			return {type: 'presence', seq, time: new Date(signal.time).toISOString(), name, state, ...(reason === undefined ? {} : {reason}), ...(signal.fromHistory ? {history: true} : {})};
		}

		case 'typing': {
			return {type: 'typing', from: signal.from, active: signal.active};
		}
	}
}

/** What /find found, for --plain: a count, then each line with its room seq ("  #12 bob: lunch?"). */
export function findLines({query, matches}: FoundLines): string[] {
	const count = `${matches.length} line${matches.length === 1 ? '' : 's'}`;
	const head = `* find ${JSON.stringify(query)}: ${count} of those held`;
	return [head, ...matches.map(entry => `  #${entry.seq ?? '?'} ${plainLine(entry)?.text.replaceAll('\n', '\n    ') ?? entry.text}`)];
}

/** What /find found, for --json: {"type": "find", query, matches: [{seq, from, text}]}, oldest first. */
export function findEvent({query, matches}: FoundLines): Record<string, unknown> {
	return {type: 'find', query, matches: matches.map(entry => ({seq: entry.seq, from: entry.from, text: entry.text}))};
}
