import {constants} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {link, mkdir, open, rename, unlink} from 'node:fs/promises';
import path from 'node:path';
import type {z} from 'zod';

/**
 * Small files only their owner may read (mode 0600, in folders of mode 0700), written atomically:
 * a reader sees the old content or the new one, never a mix, and a crash leaves at most a stray
 * temporary file (`.NAME.PID.RANDOM.tmp`) beside them.
 */

/** The mode of every private file (read and write for the owner only). */
export const PRIVATE_FILE_MODE = 0o600;
/** The mode of the folders made for them. */
export const PRIVATE_DIR_MODE = 0o700;

const noFollow = constants.O_NOFOLLOW ?? 0;
/** Where link(2) is not available (some network and FAT file systems), an exclusive create stands in. */
const noHardLinks = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** Thrown for a private file that is there but cannot be used as it is; the message names the file. */
export class PrivateFileError extends Error {
	override readonly name = 'PrivateFileError';

	constructor(
		readonly file: string,
		message: string,
		options?: {cause?: unknown},
	) {
		super(message, options);
	}
}

/** `mkdir -p dir`, the folders it makes of mode 0700 (folders already there keep their mode). */
export async function makePrivateDir(dir: string): Promise<void> {
	await mkdir(dir, {recursive: true, mode: PRIVATE_DIR_MODE});
}

/**
 * The content of `file`, or undefined when there is none. A file that group or others may read
 * or write is first given mode 0600; a symbolic link or anything but a plain file is refused.
 */
export async function readPrivateFile(file: string): Promise<Buffer | undefined> {
	let handle: Awaited<ReturnType<typeof open>>;
	try {
		handle = await open(file, constants.O_RDONLY | noFollow);
	} catch (error) {
		const code = errorCode(error);
		if (code === 'ENOENT') return undefined;
		if (code === 'ELOOP') throw new PrivateFileError(file, `${file} is a symbolic link: refusing to follow it`);
		throw error;
	}

	try {
		const stat = await handle.stat();
		if (!stat.isFile()) throw new PrivateFileError(file, `${file} is not a plain file`);
		if ((stat.mode & 0o077) !== 0) await handle.chmod(PRIVATE_FILE_MODE);
		return await handle.readFile();
	} finally {
		await handle.close();
	}
}

/** Replace (or create) `file` with `data` atomically: a temporary file of mode 0600, synced, renamed over it. */
export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
	const temporary = await writeTemporary(file, data);
	try {
		await rename(temporary, file);
	} catch (error) {
		await unlink(temporary).catch(() => undefined);
		throw error;
	}

	await syncDir(path.dirname(file));
}

/**
 * Create `file` with `data` unless it exists, atomically and without ever replacing it: the
 * complete temporary file is hard-linked to the final name, which fails if that name is taken.
 * True if this call created it, false if the file was there (made by a concurrent caller, say).
 */
export async function createPrivateFile(file: string, data: string | Uint8Array): Promise<boolean> {
	const temporary = await writeTemporary(file, data);
	try {
		try {
			await link(temporary, file);
		} catch (error) {
			const code = errorCode(error);
			if (code === 'EEXIST') return false;
			if (!noHardLinks.has(code ?? '')) throw error;
			// No hard links here: claim the name exclusively, then move the complete file onto it.
			if (!(await claimName(file))) return false;
			await rename(temporary, file);
		}
	} finally {
		await unlink(temporary).catch(() => undefined);
	}

	await syncDir(path.dirname(file));
	return true;
}

async function writeTemporary(file: string, data: string | Uint8Array): Promise<string> {
	const name = `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
	const temporary = path.join(path.dirname(file), name);
	const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow, PRIVATE_FILE_MODE);
	try {
		await handle.chmod(PRIVATE_FILE_MODE);
		await handle.writeFile(data);
		await handle.sync();
		await handle.close();
	} catch (error) {
		await handle.close().catch(() => undefined);
		await unlink(temporary).catch(() => undefined);
		throw error;
	}

	return temporary;
}

async function claimName(file: string): Promise<boolean> {
	try {
		await (await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow, PRIVATE_FILE_MODE)).close();
		return true;
	} catch (error) {
		if (errorCode(error) === 'EEXIST') return false;
		throw error;
	}
}

/** Make a rename in `dir` durable; not every platform can open a folder, so failures are ignored. */
async function syncDir(dir: string): Promise<void> {
	try {
		const handle = await open(dir, constants.O_RDONLY);
		try {
			await handle.sync();
		} finally {
			await handle.close();
		}
	} catch {}
}

/** The `code` of a Node.js system error, if it has one. */
export function errorCode(error: unknown): string | undefined {
	return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * A data file of ours, version 1 JSON, checked against `schema`; `fail` (which throws, naming the
 * file and what to do) is told why when it is not JSON, of another version, or not of that shape.
 */
export function parseVersionOne<T>(content: Uint8Array, schema: z.ZodType<T>, fail: (why: string) => never): T {
	let json: unknown;
	try {
		json = JSON.parse(Buffer.from(content).toString('utf8'));
	} catch {
		fail('not JSON');
	}

	const version = (json as {version?: unknown} | null)?.version;
	if (typeof version === 'number' && version !== 1) fail(`version ${version}, but this program reads only version 1`);
	const parsed = schema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		fail(`${issue.path.join('.') || 'the file'}: ${issue.message}`);
	}

	return parsed.data!;
}
