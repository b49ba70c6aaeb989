import {pathReadings} from './commands/split-args.js';
import type {PathPlatform} from './ports.js';

/** What reading a drop needs from outside. */
export type DropOptions = {
	readonly platform: PathPlatform;
	/** True when this absolute path names an existing file (not a folder). */
	readonly exists: (path: string) => boolean;
	/** This machine's name: a `file://` URI naming it is local, as are `file:///` and `file://localhost/`. */
	readonly hostname?: string;
};

/**
 * The files a paste is exactly made of, in the forms terminals produce when files are dropped on
 * them: an absolute path as is (`/home/a/my photo.png`, `C:\Users\a\photo.png`), with spaces
 * escaped by backslashes (POSIX), in 'single' or "double" quotes (single: POSIX, and PowerShell's
 * on Windows), or as `file://` URIs; several separated by white space; white space around them
 * (the space or newline many terminals add) ignored. Readings are tried as in /send (see
 * `pathReadings`), then a split on white space alone (for URIs holding a raw '); the first whose
 * every item is an absolute path of an existing file wins. Undefined when the paste is anything
 * else: text, a relative name, a missing file, a path with words around it.
 */
export function droppedPaths(pasted: string, options: DropOptions): string[] | undefined {
	const whole = pasted.trim();
	const readings = [...pathReadings(pasted, options.platform), whole.split(/\s+/)];
	for (const reading of readings) {
		const paths = reading.map(item => droppedPath(item, options));
		if (paths.length > 0 && paths.every(path => path !== undefined) && paths.every(path => options.exists(path))) {
			return paths;
		}
	}

	return undefined;
}

/** One dropped item as an absolute path on the platform: a local `file://` URI decoded, or an absolute path as is. */
export function droppedPath(item: string, options: Omit<DropOptions, 'exists'>): string | undefined {
	const path = /^file:/i.test(item) ? fileUriPath(item, options) : item;
	return path !== undefined && isFullPath(path, options.platform) ? path : undefined;
}

/** True for a path that names its place from the root: `/...` on POSIX; `C:\...`, `C:/...` or `\\server\share\...` on Windows. */
export function isFullPath(path: string, platform: PathPlatform): boolean {
	return platform === 'posix' ? path.startsWith('/') : /^(?:[a-z]:[\\/]|[\\/]{2}[^\\/]+[\\/][^\\/])/i.test(path);
}

/**
 * The path a local `file:` URI names, percent-decoded: `file:///home/a/x%20y.png` is
 * `/home/a/x y.png`; on Windows `file:///C:/Users/a/x.png` is `C:\Users\a\x.png` and
 * `file://server/share/x` is `\\server\share\x`. Undefined for another machine's file on POSIX,
 * a query or fragment, bad percent escapes, or an escaped separator or NUL (as Node's
 * `fileURLToPath` refuses them).
 */
export function fileUriPath(uri: string, options: Omit<DropOptions, 'exists'>): string | undefined {
	const match = /^file:(?:\/\/([^/?#]*))?(\/[^?#]*)$/i.exec(uri);
	if (!match) {
		return undefined;
	}

	const host = match[1] ?? '';
	const windows = options.platform === 'win32';
	let path = match[2]!;
	if (/%2f|%00/i.test(path) || (windows && /%5c/i.test(path))) {
		return undefined;
	}

	try {
		path = decodeURIComponent(path);
	} catch {
		return undefined;
	}

	const local = ['', 'localhost', options.hostname?.toLowerCase()].includes(host.toLowerCase());
	if (!windows) {
		return local ? path : undefined;
	}

	const backslashed = (text: string) => text.replaceAll('/', '\\');
	if (/^[a-z]:$/i.test(host)) {
		return `${host}${backslashed(path)}`; // Some programs put the drive where the host goes: file://C:/Users/...
	}

	if (!local) {
		return `\\\\${host}${backslashed(path)}`;
	}

	const drive = /^\/([a-z])[:|](\/.*)?$/is.exec(path);
	if (drive) {
		return `${drive[1]!}:${backslashed(drive[2] ?? '/')}`;
	}

	return path.startsWith('//') ? backslashed(path) : undefined; // file:////server/share/x: UNC after an empty host.
}
