import {plainLine, jsonEvent, jsonSignal, plainSignal} from '../line/format.js';
import type {RoomSignal} from '../session/types.js';
import {entryFromEvent} from '../session/entries.js';
import {hostingEvent, joinHints, type RunningHub} from './run-host.js';

/** The hub alone: logs every room event to stdout until a signal, then closes. */
export async function runHeadless(room: RunningHub, json: boolean, output: NodeJS.WritableStream): Promise<number> {
	let id = 0;
	if (json) {
		output.write(`${JSON.stringify(hostingEvent(room))}\n`);
	} else {
		output.write(
			room.hub.private
				? `private room: members need the secret; fingerprint ${room.hub.fingerprint} (members see the same)\n`
				: `open room: anyone on the network can join and read it (--secret-file makes it private); fingerprint ${room.hub.fingerprint} (members see the same)\n`,
		);
		output.write(`socket-chat-tui hub: room open on UDP port ${room.port} (files on TCP port ${room.transferPort}). Others join with:\n`);
		for (const hint of joinHints(room)) {
			output.write(`  ${hint}\n`);
		}
	}

	room.hub.onRoomEvent(event => {
		if (event.k === 'react' || event.k === 'presence') {
			const signal: RoomSignal =
				event.k === 'react'
					? {kind: 'reaction', seq: event.seq, time: event.time, from: event.from, target: event.target, emoji: event.emoji, removed: event.removed, fromHistory: false}
					: {kind: 'presence', seq: event.seq, time: event.time, name: event.name, state: event.state, ...(event.reason ? {reason: event.reason} : {}), fromHistory: false};
			const line = json ? JSON.stringify(jsonSignal(signal)) : `${new Date(event.time).toISOString()} ${plainSignal(signal) ?? ''}`;
			output.write(`${line}\n`);
			return;
		}

		const entry = {...entryFromEvent(event, undefined, false), id: ++id};
		if (json) {
			const value = jsonEvent(entry);
			if (value) {
				output.write(`${JSON.stringify(value)}\n`);
			}

			return;
		}

		const line = plainLine(entry);
		if (line) {
			output.write(`${new Date(event.time).toISOString()} ${line.text}\n`);
		}
	});

	await new Promise<void>(resolve => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
		// Whoever read the log went away (`--headless | head`): the hub closes the room as on a
		// signal, as a pipeline's writer does, instead of dying of an unhandled EPIPE.
		output.on('error', resolve);
	});
	await room.close();
	return 0;
}
