/**
 * Tab completion of the path being typed after /send, as a shell completes it: the last path of
 * the line (read by the same quote and backslash rules /send reads it by), completed from the
 * entries of its folder. Pure: the folder's entries come from `PathSource.list`.
 */
import {scanArgs} from '../../session/commands/split-args.js';
import type {PathPlatform, PathSource} from '../../session/ports.js';

/** One way to complete: the text that replaces the path as typed, and what the hint line shows. */
export type PathChoice = {readonly text: string; readonly shown: string};

/** The last path of `args` as typed: where it starts, the quote left open in it, and what it reads as. */
export type TypedPath = {readonly start: number; readonly quote: '"' | "'" | undefined; readonly value: string};

/** Inside POSIX double quotes these are written with a backslash (split-args.ts reads them so). */
const doubleQuoteEscapes = new Set(['"', '\\', '$', '`']);

/** The last path in `args` as /send reads it (`scanArgs`, the same rules); trailing white space starts an empty one. */
export function lastTypedPath(args: string, platform: PathPlatform): TypedPath {
	const {last, quote} = scanArgs(args, {platform});
	return {start: last.start, quote, value: last.value};
}

/** Writes a path so that /send reads it back as `value`: quoted as it was begun, else escaped. */
function render(value: string, quote: TypedPath['quote'], platform: PathPlatform, closed: boolean): string {
	if (platform === 'win32') {
		// No escapes on Windows: a path with white space (or begun with a quote) goes in double quotes.
		return quote !== undefined || /\s/.test(value) ? `"${value}${closed ? '"' : ''}` : value;
	}

	if (quote !== undefined || /\s/.test(value)) {
		const escaped = [...value].map(char => (doubleQuoteEscapes.has(char) ? `\\${char}` : char)).join('');
		return `"${escaped}${closed ? '"' : ''}`;
	}

	// A name with a quote or backslash but no space: escape those characters one by one.
	return value.replaceAll(/["'\\]/g, char => `\\${char}`);
}

function splitFolder(value: string, platform: PathPlatform): [folder: string, prefix: string] {
	const cut = platform === 'win32' ? Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\')) : value.lastIndexOf('/');
	return [value.slice(0, cut + 1), value.slice(cut + 1)];
}

/**
 * The ways to complete a typed path, in name order: the entries of its folder that begin with what
 * was typed after the last separator (case-insensitively when nothing matches exactly; hidden
 * entries only when that begins with a dot). A folder completes to `NAME/`, ready for its own
 * entries; a file to the whole path, its quote closed, and a space for the next one.
 */
export function pathChoices(typed: TypedPath, source: PathSource): PathChoice[] {
	const {platform} = source;
	const [folder, prefix] = splitFolder(typed.value, platform);
	const entries = source.list(folder);
	if (!entries) {
		return [];
	}

	const visible = entries.filter(entry => entry.name !== '' && (prefix.startsWith('.') || !entry.name.startsWith('.')));
	const exact = visible.filter(entry => entry.name.startsWith(prefix));
	const lower = prefix.toLowerCase();
	const matches = exact.length > 0 ? exact : visible.filter(entry => entry.name.toLowerCase().startsWith(lower));
	const separator = platform === 'win32' ? '\\' : '/';
	return [...matches]
		.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
		.map(entry => {
			const whole = folder + entry.name + (entry.folder ? separator : '');
			const text = render(whole, typed.quote, platform, !entry.folder);
			return {text: entry.folder ? text : `${text} `, shown: entry.name + (entry.folder ? separator : '')};
		});
}
