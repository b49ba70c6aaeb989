import {render} from 'ink';
import {App, type AppProps} from './app.js';
import {pixelStdout} from './preview/pixel-images.js';
import {focusReportingOff, focusReportingOn, popTitle, pushTitle} from './terminal/notify-escapes.js';
import {bracketedPasteOff, bracketedPasteOn, TerminalInput} from './terminal/terminal-input.js';

/** What runTui needs: the App's props without onExit, and the terminal to use. */
export type RunTuiOptions = Omit<AppProps, 'onExit' | 'textEvents'> & {
	readonly stdout?: NodeJS.WriteStream;
	readonly stdin?: NodeJS.ReadStream;
	readonly stderr?: NodeJS.WriteStream;
	/** Draw on the terminal's alternate screen (restored on exit). Default: when stdout is a TTY. */
	readonly alternateScreen?: boolean;
	/**
	 * Called once on an uncaught exception or rejection, after the terminal was restored: leaves
	 * the room (bounded) and writes the stack somewhere; resolves with the line to print.
	 */
	readonly onCrash?: (error: unknown) => Promise<string>;
};

const enterAlternateScreen = '\u001B[?1049h\u001B[H';
const leaveAlternateScreen = '\u001B[?1049l';
const showCursor = '\u001B[?25h';

/**
 * Runs the TUI full screen until it asks to exit, and resolves with the exit code it chose
 * (0 after leaving, 1 after a refusal, a lost connection, or a crash). Ctrl+C is the App's.
 * Every way out restores the terminal: raw mode, bracketed paste, focus reporting and the window
 * title, the cursor, the main screen.
 */
export async function runTui({stdout = process.stdout, stdin = process.stdin, stderr = process.stderr, alternateScreen, onCrash, features, ...props}: RunTuiOptions): Promise<number> {
	const alternate = alternateScreen ?? stdout.isTTY === true;
	// iTerm2's images and sixel are drawn into each frame at the screen row and column of their
	// marker cells, which are known only while the frames start at the screen's top (the
	// alternate screen); elsewhere previews are half blocks.
	const pixels = features?.graphics === 'iterm2' || features?.graphics === 'sixel';
	const {graphics: _graphics, ...withoutGraphics} = features ?? {tmux: false, hyperlinks: false};
	const shown = pixels && !alternate ? withoutGraphics : features;
	const inkStdout = pixels && alternate ? pixelStdout(stdout) : stdout;
	// Until Ink turns raw mode on, the terminal is cooked: what was typed meanwhile has Enter as a line feed.
	const terminal = stdin.isTTY ? new TerminalInput(stdin, {typeahead: stdin.isRaw !== true}) : undefined;
	// Focus reports tell when the terminal is in the background; the title is saved, to be put back.
	const watchFocus = terminal !== undefined && features?.notify !== undefined;
	let restored = false;
	const restore = () => {
		if (restored) {
			return;
		}

		restored = true;
		terminal?.stop();
		try {
			stdin.setRawMode?.(false);
		} catch {}

		stdout.write(`${terminal ? bracketedPasteOff : ''}${watchFocus ? focusReportingOff + popTitle : ''}${showCursor}${alternate ? leaveAlternateScreen : ''}`);
	};

	// A backstop: whatever ends the process, the terminal is given back.
	process.once('exit', restore);
	stdout.write(`${alternate ? enterAlternateScreen : ''}${terminal ? bracketedPasteOn : ''}${watchFocus ? pushTitle + focusReportingOn : ''}`);
	terminal?.start();

	let finish: (code: number) => void = () => undefined;
	const exited = new Promise<number>(resolve => {
		finish = resolve;
	});
	let crashing = false;
	let instance: ReturnType<typeof render> | undefined;
	const crash = (error: unknown) => {
		if (crashing) {
			return;
		}

		crashing = true;
		try {
			instance?.unmount();
		} catch {}

		restore();
		void (onCrash ? onCrash(error) : Promise.resolve(`socket-chat-tui crashed: ${(error as Error)?.stack ?? String(error)}`)).then(
			line => {
				stderr.write(`${line}\n`);
				finish(1);
			},
			() => {
				finish(1);
			},
		);
	};

	process.on('uncaughtException', crash);
	process.on('unhandledRejection', crash);
	instance = render(<App {...props} {...(shown === undefined ? {} : {features: shown})} textEvents={terminal} onExit={finish} />, {
		stdout: inkStdout,
		stdin: terminal?.inkStdin ?? stdin,
		stderr,
		exitOnCtrlC: false,
	});
	// An error thrown while rendering ends Ink's app with that error.
	instance.waitUntilExit().catch(crash);
	try {
		return await exited;
	} finally {
		process.off('uncaughtException', crash);
		process.off('unhandledRejection', crash);
		instance.unmount();
		await instance.waitUntilExit().catch(() => undefined);
		restore();
		process.off('exit', restore);
	}
}
