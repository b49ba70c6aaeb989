import {closeSync, openSync, readSync} from 'node:fs';
import {CliError} from './cli-error.js';

/** The most a secret file may hold; more is surely the wrong file. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;

/**
 * The room secret kept in `file` (`--secret-file`): its text without the trailing line break(s).
 * A missing, unreadable, empty or oversized file is a CliError (exit 2) that names the path.
 */
export function readSecretFile(file: string): string {
	if (file === '') throw new CliError('--secret-file needs the path of a file that holds the secret', 2);
	const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
	let length = 0;
	try {
		const fd = openSync(file, 'r');
		try {
			while (length < buffer.length) {
				const read = readSync(fd, buffer, length, buffer.length - length, null);
				if (read === 0) break;
				length += read;
			}
		} finally {
			closeSync(fd);
		}
	} catch (error) {
		throw new CliError(`--secret-file: ${describe(error, file)}`, 2);
	}

	if (length > MAX_SECRET_FILE_BYTES) {
		throw new CliError(`--secret-file: ${file} holds more than ${MAX_SECRET_FILE_BYTES / 1024} KiB; is it the right file?`, 2);
	}

	const secret = buffer.toString('utf8', 0, length).replace(/[\r\n]+$/, '');
	if (secret === '') throw new CliError(`--secret-file: ${file} is empty; write the room's secret in it`, 2);
	return secret;
}

function describe(error: unknown, file: string): string {
	const {code, message} = error as NodeJS.ErrnoException;
	if (code === 'ENOENT') return `there is no file ${file}`;
	if (code === 'EISDIR') return `${file} is a folder, not a file`;
	if (code === 'EACCES' || code === 'EPERM') return `${file} cannot be read (permission denied)`;
	return `cannot read ${file}: ${message}`;
}
