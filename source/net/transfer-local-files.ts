import {constants} from 'node:fs';
import {type FileHandle, link, open, rename, unlink} from 'node:fs/promises';
import path from 'node:path';
import type {Hash} from 'node:crypto';
import {numberedName, safeFileName} from '../protocol/file-name.js';
import {describeFsError, onDisk, TransferError} from './transfer-error.js';

const noFollow = constants.O_NOFOLLOW ?? 0;
const maxNumbered = 1000;

/** A download's partial file, opened for writing, and how many bytes it already holds. */
export type PartialFile = {
	readonly file: FileHandle;
	readonly path: string;
	readonly size: number;
	/** False for the extra partial file of a second download of the same offer into the same folder. */
	readonly resumable: boolean;
	/** Let another download use this partial file's name again. */
	release(): void;
};

const inUse = new Set<string>();

/**
 * Open (or create) the partial file of a download (`.ID.part`, or `.ID.N.part` while another
 * download of the same offer into the same folder runs in this process) without following
 * symlinks, refusing anything but a plain file with a single link; a symlink in its place is
 * removed, never followed.
 */
export async function openPartial(dir: string, id: string): Promise<PartialFile> {
	let where = insideDir(dir, `.${id}.part`);
	const resumable = !inUse.has(where);
	for (let n = 1; inUse.has(where); n++) where = insideDir(dir, `.${id}.${n}.part`);
	inUse.add(where);
	const release = () => inUse.delete(where);
	try {
		const file = await openPlain(where, resumable ? 0 : constants.O_EXCL | constants.O_TRUNC);
		const stat = await onDisk(`reading ${where}`, async () => file.stat());
		if (!stat.isFile() || stat.nlink !== 1) {
			await file.close();
			throw new TransferError('disk', `refusing to write to ${where}: not a plain file`);
		}

		return {file, path: where, size: resumable ? stat.size : 0, resumable, release};
	} catch (error) {
		release();
		throw error;
	}
}

async function openPlain(where: string, extra: number): Promise<FileHandle> {
	const flags = constants.O_RDWR | constants.O_CREAT | noFollow | extra;
	try {
		return await open(where, flags, 0o666);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'ELOOP' && code !== 'EEXIST') throw diskError(`opening ${where}`, error);
		await onDisk(`removing ${where}`, async () => unlink(where));
		return onDisk(`opening ${where}`, async () => open(where, flags | constants.O_EXCL, 0o666));
	}
}

/** Feed the first `length` bytes of a file into a hash (resuming a download). */
export async function hashPrefix(file: FileHandle, length: number, hash: Hash): Promise<void> {
	const buffer = Buffer.allocUnsafe(1024 * 1024);
	for (let position = 0; position < length; ) {
		const want = Math.min(buffer.length, length - position);
		const {bytesRead} = await onDisk('reading the partial file', async () => file.read(buffer, 0, want, position));
		if (bytesRead === 0) throw new TransferError('disk', 'the partial file shrank while it was being read');
		hash.update(buffer.subarray(0, bytesRead));
		position += bytesRead;
	}
}

/**
 * Give a finished partial file its final name inside `dir`: `safeFileName(name)`, or
 * `name (1).ext`, `name (2).ext` ... when taken. Never overwrites and never follows a symlink:
 * the name is claimed with link(2) (or an exclusive create), which fails on anything existing.
 */
export async function placeFile(dir: string, partial: string, name: string): Promise<string> {
	const base = safeFileName(name);
	for (let n = 0; n <= maxNumbered; n++) {
		const target = insideDir(dir, numberedName(base, n));
		try {
			await link(partial, target);
			await unlink(partial).catch(() => undefined);
			return target;
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'EEXIST') continue;
			if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'].includes(code ?? '')) {
				throw diskError(`saving ${target}`, error);
			}
		}

		if (await claimExclusive(target)) {
			await onDisk(`saving ${target}`, async () => rename(partial, target));
			return target;
		}
	}

	throw new TransferError('disk', `no free name for ${base} in ${dir}`);
}

async function claimExclusive(target: string): Promise<boolean> {
	try {
		const file = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow, 0o666);
		await file.close();
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw diskError(`saving ${target}`, error);
	}
}

function insideDir(dir: string, name: string): string {
	const root = path.resolve(dir);
	const full = path.resolve(root, name);
	if (path.dirname(full) !== root || path.basename(full) !== name) {
		throw new TransferError('protocol', `refusing a file name that leaves ${root}: ${JSON.stringify(name)}`);
	}

	return full;
}

function diskError(what: string, error: unknown): TransferError {
	return new TransferError('disk', `${what}: ${describeFsError(error)}`, undefined, {cause: error});
}
