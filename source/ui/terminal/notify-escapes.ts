import type {ColourDepth} from '../preview/half-blocks.js';
/**
 * The escape sequences of a desktop notification and of the window title, built as strings.
 * Pure: what the terminal is comes in as a `TerminalFeatures` (see terminal-features.ts).
 */

const ESC = '\u001B';
const BEL = '\u0007';
const ST = `${ESC}\\`;

/**
 * How the terminal raises a notification: OSC 9 (iTerm2, WezTerm, Windows Terminal, ConEmu,
 * ghostty), OSC 777 (urxvt, foot, VTE terminals such as GNOME Terminal), OSC 99 (kitty).
 */
export type NotifyKind = 'osc9' | 'osc777' | 'osc99';

/** Turns focus reporting (DEC mode 1004) on and off: the terminal then sends ESC[I and ESC[O. */
export const focusReportingOn = `${ESC}[?1004h`;
export const focusReportingOff = `${ESC}[?1004l`;
/** Saves the window title on the terminal's title stack, and restores it (XTWINOPS 22/23). */
export const pushTitle = `${ESC}[22;0t`;
export const popTitle = `${ESC}[23;0t`;

/** The window title the TUI shows (with an unread count while in the background). */
export const appTitle = 'socket-chat-tui';
/** Longest notification body, in code points (a long message is cut with an ellipsis). */
export const MAX_NOTIFY_CHARS = 200;

// Controls (C0, DEL, C1) and the Unicode line and paragraph separators.
const unsafe = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g;

/**
 * Text safe inside an OSC string: every control character (ESC, BEL, C1 ST included) becomes a
 * space, so nothing in it can end the sequence or start another; at most `max` code points.
 */
export function sanitizeNotifyText(text: string, max = MAX_NOTIFY_CHARS): string {
	const flat = text.replace(unsafe, ' ').replace(/ {2,}/g, ' ').trim();
	const points = [...flat];
	return points.length <= max ? flat : `${points.slice(0, max - 1).join('')}…`;
}

/** Wraps a sequence for tmux to pass to the terminal outside it (needs `allow-passthrough on`). */
export function tmuxPassthrough(sequence: string): string {
	return `${ESC}Ptmux;${sequence.replaceAll(ESC, ESC + ESC)}${ST}`;
}

/** What the TUI knows about the terminal it draws on. */
export type TerminalFeatures = {
	/** How to raise a notification; undefined: never (--no-notify, or a terminal that would print it). */
	readonly notify?: NotifyKind;
	/** Inside tmux (TMUX set): notifications go through tmux's passthrough. */
	readonly tmux: boolean;
	/** The terminal shows OSC 8 hyperlinks. */
	readonly hyperlinks: boolean;
	/** Downloaded images are previewed in half blocks with these colours; undefined: no previews (--no-preview, NO_COLOR, not a terminal). */
	readonly previews?: ColourDepth;
	/**
	 * With previews on: draw them with kitty's graphics protocol (Unicode placeholders), iTerm2's
	 * inline images or sixel (drawn into each frame over cells kept blank) instead of half blocks.
	 */
	readonly graphics?: 'kitty' | 'iterm2' | 'sixel';
	/** The terminal's cell in pixels, where it said (asked for sixel, which draws pixels). */
	readonly cell?: {readonly width: number; readonly height: number};
};

/** Nothing but plain text: what tests and unknown callers get. */
export const plainTerminal: TerminalFeatures = {tmux: false, hyperlinks: false};

/**
 * The bytes that raise a desktop notification with `title` and `body`, or '' when the terminal
 * gets none. Both texts are sanitised here: a hostile message cannot end the sequence early.
 */
export function notificationSequence(features: TerminalFeatures, title: string, body: string): string {
	if (features.notify === undefined) {
		return '';
	}

	// The title also keeps OSC 777's fields apart, and never starts with a digit: ConEmu and
	// Windows Terminal read "OSC 9 ; 4 ; ..." as a command (a progress bar, a message box).
	const head = sanitizeNotifyText(title, 60).replaceAll(';', ',') || appTitle;
	const text = sanitizeNotifyText(body);
	let sequence: string;
	switch (features.notify) {
		case 'osc9': {
			sequence = `${ESC}]9;${/^\d/.test(head) ? `${appTitle} ${head}` : head}: ${text}${BEL}`;
			break;
		}

		case 'osc777': {
			sequence = `${ESC}]777;notify;${head};${text}${BEL}`;
			break;
		}

		case 'osc99': {
			sequence = `${ESC}]99;;${head}: ${text}${ST}`;
			break;
		}
	}

	return features.tmux ? tmuxPassthrough(sequence) : sequence;
}

/** "(3) socket-chat-tui" while 3 messages wait unread; the plain name at 0. */
export function unreadTitle(unread: number): string {
	return unread > 0 ? `(${unread}) ${appTitle}` : appTitle;
}

/** Sets the window title (OSC 2; tmux takes it as the pane's title, no passthrough needed). */
export function titleSequence(title: string): string {
	return `${ESC}]2;${sanitizeNotifyText(title, 100)}${BEL}`;
}
