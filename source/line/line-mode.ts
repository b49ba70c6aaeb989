import {createInterface} from 'node:readline';
import {PACE_SHARE} from '../protocol/limits.js';
import {isHidden} from '../session/ignore-list.js';
import {formatCount} from '../session/too-long.js';
import type {ChatEntry, ChatSessionApi, ConnectionState, SessionSnapshot} from '../session/types.js';
import {FileEvents} from './file-events.js';
import {findEvent, findLines, jsonEvent, jsonSignal, plainLine, plainSignal} from './format.js';

export type LineFormat = 'plain' | 'json';

export type LineModeOptions = {
	readonly session: ChatSessionApi;
	readonly format: LineFormat;
	readonly name: string;
	readonly input: NodeJS.ReadableStream;
	readonly output: NodeJS.WritableStream;
	readonly errors: NodeJS.WritableStream;
};

/** A backlog at least this long at end of input is announced (once) before the wait for it. */
export const DRAIN_NOTICE_LINES = 20;

type Ending = 'left' | 'refused' | 'disconnected';

/**
 * The front end for scripts: each input line is sent (a leading "/" makes it a command), each
 * room event is printed as a line or a JSON object. At the end of input every line read is
 * sent at the room's pace and acknowledged before the member leaves, however long that takes.
 * Resolves 0 only when every line was delivered; 1 after a refusal, a lost hub, or a line that
 * was not sent (too long), with an error saying how many lines were not delivered.
 */
export async function runLineMode(options: LineModeOptions): Promise<number> {
	const {session, format, output, errors} = options;
	const emit = (value: Record<string, unknown>) => output.write(`${JSON.stringify(value)}\n`);
	let onStatus: (snapshot: SessionSnapshot) => void = () => undefined;
	const print = (entry: ChatEntry) => {
		// A status change (the welcome) is announced before the entries it brought.
		const snapshot = session.getSnapshot();
		onStatus(snapshot);
		// An ignored member's messages and DMs are not printed at all (hiding them is the point).
		if (isHidden(snapshot.ignored, entry)) {
			return;
		}

		if (format === 'json') {
			const event = jsonEvent(entry);
			if (event) {
				emit(event);
			}

			return;
		}

		const line = plainLine(entry);
		if (line) {
			(line.error ? errors : output).write(`${line.text}\n`);
		}
	};

	const stopEntries = session.onEntry(print);
	// Reactions, presence and typing have no line of their own; typing is printed with --json only.
	const stopSignals = session.onSignal(signal => {
		if (format === 'json') {
			emit(jsonSignal(signal));
			return;
		}

		const line = plainSignal(signal);
		if (line) output.write(`${line}\n`);
	});
	const stopFind = session.onFind(found => {
		if (format === 'json') {
			emit(findEvent(found));
		} else {
			output.write(`${findLines(found).join('\n')}\n`);
		}
	});
	let status: ConnectionState = session.getSnapshot().status;
	let announced = false;
	const files = new FileEvents();
	let lines: ReturnType<typeof createInterface> | undefined;
	let read = 0;
	let refused = 0;
	const ending = await new Promise<Ending>(resolve => {
		onStatus = (snapshot: SessionSnapshot) => {
			if (snapshot.status === status) {
				return;
			}

			status = snapshot.status;
			if (format === 'json') {
				emit({type: 'status', state: status, ...(snapshot.statusDetail ? {detail: snapshot.statusDetail} : {})});
			}

			if (status === 'connected' && !announced) {
				announced = true;
				announceWelcome(snapshot, format, emit, output);
			} else if (status === 'refused' || status === 'disconnected' || status === 'left') {
				resolve(status);
			}
		};

		session.subscribe(() => {
			const snapshot = session.getSnapshot();
			if (format === 'json') {
				for (const event of files.changes(snapshot)) {
					emit(event);
				}
			}

			onStatus(snapshot);
		});
		lines = createInterface({input: options.input, crlfDelay: Number.POSITIVE_INFINITY});
		lines.on('line', line => {
			read++;
			if (session.submit(line, `line ${read}`) === 'refused') {
				refused++;
			}
		});
		lines.on('close', () => {
			announceDrain(session, format, emit, errors);
			void session.leave();
		});
		session.join(options.name);
	});
	stopEntries();
	stopSignals();
	stopFind();
	lines?.close();
	const {undelivered} = await session.leave();
	const missing = undelivered + refused;
	if (missing > 0) {
		const why = ending === 'left' ? (refused > 0 && undelivered === 0 ? 'refused for their size' : 'the hub did not acknowledge them') : (session.getSnapshot().statusDetail ?? ending);
		const text = `${formatCount(missing)} of ${formatCount(read)} lines read were not delivered (${why})`;
		if (format === 'json') {
			emit({type: 'error', text, undelivered: missing});
		} else {
			errors.write(`error: ${text}\n`);
		}
	}

	return ending === 'left' && missing === 0 ? 0 : 1;
}

function announceWelcome(snapshot: SessionSnapshot, format: LineFormat, emit: (value: Record<string, unknown>) => void, output: NodeJS.WritableStream): void {
	const names = snapshot.members.map(member => member.name);
	if (format === 'json') {
		emit({
			type: 'welcome',
			room: snapshot.roomAddress,
			name: snapshot.myName,
			members: names,
			secret: snapshot.secret === true,
			...(snapshot.fingerprint ? {fingerprint: snapshot.fingerprint} : {}),
		});
	} else {
		const key = snapshot.fingerprint ? `, fingerprint ${snapshot.fingerprint}` : '';
		const privacy = snapshot.secret ? `private room${key}` : `open room${key}: anyone on the network can join and read it`;
		output.write(`* joined ${snapshot.roomAddress} as ${snapshot.myName} (${privacy}); ${names.length} here: ${names.join(', ')}\n`);
	}
}

/** At end of input, a long backlog is said once: it goes out at the room's pace, nothing is dropped. */
function announceDrain(session: ChatSessionApi, format: LineFormat, emit: (value: Record<string, unknown>) => void, errors: NodeJS.WritableStream): void {
	const queued = session.undelivered();
	if (queued < DRAIN_NOTICE_LINES) {
		return;
	}

	const rate = session.getSnapshot().rate;
	const eta = rate ? ` (about ${Math.ceil(queued / (rate.perSecond * PACE_SHARE))} s)` : '';
	const detail = `sending ${formatCount(queued)} queued lines at the room's pace${eta}; nothing is dropped`;
	if (format === 'json') {
		emit({type: 'status', state: 'draining', queued, detail});
	} else {
		errors.write(`* ${detail}\n`);
	}
}
