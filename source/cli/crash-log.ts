import {mkdirSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

/**
 * Writes what a crash left (the error's stack, the version of Node, the time) to a new file in
 * `folder` (or the system's temporary folder when that cannot be written), and returns its path.
 */
export function writeCrashLog(folder: string, error: unknown, now = new Date()): string {
	const name = `crash-${now.toISOString().replaceAll(':', '-')}-${process.pid}.log`;
	const text = [
		`socket-chat-tui crashed at ${now.toISOString()}`,
		`node ${process.version} on ${process.platform} ${process.arch}`,
		'',
		error instanceof Error ? (error.stack ?? error.message) : String(error),
		'',
	].join('\n');
	for (const where of [folder, tmpdir()]) {
		try {
			mkdirSync(where, {recursive: true, mode: 0o700});
			const file = path.join(where, name);
			writeFileSync(file, text, {mode: 0o600});
			return file;
		} catch {}
	}

	return '(nowhere: neither the data folder nor the temporary folder could be written)';
}
