import {constants} from 'node:fs';
import {access, lstat, opendir} from 'node:fs/promises';
import path from 'node:path';
import {type ArchiveEntry, tarSize} from '../protocol/folder-archive.js';
import {safeFileName} from '../protocol/file-name.js';
import {MAX_FOLDER_ENTRIES} from '../protocol/limits.js';
import {describeFsError, TransferError} from './transfer-error.js';

/** One entry of a scanned folder: where it is on disk, and how it goes into the archive. */
export type ScannedEntry = ArchiveEntry & {readonly source: string; readonly mtime: Date};

/** A folder listed for sending: its entries (names and sizes, never contents), the archive's exact size. */
export type FolderScan = {
	/** The folder's own safe name, the first component of every entry. */
	readonly name: string;
	readonly entries: readonly ScannedEntry[];
	/** Regular files in it. */
	readonly files: number;
	/** Bytes of those files. */
	readonly bytes: number;
	/** The archive's size in bytes. */
	readonly size: number;
	/** Symlinks, devices, sockets and pipes left out (never followed). */
	readonly skipped: readonly string[];
};

/**
 * List a folder for sending, without following any symlink: regular files and folders go in,
 * anything else is left out and named in `skipped`. Refuses a symlink as the folder itself, a file
 * or folder it cannot read (so nothing is offered that would fail half-way), and more than
 * MAX_FOLDER_ENTRIES entries.
 */
export async function scanFolder(dir: string, maxEntries = MAX_FOLDER_ENTRIES): Promise<FolderScan> {
	const top = await lstat(dir).catch((error: unknown) => {
		throw new TransferError('disk', `reading ${dir}: ${describeFsError(error)}`);
	});
	if (top.isSymbolicLink()) throw new TransferError('disk', `${dir} is a symlink: /send does not follow symlinks to folders (send the folder it points to)`);
	if (!top.isDirectory()) throw new TransferError('disk', `${dir} is not a folder`);
	const name = safeFileName(path.basename(path.resolve(dir)));
	const entries: ScannedEntry[] = [{name: `${name}/`, type: 'directory', size: 0, source: dir, mtime: top.mtime}];
	const skipped: string[] = [];
	let files = 0;
	let bytes = 0;
	const pending: Array<{source: string; name: string}> = [{source: dir, name}];
	while (pending.length > 0) {
		const folder = pending.pop()!;
		const children: string[] = [];
		try {
			for await (const child of await opendir(folder.source)) children.push(child.name);
		} catch (error) {
			throw new TransferError('disk', `cannot read the folder ${folder.source}: ${describeFsError(error)}`);
		}

		children.sort();
		const subfolders: Array<{source: string; name: string}> = [];
		for (const child of children) {
			const source = path.join(folder.source, child);
			const entryName = `${folder.name}/${child}`;
			const stat = await lstat(source).catch((error: unknown) => {
				throw new TransferError('disk', `reading ${source}: ${describeFsError(error)}`);
			});
			if (stat.isDirectory()) {
				entries.push({name: `${entryName}/`, type: 'directory', size: 0, source, mtime: stat.mtime});
				subfolders.push({source, name: entryName});
			} else if (stat.isFile()) {
				await access(source, constants.R_OK).catch((error: unknown) => {
					throw new TransferError('disk', `cannot read ${source}: ${describeFsError(error)}`);
				});
				entries.push({name: entryName, type: 'file', size: stat.size, source, mtime: stat.mtime});
				files++;
				bytes += stat.size;
			} else {
				skipped.push(source);
			}

			if (entries.length > maxEntries) {
				throw new TransferError('disk', `${dir} holds more than ${maxEntries.toLocaleString('en')} files and folders: send it in parts, or as one archive file`);
			}
		}

		pending.push(...subfolders.reverse());
	}

	return {name, entries, files, bytes, size: tarSize(entries), skipped};
}
