import {render} from 'ink';
import {App, type AppProps} from './app.js';

/** What runTui needs: the App's props without onExit, and the terminal to use. */
export type RunTuiOptions = Omit<AppProps, 'onExit'> & {
	readonly stdout?: NodeJS.WriteStream;
	readonly stdin?: NodeJS.ReadStream;
	readonly stderr?: NodeJS.WriteStream;
	/** Draw on the terminal's alternate screen (restored on exit). Default: when stdout is a TTY. */
	readonly alternateScreen?: boolean;
};

const enterAlternateScreen = '\u001B[?1049h\u001B[H';
const leaveAlternateScreen = '\u001B[?1049l';

/**
 * Runs the TUI full screen until it asks to exit, and resolves with the exit code it chose
 * (0 after leaving, 1 after a refusal or a lost connection). Ctrl+C is the App's to handle.
 */
export async function runTui({stdout = process.stdout, stdin = process.stdin, stderr = process.stderr, alternateScreen, ...props}: RunTuiOptions): Promise<number> {
	const alternate = alternateScreen ?? stdout.isTTY === true;
	if (alternate) {
		stdout.write(enterAlternateScreen);
	}

	let finish: (code: number) => void = () => undefined;
	const exited = new Promise<number>(resolve => {
		finish = resolve;
	});
	const instance = render(<App {...props} onExit={finish} />, {stdout, stdin, stderr, exitOnCtrlC: false});
	try {
		return await exited;
	} finally {
		instance.unmount();
		await instance.waitUntilExit().catch(() => undefined);
		if (alternate) {
			stdout.write(leaveAlternateScreen);
		}
	}
}
