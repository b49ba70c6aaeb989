import {parseHostPort} from '../net/address.js';
import {DEFAULT_PORT} from '../protocol/limits.js';
import type {ChatSessionApi, StartChoice} from '../session/types.js';
import {roomsForTui} from './discover.js';
import {memberSession} from './member-session.js';
import type {CliOptions} from './options.js';
import {openRoom, type RunningHub} from './run-host.js';
import {writeCrashLog} from './crash-log.js';
import {defaultDataDir} from './options.js';
import {tmuxAllowsPassthrough} from './tmux-passthrough.js';
import {askCellSize} from './cell-size.js';

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
	const {terminalFeatures} = await import('../ui/terminal/terminal-features.js');
	// kitty's images reach a terminal outside tmux only through tmux's passthrough: asked of tmux when it matters.
	const tmuxPassthrough = options.preview && options.graphics === 'auto' && process.env.TMUX ? await tmuxAllowsPassthrough(process.env) : undefined;
	let features = terminalFeatures(process.env, {
		notify: options.notify,
		previews: options.preview,
		graphics: options.graphics,
		isTty: process.stdout.isTTY === true,
		...(tmuxPassthrough === undefined ? {} : {tmuxPassthrough}),
	});
	// Sixel draws pixels: how many cells a picture covers depends on the terminal's cell, asked of it before the screen starts.
	const cell = features.graphics === 'sixel' ? await askCellSize(process.stdin, process.stdout) : undefined;
	if (cell) features = {...features, cell};
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
	let current: ChatSessionApi | undefined = session;
	const leave = () => {
		void current?.leave().then(async () => hosted?.close());
	};

	const onCrash = async (error: unknown): Promise<string> => {
		const log = writeCrashLog(typeof options.dataDir === 'string' ? options.dataDir : defaultDataDir(process.env), error);
		// The others see us leave instead of timing out; bounded, the process is not healthy.
		await Promise.race([current?.leave(), new Promise(resolve => setTimeout(resolve, CRASH_LEAVE_MS).unref())]);
		await hosted?.close();
		return `socket-chat-tui stopped on an internal error (${oneLine(error)}); it left the room. The details are in ${log}`;
	};

	process.once('SIGTERM', leave);
	process.once('SIGHUP', leave);
	try {
		const code = await runTui({
			session,
			startSession: async choice => {
				const started = await startSession(choice);
				current = started;
				return started;
			},
			name: options.name,
			features,
			onCrash,
			...(discovery ? {rooms: discovery.list} : {}),
		});
		const unsent = current?.undelivered() ?? 0;
		if (unsent > 0) {
			process.stderr.write(`socket-chat-tui: ${unsent} message${unsent === 1 ? ' was' : 's were'} not delivered (the hub did not acknowledge ${unsent === 1 ? 'it' : 'them'} before you quit)\n`);
		}

		return code;
	} finally {
		await discovery?.close();
		await hosted?.close();
	}
}

/** How long a crashed TUI tries to leave the room before it exits. */
const CRASH_LEAVE_MS = 3000;

function oneLine(error: unknown): string {
	const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	return text.split('\n')[0]!.slice(0, 200);
}
