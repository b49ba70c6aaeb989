import {constants} from 'node:fs';
import {type FileHandle, lstat, mkdir, open, rename, rm, rmdir} from 'node:fs/promises';
import path from 'node:path';
import tar from 'tar-stream';
import {type EntryRefusal, entryPath} from '../protocol/folder-archive.js';
import {numberedName, safeFileName} from '../protocol/file-name.js';
import {describeFsError, onDisk, TransferError} from './transfer-error.js';

const noFollow = constants.O_NOFOLLOW ?? 0;
const maxNumbered = 1000;

/** An entry of the archive that was not extracted, and why. */
export type LeftOut = {readonly name: string; readonly why: EntryRefusal; readonly detail: string};

/**
 * Unpacks a folder archive, as its bytes arrive, into a fresh folder (made here, which must not
 * exist): regular files and folders only, each name checked (`entryPath`: no absolute path, no
 * `..`, every component through `safeFileName`), nothing overwritten (files are created with
 * O_EXCL), no symlink followed (O_NOFOLLOW, and every parent checked to be a real folder).
 * Symlinks, hard links, devices, pipes, duplicates and unsafe names are left out and listed.
 */
export class FolderExtractor {
	readonly leftOut: LeftOut[] = [];
	filesDone = 0;
	private readonly extract = tar.extract();
	private readonly consumed: Promise<void>;

	constructor(
		readonly root: string,
		private readonly onFile?: (filesDone: number) => void,
	) {
		this.consumed = this.consume();
		this.consumed.catch(() => undefined);
	}

	/** Feed the next bytes of the archive; resolves when they may be followed by more. */
	async push(chunk: Uint8Array): Promise<void> {
		if (!this.extract.write(chunk)) {
			await Promise.race([new Promise<void>(resolve => this.extract.once('drain', () => resolve())), this.consumed]);
		}
	}

	/** The archive ended: resolves once every entry is on disk; rejects if the archive was not a whole tar. */
	async end(): Promise<void> {
		this.extract.end(null);
		await this.consumed;
	}

	/** Stop, whatever state it is in; resolves once no more is written (then the caller removes the folder). */
	async stop(): Promise<void> {
		// Ending (not destroying) lets the reader finish the entry it is on and settle; a cut archive then ends in an error.
		if (!this.extract.destroyed) this.extract.end(null);
		let timer: NodeJS.Timeout | undefined;
		const bounded = new Promise<void>(resolve => {
			timer = setTimeout(resolve, 5000);
		});
		await Promise.race([this.consumed.catch(() => undefined), bounded]);
		clearTimeout(timer);
		this.extract.destroy();
	}

	private async consume(): Promise<void> {
		// Listening for entries starts now, before any wait: an entry emitted with no listener is lost.
		const iterator = this.extract[Symbol.asyncIterator]();
		await onDisk(`creating ${this.root}`, async () => mkdir(this.root));
		try {
			for await (const entry of {[Symbol.asyncIterator]: () => iterator}) {
				await this.entry(entry.header, entry as AsyncIterable<Buffer>);
			}
		} catch (error) {
			if (error instanceof TransferError) throw error;
			throw new TransferError('protocol', `the folder's archive is not a valid tar: ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	private async entry(header: tar.Header, data: AsyncIterable<Buffer>): Promise<void> {
		const where = entryPath(header.name);
		const skip = async (why: EntryRefusal, detail: string) => {
			this.leftOut.push({name: safeFileName(header.name), why, detail});
			for await (const _ of data); // Drained, never written.
		};

		if ('refused' in where) return skip(where.refused, where.reason);
		const {parts} = where;
		if (header.type === 'directory') {
			if (parts.length > 0 && !(await this.folder(parts))) return skip('duplicate', 'a file by that name came first');
			return drain(data);
		}

		if (header.type !== 'file' && header.type !== 'contiguous-file') return skip('not-a-file', `a ${header.type ?? 'special'} entry`);
		if (parts.length === 0) return skip('unsafe-name', 'a file in place of the folder');
		if (!(await this.folder(parts.slice(0, -1)))) return skip('duplicate', 'a file stands where its folder would be');
		const target = path.join(this.root, ...parts);
		let file: FileHandle;
		try {
			file = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow, 0o666);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST') return skip('duplicate', 'the same name came twice');
			throw new TransferError('disk', `saving ${target}: ${describeFsError(error)}`, undefined, {cause: error});
		}

		try {
			for await (const chunk of data) await onDisk(`saving ${target}`, async () => file.write(chunk));
		} finally {
			await file.close().catch(() => undefined);
		}

		this.filesDone++;
		this.onFile?.(this.filesDone);
	}

	/** Make the folders of a path inside the root (each a real folder, never through a symlink); false when a file is in the way. */
	private async folder(parts: readonly string[]): Promise<boolean> {
		let at = this.root;
		for (const part of parts) {
			at = path.join(at, part);
			try {
				await mkdir(at, 0o777);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new TransferError('disk', `creating ${at}: ${describeFsError(error)}`);
				const stat = await lstat(at);
				if (!stat.isDirectory()) return false;
			}
		}

		return true;
	}
}

async function drain(data: AsyncIterable<Buffer>): Promise<void> {
	for await (const _ of data);
}

/**
 * Give an extracted folder its final name inside `dir`: `name`, or `name (1)`, `name (2)` ... when
 * taken. The name is claimed with mkdir (which fails on anything existing, a symlink included),
 * then the extracted folder is renamed onto that empty folder; nothing is overwritten.
 */
export async function placeFolder(dir: string, extracted: string, name: string): Promise<string> {
	const root = path.resolve(dir);
	const base = safeFileName(name);
	for (let n = 0; n <= maxNumbered; n++) {
		const target = path.join(root, numberedName(base, n));
		if (path.dirname(target) !== root) throw new TransferError('protocol', `refusing a folder name that leaves ${root}: ${JSON.stringify(name)}`);
		try {
			await mkdir(target);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
			throw new TransferError('disk', `saving ${target}: ${describeFsError(error)}`, undefined, {cause: error});
		}

		try {
			await rename(extracted, target);
		} catch (error) {
			await rmdir(target).catch(() => undefined);
			throw new TransferError('disk', `saving ${target}: ${describeFsError(error)}`, undefined, {cause: error});
		}

		return target;
	}

	throw new TransferError('disk', `no free name for ${base} in ${dir}`);
}

/** Remove a half-extracted folder (never following a symlink out of it). */
export async function removeExtracted(folder: string): Promise<void> {
	await rm(folder, {recursive: true, force: true}).catch(() => undefined);
}
