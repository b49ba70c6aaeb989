/** Renders the real App against a fake session, with a terminal size and a record of exits. */
import {act} from 'react';
import {render} from 'ink-testing-library';
import {App, type AppProps} from '../../source/ui/app.js';
import {TerminalInput} from '../../source/ui/terminal/terminal-input.js';
import {settle, type Rendered} from './wait-for.js';

/** A rendered App, the terminal input layer its keys go through, and the exit codes it asked for. */
export type RenderedApp = Rendered & {readonly exits: number[]; readonly terminal: TerminalInput};

/** Sets the fake terminal's size and tells the app it was resized. */
export function resize(rendered: Rendered, columns: number, rows: number): void {
	Object.defineProperty(rendered.stdout, 'columns', {configurable: true, get: () => columns});
	Object.defineProperty(rendered.stdout, 'rows', {configurable: true, get: () => rows});
	rendered.stdout.emit('resize');
}

/** Renders <App> (100x24 unless told otherwise). */
export function renderApp(props: Omit<AppProps, 'onExit'>, size: {columns: number; rows: number} = {columns: 100, rows: 24}): RenderedApp {
	const exits: number[] = [];
	let toInk: (data: string) => void = () => undefined;
	// The production input layer, with the keys it passes going to the test's stdin.
	// Its clock moves 100 ms per press: keys come as a person types them, each read apart.
	let clock = 0;
	const terminal = new TerminalInput(process.stdin, {
		now: () => {
			clock += 100;
			return clock;
		},
		toInk(data) {
			toInk(data);
		},
	});
	const rendered = render(
		<App
			{...props}
			textEvents={terminal}
			onExit={code => {
				exits.push(code);
			}}
		/>,
	);
	toInk = data => {
		rendered.stdin.write(data);
	};

	resize(rendered, size.columns, size.rows);
	return {...rendered, exits, terminal};
}

const actGlobal = globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean};

/**
 * Presses keys (or types text), each inside React's act(): the key's renders and effects
 * (Ink subscribes input handlers in effects) are all done before the next key, as they
 * would be between two keystrokes of a person.
 */
export async function press(rendered: Rendered & {readonly terminal?: TerminalInput}, ...sequences: string[]): Promise<void> {
	actGlobal.IS_REACT_ACT_ENVIRONMENT = true;
	try {
		for (const sequence of sequences) {
			await act(async () => {
				if (rendered.terminal) {
					rendered.terminal.feed(sequence);
					// A person pauses after Esc: it is a key of its own, not the start of a sequence.
					if (rendered.terminal.waiting) {
						rendered.terminal.flushWaiting();
					}
				} else {
					rendered.stdin.write(sequence);
				}

				await settle();
			});
		}
	} finally {
		actGlobal.IS_REACT_ACT_ENVIRONMENT = false;
	}
}
