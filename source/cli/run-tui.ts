import {parseHostPort} from '../net/address.js';
import {DEFAULT_PORT} from '../protocol/limits.js';
import type {ChatSessionApi, StartChoice} from '../session/types.js';
import {roomsForTui} from './discover.js';
import {memberSession} from './member-session.js';
import type {CliOptions} from './options.js';
import {openRoom, type RunningHub} from './run-host.js';

/**
 * The full-screen front end. React's production build, and Ink's interactive rendering, are
 * chosen before Ink and React load (the development build checks props on every render).
 * Resolves with the exit code.
 */
export async function runFullScreen(options: CliOptions, room: RunningHub | undefined): Promise<number> {
	process.env.NODE_ENV ??= 'production';
	// Ink draws only the last frame, at exit, when the environment says CI. The full screen is
	// only chosen for an interactive terminal, where that would look like a frozen program.
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	const {runTui} = await import('../ui/run-tui.js');
	let hosted = room;
	const startSession = async (choice: StartChoice): Promise<ChatSessionApi> => {
		if (choice.mode === 'host') {
			hosted = await openRoom(options);
			return memberSession(options, hosted);
		}

		const target = parseHostPort(choice.address, options.port === 0 ? DEFAULT_PORT : options.port);
		if ('error' in target) {
			throw new Error(target.error);
		}

		return memberSession(options, undefined, target);
	};

	const discovery = options.mode === 'join' && !options.join ? await roomsForTui(options) : undefined;
	const target = options.join ?? discovery?.only;
	const session = options.mode === 'start' || (options.mode === 'join' && !target) ? undefined : memberSession(options, room, target);
	const leave = () => {
		void session?.leave().then(async () => hosted?.close());
	};

	process.once('SIGTERM', leave);
	process.once('SIGHUP', leave);
	try {
		return await runTui({session, startSession, name: options.name, ...(discovery ? {rooms: discovery.list} : {})});
	} finally {
		await discovery?.close();
		await hosted?.close();
	}
}
