import {EventEmitter} from 'node:events';
import {TerminalDecoder, type TerminalEvent} from './terminal-decoder.js';

/** Events the TUI handles itself, never through Ink's key parser. */
export type TextEvent = Exclude<TerminalEvent, {kind: 'keys'}>;

/** How long a lone Esc waits for the rest of a sequence before it counts as the Esc key. */
export const ESCAPE_WAIT_MS = 30;
/** A paste whose bytes stop this long before its end marker is over (a stray start marker). */
export const PASTE_IDLE_MS = 300;

/**
 * The first chunk read after raw mode turned on counts as typed ahead when it comes this soon
 * after the switch (what the terminal held is read at once; a key typed later comes later).
 */
export const TYPEAHEAD_MS = 500;

/** Turns bracketed paste (DEC 2004) on and off. */
export const bracketedPasteOn = '\u001B[?2004h';
export const bracketedPasteOff = '\u001B[?2004l';

/**
 * What Ink reads as its stdin: only the keys the decoder passed, handed over synchronously (so
 * they and the text events keep their order). Raw mode and ref/unref go to the real terminal.
 */
class InkStdin extends EventEmitter {
	readonly isTTY = true;
	private readonly queue: string[] = [];

	constructor(
		private readonly terminal: NodeJS.ReadStream,
		private readonly onRawMode: (mode: boolean) => void,
	) {
		super();
	}

	deliver(data: string): void {
		this.queue.push(data);
		this.emit('readable');
	}

	read(): string | null {
		return this.queue.shift() ?? null;
	}

	setEncoding(): this {
		return this;
	}

	setRawMode(mode: boolean): this {
		this.terminal.setRawMode?.(mode);
		this.onRawMode(mode);
		return this;
	}

	ref(): this {
		this.terminal.ref();
		return this;
	}

	unref(): this {
		this.terminal.unref();
		return this;
	}

	resume(): this {
		return this;
	}

	pause(): this {
		return this;
	}
}

/**
 * The one layer between the terminal and Ink: reads the terminal's bytes, hands Ink only keys
 * its parser survives, and gives pastes (whole) and our own keys to `onText` listeners.
 */
export class TerminalInput {
	private readonly decoder = new TerminalDecoder();
	private readonly listeners = new Set<(event: TextEvent) => void>();
	private readonly ink: InkStdin;
	private escapeTimer: NodeJS.Timeout | undefined;
	private readonly onData = (chunk: string) => {
		this.feed(chunk);
	};

	private readonly now: () => number;
	private readonly toInk: (data: string) => void;
	/**
	 * Keys typed before the TUI took the terminal (while `npx` was still starting, say) went
	 * through the terminal's line discipline in cooked mode, which turns Enter's carriage return
	 * into a line feed (ICRNL). They are read before raw mode is on, or in the first chunk after
	 * it: there a line feed is the Enter the person pressed, not Ctrl+J (a new line).
	 */
	private typeahead: 'cooked' | {readonly rawAt: number} | 'over';

	/**
	 * `toInk` replaces the stream Ink reads (a test hands the keys to ink-testing-library's stdin);
	 * `now` is the clock bursts are timed by; `typeahead`: the terminal is still in cooked mode
	 * until Ink turns raw mode on (the TUI's real terminal), so what was typed before is read as
	 * above.
	 */
	constructor(
		private readonly terminal: NodeJS.ReadStream,
		options: {readonly now?: () => number; readonly toInk?: (data: string) => void; readonly typeahead?: boolean} = {},
	) {
		this.typeahead = options.typeahead ? 'cooked' : 'over';
		this.ink = new InkStdin(terminal, mode => {
			if (mode && this.typeahead === 'cooked') this.typeahead = {rawAt: this.now()};
		});
		this.now = options.now ?? Date.now;
		this.toInk = options.toInk ?? (data => {
			this.ink.deliver(data);
		});
	}

	/** The stream to give Ink's render() as stdin. */
	get inkStdin(): NodeJS.ReadStream {
		return this.ink as unknown as NodeJS.ReadStream;
	}

	/** Starts reading the terminal. */
	start(): void {
		this.terminal.setEncoding('utf8');
		this.terminal.on('data', this.onData);
	}

	/** Stops reading the terminal (Ink has let go of it). */
	stop(): void {
		clearTimeout(this.escapeTimer);
		this.terminal.off('data', this.onData);
		this.terminal.pause();
	}

	/** Pastes, line breaks and the Delete key, in order with the keys Ink gets. */
	onText(listener: (event: TextEvent) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** True while a lone Esc, a sequence cut short, or an unfinished paste waits for the rest. */
	get waiting(): boolean {
		return this.decoder.waiting;
	}

	/** What a pause does to a waiting Esc or paste, now (a test's pause between two keys). */
	flushWaiting(): void {
		clearTimeout(this.escapeTimer);
		this.dispatch(this.decoder.flush());
	}

	/** Takes bytes as the terminal sent them. */
	feed(chunk: string): void {
		clearTimeout(this.escapeTimer);
		const now = this.now();
		if (this.typedAhead(now)) chunk = chunk.replaceAll('\n', '\r');
		this.dispatch(this.decoder.push(chunk, now));
		if (this.decoder.waiting) {
			this.escapeTimer = setTimeout(
				() => {
					this.dispatch(this.decoder.flush());
				},
				this.decoder.pasting ? PASTE_IDLE_MS : ESCAPE_WAIT_MS,
			);
		}
	}

	/** Whether what is read now was typed before raw mode was on (see `typeahead`); the first chunk after the switch ends it. */
	private typedAhead(now: number): boolean {
		if (this.typeahead === 'over') return false;
		if (this.typeahead === 'cooked') return true;
		const {rawAt} = this.typeahead;
		this.typeahead = 'over';
		return now - rawAt <= TYPEAHEAD_MS;
	}

	private dispatch(events: readonly TerminalEvent[]): void {
		for (const event of events) {
			if (event.kind === 'keys') {
				this.toInk(event.data);
			} else {
				for (const listener of this.listeners) {
					listener(event);
				}
			}
		}
	}
}
