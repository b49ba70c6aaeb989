import type {ColourDepth} from '../preview/half-blocks.js';
/**
 * What the terminal can do, read from the environment it set (pure: the caller passes env).
 * Inside tmux, TERM_PROGRAM and TERM are tmux's; the outer terminal is known by the variables
 * it set that tmux's server inherited (KITTY_WINDOW_ID, WT_SESSION, VTE_VERSION, LC_TERMINAL).
 */
import type {NotifyKind, TerminalFeatures} from './notify-escapes.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The terminal program's name, looking through tmux and ssh where the terminal left a trace. */
function program(env: Env): string | undefined {
	if (env.TERM_PROGRAM !== undefined && env.TERM_PROGRAM !== 'tmux' && env.TERM_PROGRAM !== 'screen') {
		return env.TERM_PROGRAM;
	}

	// iTerm2 sets LC_TERMINAL, which ssh passes on by default.
	return env.LC_TERMINAL === 'iTerm2' ? 'iTerm.app' : undefined;
}

function isKitty(env: Env): boolean {
	return env.KITTY_WINDOW_ID !== undefined || env.TERM === 'xterm-kitty';
}

function vteVersion(env: Env): number {
	return Number.parseInt(env.VTE_VERSION ?? '', 10) || 0;
}

/** Terminals that print an OSC they do not know (the Linux console), or nothing at all. */
function printsUnknownOsc(env: Env): boolean {
	return env.TERM === undefined || env.TERM === '' || env.TERM === 'dumb' || env.TERM === 'linux' || env.TERM.startsWith('vt');
}

/**
 * How to notify: kitty's OSC 99; OSC 777 for urxvt, foot and VTE terminals (GNOME Terminal,
 * Tilix...); otherwise OSC 9, which iTerm2, WezTerm, Windows Terminal, ConEmu and ghostty show
 * and xterm-like terminals ignore. None on the Linux console (it prints an unknown OSC) or a
 * dumb terminal.
 */
export function notifyKind(env: Env): NotifyKind | undefined {
	if (isKitty(env)) {
		return 'osc99';
	}

	const name = program(env);
	if (name === 'iTerm.app' || name === 'WezTerm' || name === 'ghostty' || env.WT_SESSION !== undefined || env.ConEmuPID !== undefined) {
		return 'osc9';
	}

	const term = env.TERM ?? '';
	if (term.startsWith('rxvt-unicode') || term.startsWith('foot') || vteVersion(env) > 0) {
		return 'osc777';
	}

	return printsUnknownOsc(env) ? undefined : 'osc9';
}

/** "3.4.1" -> [3, 4, 1]. */
function version(text: string | undefined): number[] {
	return (text ?? '').split('.').map(part => Number.parseInt(part, 10) || 0);
}

function atLeast(text: string | undefined, major: number, minor: number): boolean {
	const [got = 0, gotMinor = 0] = version(text);
	return got > major || (got === major && gotMinor >= minor);
}

/**
 * Whether the terminal shows OSC 8 hyperlinks: FORCE_HYPERLINK=1 / 0 decide; otherwise a known
 * list (the rules of the supports-hyperlinks package, reading `env` instead of process.env):
 * iTerm2 3.1+, WezTerm, VS Code 1.72+, ghostty, zed, Warp, Windows Terminal, VTE 0.50.1+
 * (GNOME Terminal...), kitty, foot, alacritty. Elsewhere plain text.
 */
export function supportsHyperlinks(env: Env, isTty: boolean): boolean {
	if (env.FORCE_HYPERLINK !== undefined && env.FORCE_HYPERLINK !== '') {
		return Number.parseInt(env.FORCE_HYPERLINK, 10) !== 0;
	}

	if (!isTty || printsUnknownOsc(env)) {
		return false;
	}

	if (env.WT_SESSION !== undefined || isKitty(env)) {
		return true;
	}

	switch (program(env)) {
		case 'iTerm.app': {
			return env.TERM_PROGRAM_VERSION === undefined || atLeast(env.TERM_PROGRAM_VERSION, 3, 1);
		}

		case 'vscode': {
			return atLeast(env.TERM_PROGRAM_VERSION, 1, 72);
		}

		case 'WezTerm':
		case 'ghostty':
		case 'zed':
		case 'WarpTerminal': {
			return true;
		}

		default: {
			break;
		}
	}

	// VTE_VERSION 5000 is 0.50.0, which crashed on hyperlinks.
	const term = env.TERM ?? '';
	return vteVersion(env) > 5000 || term === 'alacritty' || term.startsWith('foot');
}

/** 24-bit colour where the terminal says so (COLORTERM), the 256-colour palette elsewhere. */
function previewColours(env: Env): ColourDepth {
	const colorterm = env.COLORTERM ?? '';
	return colorterm === 'truecolor' || colorterm === '24bit' ? 'truecolor' : '256';
}

/** How previews are drawn (`--graphics`): the terminal's graphics protocol where one is known, kitty's, iTerm2's, sixel, or half blocks. */
export type GraphicsChoice = 'auto' | 'kitty' | 'iterm2' | 'sixel' | 'blocks';

/** Inside a terminal multiplexer (tmux, GNU screen, zellij), which keeps no pixels as cell content. */
function multiplexed(env: Env): boolean {
	return (env.TMUX ?? '') !== '' || (env.STY ?? '') !== '' || (env.ZELLIJ ?? '') !== '';
}

/**
 * The pixel protocol the terminal speaks, for `--graphics auto`: iTerm2's inline images in
 * iTerm2 (TERM_PROGRAM=iTerm.app, or LC_TERMINAL=iTerm2 as ssh passes it on) and WezTerm
 * (TERM_PROGRAM=WezTerm); sixel in foot (TERM=foot*), mlterm (TERM=mlterm*, or MLTERM set) and
 * contour (TERM=contour*, or TERMINAL_NAME=contour). Never inside tmux, GNU screen or zellij:
 * they keep no picture as part of their screen. Not xterm (sixel only when started with it)
 * nor Windows Terminal (sixel from 1.22 on, and WT_SESSION tells no version): `--graphics sixel`
 * chooses it there.
 */
export function pixelProtocol(env: Env): 'iterm2' | 'sixel' | undefined {
	if (multiplexed(env)) return undefined;
	const name = program(env);
	if (name === 'iTerm.app' || name === 'WezTerm') return 'iterm2';
	const term = env.TERM ?? '';
	if (term.startsWith('foot') || term.startsWith('mlterm') || (env.MLTERM ?? '') !== '' || term.startsWith('contour') || env.TERMINAL_NAME === 'contour') return 'sixel';
	return undefined;
}

/**
 * Whether the terminal shows kitty's graphics protocol with Unicode placeholders: kitty
 * (KITTY_WINDOW_ID, TERM=xterm-kitty) and ghostty (TERM_PROGRAM=ghostty, TERM=xterm-ghostty, or
 * GHOSTTY_RESOURCES_DIR, which tmux's server inherits). Not WezTerm, Konsole or Warp: they take
 * kitty's images but not its placeholders. Inside tmux only when tmux passes the commands on
 * (`passthrough`: its allow-passthrough option is on); never inside zellij or GNU screen, which
 * drop them.
 */
export function kittyPlaceholders(env: Env, passthrough: boolean | undefined): boolean {
	const ghostty = program(env) === 'ghostty' || env.TERM === 'xterm-ghostty' || (env.GHOSTTY_RESOURCES_DIR ?? '') !== '';
	if (!isKitty(env) && !ghostty) return false;
	if ((env.ZELLIJ ?? '') !== '' || (env.STY ?? '') !== '') return false;
	return (env.TMUX ?? '') === '' || passthrough === true;
}

/**
 * What the TUI may send the terminal: `notify` false (--no-notify) turns notifications off,
 * `previews` false (--no-preview) image previews (also off with NO_COLOR: they are colours alone).
 * `graphics` chooses how previews are drawn; `tmuxPassthrough` says whether tmux's
 * allow-passthrough is on (asked of tmux by the caller; undefined: not known).
 */
export function terminalFeatures(
	env: Env,
	options: {readonly notify: boolean; readonly isTty: boolean; readonly previews?: boolean; readonly graphics?: GraphicsChoice; readonly tmuxPassthrough?: boolean},
): TerminalFeatures {
	const notify = options.notify && options.isTty ? notifyKind(env) : undefined;
	const previews = options.previews === true && options.isTty && (env.NO_COLOR ?? '') === '' ? previewColours(env) : undefined;
	const choice = options.graphics ?? 'auto';
	// kitty's placeholders first (kitty, ghostty), then the pixel protocols; never pixels inside a multiplexer.
	const auto = choice === 'auto' ? (kittyPlaceholders(env, options.tmuxPassthrough) ? 'kitty' : pixelProtocol(env)) : undefined;
	const chosen = choice === 'kitty' || ((choice === 'iterm2' || choice === 'sixel') && !multiplexed(env)) ? choice : auto;
	const graphics = previews === undefined ? undefined : chosen;
	return {
		...(notify === undefined ? {} : {notify}),
		...(previews === undefined ? {} : {previews}),
		...(graphics === undefined ? {} : {graphics}),
		tmux: env.TMUX !== undefined && env.TMUX !== '',
		hyperlinks: supportsHyperlinks(env, options.isTty),
	};
}
