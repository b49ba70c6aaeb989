import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {CliError} from '../../source/cli/cli-error.js';
import {helpText, parseOptions} from '../../source/cli/options.js';

let dir: string;
const join = ['--join', '127.0.0.1', '--name', 'bob'];

beforeAll(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'options-'));
});

afterAll(async () => {
	await rm(dir, {recursive: true, force: true});
});

async function secretFile(name: string, content: string): Promise<string> {
	const file = path.join(dir, name);
	await writeFile(file, content, {mode: 0o600});
	return file;
}

/** The CliError parseOptions throws for these arguments. */
function usageError(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliError {
	try {
		parseOptions(argv, env);
	} catch (error) {
		expect(error).toBeInstanceOf(CliError);
		return error as CliError;
	}

	throw new Error(`no error for ${argv.join(' ')}`);
}

describe('the room secret', () => {
	test('--secret-file reads the secret, without its trailing line break; spaces inside and around stay', async () => {
		expect(parseOptions([...join, '--secret-file', await secretFile('plain', 'correct horse')], {}).secret).toBe('correct horse');
		expect(parseOptions([...join, '--secret-file', await secretFile('newline', ' correct horse \n')], {}).secret).toBe(' correct horse ');
		expect(parseOptions([...join, '--secret-file', await secretFile('crlf', 'correct horse\r\n')], {}).secret).toBe('correct horse');
	});

	test('--secret-file wins over SOCKET_CHAT_SECRET, as --secret does', async () => {
		const file = await secretFile('wins', 'from the file\n');
		expect(parseOptions([...join, '--secret-file', file], {SOCKET_CHAT_SECRET: 'from the environment'}).secret).toBe('from the file');
		expect(parseOptions(join, {SOCKET_CHAT_SECRET: 'from the environment'}).secret).toBe('from the environment');
	});

	test('an empty secret file is a usage error that names it', async () => {
		for (const content of ['', '\n', '\r\n\n']) {
			const file = await secretFile('empty', content);
			const error = usageError([...join, '--secret-file', file]);
			expect(error.exitCode).toBe(2);
			expect(error.message).toContain(file);
			expect(error.message).toMatch(/empty/);
		}
	});

	test('a missing secret file, or a folder, is a usage error that names the path', () => {
		const missing = path.join(dir, 'no-such-file');
		const error = usageError([...join, '--secret-file', missing]);
		expect(error.exitCode).toBe(2);
		expect(error.message).toBe(`--secret-file: there is no file ${missing}`);
		const folder = usageError([...join, '--secret-file', dir]);
		expect(folder.exitCode).toBe(2);
		expect(folder.message).toContain(dir);
	});

	test('--secret and --secret-file together are a usage error', async () => {
		const error = usageError([...join, '--secret', 'x', '--secret-file', await secretFile('both', 'y')]);
		expect(error.exitCode).toBe(2);
		expect(error.message).toMatch(/choose one of --secret and --secret-file/);
	});

	test('the help offers --secret-file and says what --secret shows to other users', () => {
		expect(helpText).toContain('--secret-file PATH');
		expect(helpText).toMatch(/--secret TEXT[\s\S]*other\s+users[\s\S]*\/proc\/PID\/cmdline/);
	});

	test('multicast is on by default; --no-multicast or SOCKET_CHAT_MULTICAST=off turns it off, for a host and for a member', () => {
		expect(parseOptions(join, {}).multicast).toBe(true);
		expect(parseOptions([...join, '--no-multicast'], {}).multicast).toBe(false);
		expect(parseOptions(['--host', '--no-multicast'], {}).multicast).toBe(false);
		expect(parseOptions(join, {SOCKET_CHAT_MULTICAST: 'off'}).multicast).toBe(false);
		expect(helpText).toContain('--no-multicast');
	});
});

describe('another room on the port', () => {
	test('--new-room goes with --host (and says so otherwise), and the help offers it', () => {
		expect(parseOptions(['--host'], {}).newRoom).toBe(false);
		expect(parseOptions(['--host', '--new-room'], {}).newRoom).toBe(true);
		const alone = usageError([...join, '--new-room']);
		expect(alone.message).toContain('--new-room');
		expect(alone.message).toContain('--host');
		expect(alone.exitCode).toBe(2);
		expect(usageError(['--host', '--port', '0', '--new-room']).message).toContain('--port 0');
		expect(helpText).toContain('--new-room');
	});
});

describe('notifications', () => {
	test('on by default; --no-notify turns them off, and --help says so', () => {
		expect(parseOptions(join, {}).notify).toBe(true);
		expect(parseOptions([...join, '--no-notify'], {}).notify).toBe(false);
		expect(helpText).toMatch(/--no-notify\s+in the TUI: no desktop notification for a mention or a direct\s+message while the terminal is in the background, and no unread\s+count in the window title/);
	});
});

describe('image previews', () => {
	test('on by default; --no-preview turns them off, and --help says so', () => {
		expect(parseOptions(join, {}).preview).toBe(true);
		expect(parseOptions([...join, '--no-preview'], {}).preview).toBe(false);
		expect(helpText).toMatch(/--no-preview\s+in the TUI: no preview of a downloaded image in the messages pane/);
	});
});

describe('--graphics', () => {
	test('auto by default; kitty and blocks as given', () => {
		expect(parseOptions(join, {}).graphics).toBe('auto');
		expect(parseOptions([...join, '--graphics', 'kitty'], {}).graphics).toBe('kitty');
		expect(parseOptions([...join, '--graphics', 'blocks'], {}).graphics).toBe('blocks');
		expect(helpText).toContain('--graphics MODE');
	});

	test('iterm2 and sixel as given, but refused inside tmux, GNU screen and zellij for the full screen; anything else names the choices', () => {
		expect(parseOptions([...join, '--graphics', 'iterm2'], {}).graphics).toBe('iterm2');
		expect(parseOptions([...join, '--graphics', 'sixel'], {}).graphics).toBe('sixel');
		const inTmux = usageError([...join, '--graphics', 'sixel'], {TMUX: '/tmp/tmux-0/default,1,0'});
		expect(inTmux.message).toBe(
			'--graphics sixel: not inside tmux, which does not keep sixel images as part of its screen (they would be lost or left behind); run it outside tmux, or use --graphics blocks',
		);
		expect(inTmux.exitCode).toBe(2);
		expect(usageError([...join, '--graphics', 'iterm2'], {STY: '1.pts-0'}).message).toMatch(/^--graphics iterm2: not inside GNU screen, which does not keep iTerm2's inline images/);
		expect(usageError([...join, '--graphics', 'iterm2'], {ZELLIJ: '0'}).message).toMatch(/not inside zellij/);
		// Line mode draws no previews: nothing to refuse.
		expect(parseOptions([...join, '--plain', '--graphics', 'sixel'], {TMUX: '/tmp/tmux-0/default,1,0'}).graphics).toBe('sixel');
		expect(usageError([...join, '--graphics', 'png']).message).toBe('--graphics takes auto, kitty, iterm2, sixel or blocks, not "png"');
	});
});

describe('--join addresses (the README: port 9999 unless given; IPv6 in brackets, a link-local one with its zone)', () => {
	test('a host alone takes port 9999; HOST:PORT its port', () => {
		expect(parseOptions(['--join', '192.168.1.8', '--name', 'bob'], {}).join).toEqual({host: '192.168.1.8', port: 9999});
		expect(parseOptions(['--join', '192.168.1.8:4000', '--name', 'bob'], {}).join).toEqual({host: '192.168.1.8', port: 4000});
		expect(parseOptions(['--join', 'chat.lan', '--name', 'bob'], {}).join).toEqual({host: 'chat.lan', port: 9999});
	});

	test('IPv6: bare, in brackets with a port, and link-local with its zone', () => {
		expect(parseOptions(['--join', '::1', '--name', 'bob'], {}).join).toEqual({host: '::1', port: 9999});
		expect(parseOptions(['--join', '[::1]:4000', '--name', 'bob'], {}).join).toEqual({host: '::1', port: 4000});
		expect(parseOptions(['--join', '[fe80::1%eth0]:9999', '--name', 'bob'], {}).join).toEqual({host: 'fe80::1%eth0', port: 9999});
		expect(parseOptions(['--join', '[fe80::1%eth0]', '--name', 'bob'], {}).join).toEqual({host: 'fe80::1%eth0', port: 9999});
	});

	test('a bad port or an empty host is refused with what was wrong, exit code 2', () => {
		for (const [address, says] of [
			['192.168.1.8:0', '"0" is not a port (1-65535)'],
			['192.168.1.8:65536', '"65536" is not a port (1-65535)'],
			['192.168.1.8:ninety', '"ninety" is not a port (1-65535)'],
			[':9999', 'is not a host name or address'],
			['[::1]:', '"" is not a port (1-65535)'],
		] as const) {
			const error = usageError(['--join', address, '--name', 'bob']);
			expect(error.message).toContain(says);
			expect(error.message).toMatch(/^--join: /);
			expect(error.exitCode).toBe(2);
		}
	});
});

describe('--max-file-size (the README: a SIZE such as 500M; 1G when absent)', () => {
	const host = ['--host', '--name', 'alice'];
	test('sizes in bytes, K, M, G and T (powers of 1,024), with or without B or iB', () => {
		const sizes: Array<[string, number]> = [
			['1G', 1024 ** 3],
			['500M', 500 * 1024 ** 2],
			['500MB', 500 * 1024 ** 2],
			['2GiB', 2 * 1024 ** 3],
			['1.5k', 1536],
			['4096', 4096],
			['1t', 1024 ** 4],
		];
		for (const [text, bytes] of sizes) expect([text, parseOptions([...host, '--max-file-size', text], {}).maxFileSize]).toEqual([text, bytes]);
	});

	test('not a size: refused, naming the flag and the value', () => {
		for (const text of ['big', '0', '5X', '1.2.3G', 'G']) {
			const error = usageError([...host, '--max-file-size', text]);
			expect(error.message).toContain('--max-file-size takes a size such as 500M or 2G');
			expect(error.exitCode).toBe(2);
		}
	});

	test('absent: left to the transfer server (its default, 1 GiB: test/net/transfer-server.test.ts)', () => {
		expect(parseOptions(host, {}).maxFileSize).toBeUndefined();
	});
});
