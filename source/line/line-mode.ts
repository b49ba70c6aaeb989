import {createInterface} from 'node:readline';
import type {ChatEntry, ChatSessionApi, ConnectionState, SessionSnapshot} from '../session/types.js';
import {FileEvents} from './file-events.js';
import {jsonEvent, plainLine} from './format.js';

export type LineFormat = 'plain' | 'json';

export type LineModeOptions = {
	readonly session: ChatSessionApi;
	readonly format: LineFormat;
	readonly name: string;
	readonly input: NodeJS.ReadableStream;
	readonly output: NodeJS.WritableStream;
	readonly errors: NodeJS.WritableStream;
};

/**
 * The front end for scripts: each input line is sent (a leading "/" makes it a command), each
 * room event is printed as a line or a JSON object. At the end of input it waits (bounded) until
 * the hub acknowledged every line, leaves, and resolves 0; a refusal or a lost hub resolves 1.
 */
export async function runLineMode(options: LineModeOptions): Promise<number> {
	const {session, format, output, errors} = options;
	const emit = (value: Record<string, unknown>) => output.write(`${JSON.stringify(value)}\n`);
	let onStatus: (snapshot: SessionSnapshot) => void = () => undefined;
	const print = (entry: ChatEntry) => {
		// A status change (the welcome) is announced before the entries it brought.
		onStatus(session.getSnapshot());
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
	let status: ConnectionState = session.getSnapshot().status;
	let announced = false;
	const files = new FileEvents();
	let lines: ReturnType<typeof createInterface> | undefined;
	const exitCode = await new Promise<number>(resolve => {
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
				const names = snapshot.members.map(member => member.name);
				if (format === 'json') {
					emit({
						type: 'welcome',
						room: snapshot.roomAddress,
						name: snapshot.myName,
						members: names,
						secret: Boolean(snapshot.fingerprint),
						...(snapshot.fingerprint ? {fingerprint: snapshot.fingerprint} : {}),
					});
				} else {
					const privacy = snapshot.fingerprint ? `private room, fingerprint ${snapshot.fingerprint}` : 'open room: anyone on the network can read it';
					output.write(`* joined ${snapshot.roomAddress} as ${snapshot.myName} (${privacy}); ${names.length} here: ${names.join(', ')}\n`);
				}
			} else if (status === 'refused' || status === 'disconnected') {
				resolve(1);
			} else if (status === 'left') {
				resolve(0);
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
			session.submit(line);
		});
		lines.on('close', () => {
			void session.leave();
		});
		session.join(options.name);
	});
	stopEntries();
	lines?.close();
	if (exitCode !== 0) {
		await session.leave();
	}

	return exitCode;
}
