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

	/** The screen as text. */
	screen(name: string): string {
		return this.tmux('capture-pane', '-p', '-t', name);
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
