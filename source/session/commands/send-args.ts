import type {PathPlatform} from '../ports.js';
import {pathReadings, splitArgs} from './split-args.js';

/** What reading paths needs from outside: the platform's rules and whether a typed path exists. */
export type PathOptions = {
	readonly platform: PathPlatform;
	/** True when the text, as typed (~ and relative paths resolved by the caller), names an existing file. */
	readonly exists: (typed: string) => boolean;
};

/**
 * Reads the arguments of /send as people type paths. The whole trimmed text names one file when
 * that file exists (`/send it's.png`, `/send my file.txt`); otherwise the first reading whose
 * every path exists (see `pathReadings`); otherwise the platform's rules (`splitArgs`), so that
 * a missing file is reported by name. Empty text (or "") gives no paths; an unclosed quote that no
 * existing file explains is an error.
 */
export function parseSendArgs(text: string, options: PathOptions): {paths: string[]} | {error: string} {
	const readings = pathReadings(text, options.platform);
	const existing = readings.find(paths => paths.every(path => options.exists(path)));
	if (existing) {
		return {paths: existing};
	}

	const split = splitArgs(text, {platform: options.platform});
	if ('unclosed' in split) {
		return {error: split.unclosed === "'" ? "unclosed ' quote: put the path in double quotes" : 'unclosed " quote: end the path with "'};
	}

	return {paths: split.args.filter(path => path !== '')};
}
