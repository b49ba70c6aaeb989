#!/usr/bin/env node
import process from 'node:process';
import {onlyRoom} from './source/cli/discover.js';
import {runHeadless} from './source/cli/headless.js';
import {runList} from './source/cli/list.js';
import {parseOptions, UsageError, type CliOptions} from './source/cli/options.js';
import {hostingEvent, joinHints, openRoom, RuntimeError, type RunningHub} from './source/cli/run-host.js';
import {runLineMode} from './source/line/line-mode.js';
import {memberSession} from './source/cli/member-session.js';
import {runFullScreen} from './source/cli/run-tui.js';

/** Line mode: for scripts, and whenever standard input or output is not a terminal. */
async function runLines(options: CliOptions, room: RunningHub | undefined): Promise<number> {
	if (!options.name) {
		throw new UsageError('line mode needs --name NAME (the full-screen TUI asks for it)');
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

async function main(): Promise<number> {
	let options: CliOptions;
	try {
		options = parseOptions(process.argv.slice(2));
	} catch (error) {
		if (error instanceof UsageError) {
			process.stderr.write(`socket-chat-tui: ${error.message}\nRun socket-chat-tui --help for usage.\n`);
			return 2;
		}

		throw error;
	}

	try {
		if (options.mode === 'list') {
			return await runList({discoveryPort: options.discoveryPort, mdns: options.mdns, json: options.line === 'json', output: process.stdout, errors: process.stderr});
		}

		const fullScreen = !options.line && !options.headless && process.stdout.isTTY === true && process.stdin.isTTY === true;
		if (options.mode === 'start' && !fullScreen) {
			throw new UsageError('say --host to open a room or --join HOST to join one (the start screen needs a terminal)');
		}

		if (options.mode === 'host' && !fullScreen && !options.headless && !options.name) {
			throw new UsageError('line mode needs --name NAME (the full-screen TUI asks for it)');
		}

		const room = options.mode === 'host' ? await openRoom(options) : undefined;
		if (room && options.headless) {
			return await runHeadless(room, options.line === 'json', process.stdout);
		}

		return fullScreen ? await runFullScreen(options, room) : await runLines(options, room);
	} catch (error) {
		if (error instanceof UsageError) {
			process.stderr.write(`socket-chat-tui: ${error.message}\nRun socket-chat-tui --help for usage.\n`);
			return 2;
		}

		if (error instanceof RuntimeError) {
			process.stderr.write(`socket-chat-tui: ${error.message}\n`);
			return 1;
		}

		throw error;
	}
}

const code = await main();
process.stdout.write('', () => {
	process.exit(code);
});
