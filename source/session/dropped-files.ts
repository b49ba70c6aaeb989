import {droppedPaths} from './dropped-paths.js';
import type {PathPlatform, TransferPort} from './ports.js';
import type {LocalFile} from './types.js';

/** The last part of a path, by the platform's separators. */
function baseName(path: string, platform: PathPlatform): string {
	return path.split(platform === 'win32' ? /[\\/]/ : '/').findLast(part => part !== '') ?? path;
}

/**
 * When a paste is exactly the paths of existing files (a drag and drop), those files with their
 * names and sizes; undefined otherwise, or without a transfer port that can tell file sizes.
 */
export function droppedFiles(pasted: string, transfers: TransferPort | undefined, hostname: string | undefined): readonly LocalFile[] | undefined {
	if (!transfers?.fileSize) {
		return undefined;
	}

	const platform = transfers.platform ?? 'posix';
	const paths = droppedPaths(pasted, {platform, exists: path => transfers.fileSize!(path) !== undefined, hostname});
	return paths?.map(path => ({path, name: baseName(path, platform), size: transfers.fileSize!(path) ?? 0}));
}
