#!/usr/bin/env node
import process from 'node:process';
import {onlyRoom} from './source/cli/discover.js';
import {runHeadless} from './source/cli/headless.js';
import {runList} from './source/cli/list.js';
import {CliError} from './source/cli/cli-error.js';
import {parseOptions, type CliOptions} from './source/cli/options.js';
import {hostingEvent, joinHints, openRoom, type RunningHub} from './source/cli/run-host.js';
import {runLineMode} from './source/line/line-mode.js';
import {memberSession} from './source/cli/member-session.js';
import {runFullScreen} from './source/cli/run-tui.js';

/** Line mode: for scripts, and whenever standard input or output is not a terminal. */
async function runLines(options: CliOptions, room: RunningHub | undefined): Promise<number> {
	if (!options.name) {
		throw new CliError('line mode needs --name NAME (the full-screen TUI asks for it)', 2);
	}

	const target = room || options.join ? options.join : await onlyRoom(options);
	const session = memberSession(options, room, target);
	const format = options.line ?? 'plain';

	const stop = () => {
		void session.leave();
	};

	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
	if (room) {
		const hints = joinHints(room);
		if (format === 'json') {
			process.stdout.write(`${JSON.stringify(hostingEvent(room))}\n`);
		} else {
			process.stdout.write(`* room open on UDP port ${room.port}; others join with: ${hints.join('  or  ')}\n`);
		}
	}

	const code = await runLineMode({session, format, name: options.name, input: process.stdin, output: process.stdout, errors: process.stderr});
	await room?.close();
	return code;
}

/** Runs the command line; a failure a person must hear about comes up as a CliError. */
async function run(argv: readonly string[]): Promise<number> {
	const options = parseOptions(argv);
	if (options.mode === 'list') {
		return runList({discoveryPort: options.discoveryPort, mdns: options.mdns, json: options.line === 'json', output: process.stdout, errors: process.stderr, knownRoomsFile: options.knownRoomsFile});
	}

	const fullScreen = !options.line && !options.headless && process.stdout.isTTY === true && process.stdin.isTTY === true;
	if (options.mode === 'start' && !fullScreen) {
		throw new CliError('say --host to open a room or --join HOST to join one (the start screen needs a terminal)', 2);
	}

	if (options.mode === 'host' && !fullScreen && !options.headless && !options.name) {
		throw new CliError('line mode needs --name NAME (the full-screen TUI asks for it)', 2);
	}

	const room = options.mode === 'host' ? await openRoom(options) : undefined;
	if (room && options.headless) {
		return runHeadless(room, options.line === 'json', process.stdout);
	}

	return fullScreen ? runFullScreen(options, room) : runLines(options, room);
}

/** The one place a CliError ends: its message on stderr (with a pointer to --help for usage), its exit code. */
async function main(): Promise<number> {
	try {
		return await run(process.argv.slice(2));
	} catch (error) {
		if (error instanceof CliError) {
			const hint = error.exitCode === 2 ? 'Run socket-chat-tui --help for usage.\n' : '';
			process.stderr.write(`socket-chat-tui: ${error.message}\n${hint}`);
			return error.exitCode;
		}

		throw error;
	}
}

const code = await main();
process.stdout.write('', () => {
	process.exit(code);
});
