import {homedir} from 'node:os';
import path from 'node:path';
import meow from 'meow';
import {parseHostPort} from '../net/address.js';
import {DEFAULT_DISCOVERY_PORT} from '../protocol/discovery-wire.js';
import {DEFAULT_PORT, DEFAULT_TRANSFER_PORT} from '../protocol/limits.js';
import {checkName} from '../protocol/names.js';
import type {GraphicsChoice} from '../ui/terminal/terminal-features.js';
import {CliError} from './cli-error.js';
import {readSecretFile} from './secret-file.js';

export const helpText = `
  Usage
    $ socket-chat-tui --host [options]          open a room (and join it)
    $ socket-chat-tui --join HOST[:PORT] [options]
    $ socket-chat-tui --join                    join a room found on the network
    $ socket-chat-tui --list                    list the rooms on the network
    $ socket-chat-tui                           a start screen to choose

  Options
    --host               open a room: a UDP chat hub and a TCP file server
    --join HOST[:PORT]   join the room at HOST (port ${DEFAULT_PORT} unless given; IPv6 as
                         [ADDR]:PORT, link-local with its zone: [fe80::1%eth0]:PORT); without
                         an address, the room found on the network (or pick one)
    --list               print the rooms found on the network within 3 s, and exit
    --room NAME          with --host: the room's name in discovery (default: NAME's room)
    --discovery-port N   UDP port for finding rooms (default ${DEFAULT_DISCOVERY_PORT})
    --no-mdns            find and announce rooms by broadcast only, not DNS-SD over
                         mDNS (or set SOCKET_CHAT_MDNS=off)
    --no-multicast       with --host: send the room's events to each member by unicast,
                         never by the room's multicast group; with --join: take them by
                         unicast (or set SOCKET_CHAT_MULTICAST=off)
    --name NAME          your name in the room (asked for when absent in the TUI)
    --port N             hub UDP port (default ${DEFAULT_PORT}; 0 lets the system choose)
    --transfer-port N    host's TCP file transfer port (default ${DEFAULT_TRANSFER_PORT})
    --bind ADDR          address the host binds (default: all interfaces)
    --headless           with --host: run the hub alone and log the room to stdout
    --plain              line mode: read lines from stdin, print events as lines
    --json               line mode: print one JSON object per event
    --download-dir DIR   where /get saves files (default ./socket-chat-downloads)
    --scrollback N       messages kept on screen to scroll back through (default 10000)
    --no-notify          in the TUI: no desktop notification for a mention or a direct
                         message while the terminal is in the background, and no unread
                         count in the window title
    --no-preview         in the TUI: no preview of a downloaded image in the messages pane
    --graphics MODE      in the TUI, how previews are drawn: auto (default: kitty's
                         graphics protocol in kitty and ghostty, iTerm2's inline images
                         in iTerm2 and WezTerm, sixel in foot, mlterm and contour, half
                         blocks elsewhere), kitty, iterm2, sixel (not inside tmux), or
                         blocks (coloured half blocks)
    --data-dir DIR       with --host: where the room's history is kept, so a restarted
                         host goes on with the same room (default: your data folder)
    --new-room           with --host: open a new room (a new key) on this port, beside
                         the one kept there (a private room: the secret picks the room)
    --max-file-size SIZE with --host: largest file members may send (default 1G)
    --secret-file PATH   a room only those who know the secret in PATH can read or
                         enter; every datagram and file is encrypted (a trailing line
                         break is ignored). Or set SOCKET_CHAT_SECRET
    --secret TEXT        the same with the secret on the command line, where other
                         users of this machine can read it (ps, /proc/PID/cmdline)
    --accept-new-key     with --join: trust a room whose host key changed since you last
                         joined it (compare its fingerprint with the host first)
    --help, --version

  In the room
    text is sent to everyone; /help lists the commands (/send, /get, /msg, /me, /nick, /quit ...)

  Examples
    $ npx socket-chat-tui --host
    $ npx socket-chat-tui --join 192.168.1.8 --name bob
    $ sleep 60 | npx socket-chat-tui --join 127.0.0.1:9999 --name bob --json
`;

export type Mode = 'host' | 'join' | 'start' | 'list';

export type CliOptions = {
	readonly mode: Mode;
	readonly headless: boolean;
	/** Where to join; absent with mode 'join' means: find the room on the network. */
	readonly join?: {host: string; port: number};
	readonly discoveryPort: number;
	/** Find and announce rooms over DNS-SD/mDNS as well as by broadcast (`--no-mdns`, SOCKET_CHAT_MDNS=off: no). */
	readonly mdns: boolean;
	/** The room's events by its multicast group where that works (`--no-multicast`, SOCKET_CHAT_MULTICAST=off: unicast only). */
	readonly multicast: boolean;
	/** The room's name in discovery announcements. */
	readonly room?: string;
	/** Where the host keeps the room's history; false when nothing is kept. */
	readonly dataDir: string | false;
	/** The member's pins of the rooms' host keys (known-rooms.json in the data folder). */
	readonly knownRoomsFile: string;
	/** Who the member ignores, per room (ignored.json in the data folder). */
	readonly ignoreFile: string;
	/** `--accept-new-key`: a room whose host key changed is trusted, and the new key pinned. */
	readonly acceptNewKey: boolean;
	/** `--new-room`: the host makes a new room (a new key) instead of going on with the one kept for its port. */
	readonly newRoom: boolean;
	/** Messages kept in the messages pane. */
	readonly scrollback: number;
	/** The TUI's notifications and unread count in the title while in the background (`--no-notify`: off). */
	readonly notify: boolean;
	/** The TUI's previews of downloaded images (`--no-preview`: off). */
	readonly preview: boolean;
	/** How the TUI draws previews (`--graphics`). */
	readonly graphics: GraphicsChoice;
	readonly name?: string;
	readonly port: number;
	readonly transferPort: number;
	readonly bind?: string;
	readonly line?: 'plain' | 'json';
	readonly downloadDir: string;
	readonly maxFileSize?: number;
	/** From --secret-file, --secret, or the SOCKET_CHAT_SECRET environment variable (the first and the last stay out of ps). */
	readonly secret?: string;
	/** Which of those gave it, for a message that refuses it ("SOCKET_CHAT_SECRET", "--secret-file PATH", "--secret"). */
	readonly secretFrom?: string;
};

const units: Record<string, number> = {'': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4};

/** "1G", "500m", "1048576", "2.5GiB" -> bytes. */
export function parseSize(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
	if (!match) {
		return undefined;
	}

	const bytes = Math.floor(Number(match[1]) * units[match[2]!.toLowerCase()]!);
	return bytes > 0 ? bytes : undefined;
}

/** The user's data folder for this program (XDG on Linux, Application Support on macOS, AppData on Windows). */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
	const home = homedir();
	if (process.platform === 'win32') {
		return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'socket-chat-tui');
	}

	if (process.platform === 'darwin') {
		return path.join(home, 'Library', 'Application Support', 'socket-chat-tui');
	}

	return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'socket-chat-tui');
}

function port(value: number | undefined, flag: string, fallback: number): number {
	if (value === undefined) {
		return fallback;
	}

	if (!Number.isInteger(value) || value < 0 || value > 65_535) {
		throw new CliError(`--${flag} takes a port number from 0 to 65535`, 2);
	}

	return value;
}

/** Reads and checks the command line. Throws a CliError (exit 2) for anything a person must fix. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
	const cli = meow(helpText, {
		importMeta: import.meta,
		argv: [...argv],
		allowUnknownFlags: false,
		flags: {
			host: {type: 'boolean', default: false},
			join: {type: 'string'},
			name: {type: 'string'},
			port: {type: 'number'},
			transferPort: {type: 'number'},
			bind: {type: 'string'},
			headless: {type: 'boolean', default: false},
			plain: {type: 'boolean', default: false},
			json: {type: 'boolean', default: false},
			downloadDir: {type: 'string'},
			maxFileSize: {type: 'string'},
			secret: {type: 'string'},
			secretFile: {type: 'string'},
			list: {type: 'boolean', default: false},
			room: {type: 'string'},
			discoveryPort: {type: 'number'},
			mdns: {type: 'boolean', default: true},
			multicast: {type: 'boolean', default: true},
			dataDir: {type: 'string'},
			acceptNewKey: {type: 'boolean', default: false},
			newRoom: {type: 'boolean', default: false},
			scrollback: {type: 'number', default: 10_000},
			notify: {type: 'boolean', default: true},
			preview: {type: 'boolean', default: true},
			graphics: {type: 'string', default: 'auto'},
		},
	});
	const {flags} = cli;
	if (cli.input.length > 0) {
		throw new CliError(`unexpected argument "${cli.input[0]}" (did you mean --join ${cli.input[0]}?)`, 2);
	}

	if (flags.host && flags.join !== undefined) {
		throw new CliError('choose one: --host opens a room, --join joins one', 2);
	}

	if (flags.list && (flags.host || flags.join !== undefined)) {
		throw new CliError('--list only lists rooms; run it alone (with --json for JSON)', 2);
	}

	if (flags.headless && !flags.host) {
		throw new CliError('--headless runs a hub alone, so it goes with --host', 2);
	}

	if (flags.newRoom && !flags.host) {
		throw new CliError('--new-room opens a new room, so it goes with --host', 2);
	}

	if (flags.newRoom && flags.dataDir === undefined && port(flags.port, 'port', DEFAULT_PORT) === 0) {
		throw new CliError('--new-room: a room on --port 0 is new at every start already (nothing is kept for it)', 2);
	}

	if (flags.plain && flags.json) {
		throw new CliError('choose one of --plain and --json', 2);
	}

	if (flags.name !== undefined) {
		const check = checkName(flags.name);
		if (!check.ok) {
			throw new CliError(`--name: ${check.reason}`, 2);
		}
	}

	let join: CliOptions['join'];
	const hubPort = port(flags.port, 'port', DEFAULT_PORT);
	if (flags.join !== undefined && flags.join.trim() !== '') {
		const parsed = parseHostPort(flags.join, flags.port ?? DEFAULT_PORT);
		if ('error' in parsed) {
			throw new CliError(`--join: ${parsed.error}`, 2);
		}

		join = parsed;
	}

	let maxFileSize: number | undefined;
	if (flags.maxFileSize !== undefined) {
		maxFileSize = parseSize(flags.maxFileSize);
		if (maxFileSize === undefined) {
			throw new CliError(`--max-file-size takes a size such as 500M or 2G, not "${flags.maxFileSize}"`, 2);
		}
	}

	if (!Number.isInteger(flags.scrollback) || flags.scrollback < 100 || flags.scrollback > 1_000_000) {
		throw new CliError('--scrollback takes a number of messages from 100 to 1000000', 2);
	}

	const graphics = graphicsChoice(flags.graphics, env, !flags.plain && !flags.json && !flags.headless && !flags.list);
	if (flags.secret !== undefined && flags.secretFile !== undefined) {
		throw new CliError('choose one of --secret and --secret-file', 2);
	}

	const secret = flags.secretFile === undefined ? (flags.secret ?? (env.SOCKET_CHAT_SECRET || undefined)) : readSecretFile(flags.secretFile);
	if (secret === '') {
		throw new CliError('--secret needs a value (or use --secret-file PATH, or set SOCKET_CHAT_SECRET)', 2);
	}

	const secretFrom = secret === undefined ? undefined : flags.secretFile === undefined ? (flags.secret === undefined ? 'SOCKET_CHAT_SECRET' : '--secret') : `--secret-file ${flags.secretFile}`;
	return {
		secret,
		...(secretFrom === undefined ? {} : {secretFrom}),
		maxFileSize,
		mode: flags.list ? 'list' : flags.host ? 'host' : flags.join === undefined ? 'start' : 'join',
		discoveryPort: port(flags.discoveryPort, 'discovery-port', DEFAULT_DISCOVERY_PORT),
		mdns: flags.mdns && env.SOCKET_CHAT_MDNS !== 'off',
		multicast: flags.multicast && env.SOCKET_CHAT_MULTICAST !== 'off',
		room: flags.room,
		scrollback: flags.scrollback,
		notify: flags.notify,
		preview: flags.preview,
		graphics,
		// A room on a port the system picks cannot be found again after a restart: keep no
		// history for it unless a folder is named.
		dataDir: flags.dataDir ?? (hubPort === 0 ? false : defaultDataDir(env)),
		knownRoomsFile: path.join(flags.dataDir ?? defaultDataDir(env), 'known-rooms.json'),
		ignoreFile: path.join(flags.dataDir ?? defaultDataDir(env), 'ignored.json'),
		acceptNewKey: flags.acceptNewKey,
		newRoom: flags.newRoom,
		headless: flags.headless,
		join,
		name: flags.name,
		port: hubPort,
		transferPort: port(flags.transferPort, 'transfer-port', DEFAULT_TRANSFER_PORT),
		bind: flags.bind,
		line: flags.json ? 'json' : flags.plain ? 'plain' : undefined,
		downloadDir: flags.downloadDir ?? 'socket-chat-downloads',
	};
}

/**
 * `--graphics`'s value. iTerm2's inline images and sixel are refused inside tmux, GNU screen and
 * zellij (for the full screen; line mode draws no previews): they pass the pictures on, if at all,
 * without keeping them as part of their screen, so a redraw or a switch of window loses them.
 */
function graphicsChoice(value: string, env: NodeJS.ProcessEnv, fullScreen: boolean): GraphicsChoice {
	if (value === 'iterm2' || value === 'sixel') {
		const multiplexer = (env.TMUX ?? '') !== '' ? 'tmux' : (env.STY ?? '') !== '' ? 'GNU screen' : (env.ZELLIJ ?? '') !== '' ? 'zellij' : undefined;
		if (fullScreen && multiplexer !== undefined) {
			const what = value === 'iterm2' ? "iTerm2's inline images" : 'sixel images';
			throw new CliError(`--graphics ${value}: not inside ${multiplexer}, which does not keep ${what} as part of its screen (they would be lost or left behind); run it outside ${multiplexer}, or use --graphics blocks`, 2);
		}
	}

	if (value === 'auto' || value === 'kitty' || value === 'blocks' || value === 'iterm2' || value === 'sixel') return value;
	throw new CliError(`--graphics takes auto, kitty, iterm2, sixel or blocks, not "${value}"`, 2);
}
