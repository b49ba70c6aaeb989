import {execFileSync, spawnSync} from 'node:child_process';
import {waitFor} from './wait-for.js';

/**
 * Real terminals for end-to-end tests: one private tmux server (its own socket, so it never
 * touches anyone's tmux), a session per program, send-keys to type, capture-pane to read.
 */
export class Terminals {
	private readonly socket = `sct-e2e-${process.pid}-${Date.now()}`;

	constructor() {
		const found = spawnSync('tmux', ['-V'], {encoding: 'utf8'});
		if (found.status !== 0) {
			throw new Error('tmux is needed for the terminal tests (.ci/run installs it: apt-get install tmux)');
		}
	}

	private tmux(...args: string[]): string {
		return execFileSync('tmux', ['-L', this.socket, ...args], {encoding: 'utf8'});
	}

	/** Starts `command` in a new terminal of the given size. */
	start(name: string, command: string, columns = 110, rows = 30): void {
		this.tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), command);
	}

	/** Types keys (tmux key names like Enter or C-c are allowed). */
	type(name: string, ...keys: string[]): void {
		this.tmux('send-keys', '-t', name, ...keys);
	}

	/** Sends raw bytes to the program, as a terminal would (escape sequences and all). */
	sendBytes(name: string, bytes: string): void {
		const hex = [...Buffer.from(bytes, 'utf8')].map(byte => byte.toString(16).padStart(2, '0'));
		for (let at = 0; at < hex.length; at += 2000) {
			this.tmux('send-keys', '-t', name, '-H', ...hex.slice(at, at + 2000));
		}
	}

	/**
	 * Pastes `text` as a terminal does: bracketed (DEC 2004) when the program turned that on,
	 * as plain keys otherwise. Line feeds reach the program as carriage returns, as when pasting.
	 */
	paste(name: string, text: string): void {
		const buffer = `paste-${Date.now()}`;
		this.tmux('set-buffer', '-b', buffer, '--', text);
		this.tmux('paste-buffer', '-p', '-d', '-b', buffer, '-t', name);
	}

	/** Sets a server-wide option (`set -g`); the server must be running (a session started). */
	setGlobal(option: string, value: string): void {
		this.tmux('set-option', '-g', option, value);
	}

	/** The screen with its colours and attributes as escape sequences (capture-pane -e). */
	styledScreen(name: string): string {
		return this.tmux('capture-pane', '-p', '-e', '-t', name);
	}

	/** Keeps the pane (and what the program printed last) after the program exits. */
	keepAfterExit(name: string): void {
		this.tmux('set-option', '-t', name, 'remain-on-exit', 'on');
	}

	/** Logs everything the program writes to its terminal, raw, into `file`. */
	recordOutput(name: string, file: string): void {
		this.tmux('pipe-pane', '-o', '-t', name, `cat >> ${JSON.stringify(file)}`);
	}

	/** A tmux format of the pane: #{alternate_on}, #{pane_dead_status}, ... */
	format(name: string, format: string): string {
		return this.tmux('display-message', '-p', '-t', name, format).trim();
	}

	/** The screen as text; `joined`: lines the terminal wrapped are joined again. */
	screen(name: string, joined = false): string {
		return this.tmux('capture-pane', '-p', ...(joined ? ['-J'] : []), '-t', name);
	}

	resize(name: string, columns: number, rows: number): void {
		this.tmux('resize-window', '-t', name, '-x', String(columns), '-y', String(rows));
	}

	running(name: string): boolean {
		return spawnSync('tmux', ['-L', this.socket, 'has-session', '-t', name]).status === 0;
	}

	/** Waits (bounded) until the screen matches, and returns what matched. */
	async waitFor(name: string, pattern: RegExp | string, timeoutMs = 10_000): Promise<RegExpMatchArray> {
		const regexp = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
		return waitFor(() => regexp.exec(this.screen(name)) ?? undefined, {
			timeoutMs,
			what: () => `${String(pattern)} on ${name}'s screen:\n${this.running(name) ? this.screen(name) : '(terminal closed)'}`,
		});
	}

	close(): void {
		spawnSync('tmux', ['-L', this.socket, 'kill-server']);
	}
}
