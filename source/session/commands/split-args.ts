import type {PathPlatform} from '../ports.js';

/** How `splitArgs` reads quotes and backslashes. */
export type SplitRules = {
	readonly platform: PathPlatform;
	/**
	 * Windows only: 'single' quotes group too, as in PowerShell ('' inside is one '). Off by
	 * default there, because cmd.exe and Windows file names treat ' as an ordinary character.
	 * POSIX always has them.
	 */
	readonly singleQuotes?: boolean;
};

/** The words of a line, or the quote left open. */
export type SplitResult = {readonly args: string[]} | {readonly unclosed: '"' | "'"};

/** Inside POSIX double quotes a backslash escapes only these (and a newline, which it removes). */
const doubleQuoteEscapes = new Set(['"', '\\', '$', '`', '\n']);

/**
 * Where reading `text` by the rules ended: the words finished, the word under way (where it
 * begins in `text`, what it reads as, and whether there is one), and the quote left open. Tab
 * completion of /send's paths completes that last word (ui/input/complete-path.ts).
 */
export type ArgScan = {
	readonly args: readonly string[];
	readonly last: {readonly start: number; readonly value: string; readonly started: boolean};
	readonly quote: '"' | "'" | undefined;
};

/**
 * Reads a command's arguments the way the platform's shell reads paths: white space separates,
 * "double" quotes group.
 *
 * - POSIX (sh): outside quotes a backslash escapes the next character; inside double quotes it
 *   escapes only `"` `\` `$` and backquote, and stays literal before anything else; 'single'
 *   quotes are literal. Nothing is expanded: `$HOME` and `~` stay as typed.
 * - Windows: a backslash is a path separator, never an escape; 'single' quotes are ordinary
 *   characters unless `singleQuotes` is set.
 */
export function scanArgs(text: string, rules: SplitRules): ArgScan {
	const posix = rules.platform === 'posix';
	const singles = posix || rules.singleQuotes === true;
	const args: string[] = [];
	let current = '';
	let start = 0;
	let quote: '"' | "'" | undefined;
	let started = false;
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		const next = text[index + 1];
		if (quote === "'") {
			if (char !== "'") {
				current += char;
			} else if (!posix && next === "'") {
				current += "'";
				index++;
			} else {
				quote = undefined;
			}
		} else if (quote === '"') {
			if (char === '"') {
				quote = undefined;
			} else if (posix && char === '\\' && next !== undefined && doubleQuoteEscapes.has(next)) {
				current += next === '\n' ? '' : next;
				index++;
			} else {
				current += char;
			}
		} else if (char === '"' || (char === "'" && singles)) {
			quote = char;
			started = true;
		} else if (posix && char === '\\' && next !== undefined) {
			// A backslash before a newline joins the lines, as in sh.
			if (next !== '\n') {
				current += next;
				started = true;
			}

			index++;
		} else if (/\s/.test(char)) {
			if (started) {
				args.push(current);
				current = '';
				started = false;
			}

			start = index + 1;
		} else {
			current += char;
			started = true;
		}
	}

	return {args, last: {start, value: current, started}, quote};
}

/** The words of a line by `scanArgs`'s rules, or the quote left open. */
export function splitArgs(text: string, rules: SplitRules): SplitResult {
	const {args, last, quote} = scanArgs(text, rules);
	if (quote) {
		return {unclosed: quote};
	}

	return {args: last.started ? [...args, last.value] : [...args]};
}

/**
 * The ways a line of paths can be read, most likely first: the whole trimmed text as one path
 * (a name as typed wins over quoting), then the platform's rules, then on Windows PowerShell's
 * 'single' quotes. Readings with an unclosed quote are left out. Empty text has none.
 */
export function pathReadings(text: string, platform: PathPlatform): string[][] {
	const whole = text.trim();
	if (!whole) {
		return [];
	}

	const powershell = platform === 'win32' && whole.includes("'");
	// Split what was typed, not the trimmed text: a trailing `\ ` is an escaped space on POSIX.
	const splits = [splitArgs(text, {platform}), ...(powershell ? [splitArgs(text, {platform, singleQuotes: true})] : [])];
	return [[whole], ...splits.flatMap(split => ('args' in split ? [split.args] : []))];
}

/** The path rules for a Node `process.platform` value: Windows for 'win32', POSIX otherwise. */
export function pathPlatform(nodePlatform: string): PathPlatform {
	return nodePlatform === 'win32' ? 'win32' : 'posix';
}
