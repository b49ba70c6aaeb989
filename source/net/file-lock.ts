import {constants} from 'node:fs';
import {open, stat, unlink} from 'node:fs/promises';
import {setTimeout as delay} from 'node:timers/promises';
import {errorCode, PRIVATE_FILE_MODE, PrivateFileError} from './private-file.js';

/**
 * A lock between processes on one machine for a short read-modify-write of a small file: the
 * lock is the file `LOCK` created exclusively (O_EXCL) and removed afterwards. A lock left behind
 * by a process that died (older than `staleMs`) is removed by the next caller that waits on it.
 */

/** How long to wait and when a lock counts as abandoned. */
export type FileLockOptions = {
	/** A lock file older than this is taken for a crashed holder's and removed (default 10 s). */
	readonly staleMs?: number;
	/** The pause between attempts (default 15 ms). */
	readonly retryMs?: number;
};

const DEFAULT_STALE_MS = 10_000;
const DEFAULT_RETRY_MS = 15;

/**
 * Run `task` while holding the lock file `lock` (in a folder that exists), releasing it however
 * `task` ends. Throws a PrivateFileError naming the lock if it stays held for twice `staleMs`.
 */
export async function withFileLock<T>(lock: string, task: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
	const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
	const retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
	const deadline = Date.now() + 2 * staleMs;
	for (;;) {
		const handle = await tryCreate(lock);
		if (handle) {
			try {
				await handle.writeFile(`${process.pid}\n`);
				await handle.close();
				return await task();
			} finally {
				await handle.close().catch(() => undefined);
				await unlink(lock).catch(() => undefined);
			}
		}

		if (Date.now() > deadline) {
			throw new PrivateFileError(lock, `${lock} stays locked by another process; remove it if no other copy of this program runs`);
		}

		await removeIfStale(lock, staleMs);
		await delay(retryMs);
	}
}

async function tryCreate(lock: string) {
	try {
		return await open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), PRIVATE_FILE_MODE);
	} catch (error) {
		if (errorCode(error) === 'EEXIST') return undefined;
		throw error;
	}
}

async function removeIfStale(lock: string, staleMs: number): Promise<void> {
	try {
		const {mtimeMs} = await stat(lock);
		if (Date.now() - mtimeMs > staleMs) await unlink(lock);
	} catch (error) {
		if (errorCode(error) !== 'ENOENT') throw error;
	}
}
