import {constants} from 'node:fs';
import {open} from 'node:fs/promises';
import tar from 'tar-stream';

type Sink = ReturnType<tar.Pack['entry']>;
import {describeFsError, TransferError} from './transfer-error.js';
import type {FolderScan, ScannedEntry} from './folder-scan.js';

const chunkBytes = 256 * 1024;
const noFollow = constants.O_NOFOLLOW ?? 0;

/**
 * The tar archive of a scanned folder, as a stream of chunks read file by file (at most a few
 * chunks in memory, never the whole). Exactly `scan.size` bytes: a file that is gone, replaced by
 * a symlink, or changed size since the scan fails the stream with a clear reason rather than
 * making another archive. `onFile` is called as each file's bytes are all packed.
 */
export function packFolder(scan: FolderScan, onFile?: (filesDone: number) => void): AsyncIterable<Buffer> {
	const pack = tar.pack();
	const fill = async () => {
		let filesDone = 0;
		for (const entry of scan.entries) {
			const header = {name: entry.name, type: entry.type, size: entry.size, mode: entry.type === 'directory' ? 0o755 : 0o644, mtime: entry.mtime};
			if (entry.type === 'directory') {
				await new Promise<void>((resolve, reject) => {
					quiet(pack.entry(header, (error?: Error | null) => (error ? reject(error) : resolve())));
				});
				continue;
			}

			let done!: Promise<void>;
			const sink = await new Promise<Sink>(resolve => {
				done = new Promise<void>((resolveDone, reject) => {
					resolve(quiet(pack.entry(header, (error?: Error | null) => (error ? reject(error) : resolveDone()))));
				});
			});
			done.catch(() => undefined); // A failed copy destroys the pack; its reason is the copy's.
			await copyFile(entry, sink);
			sink.end(null);
			await done;
			onFile?.(++filesDone);
		}

		pack.finalize();
	};

	fill().catch((error: unknown) => pack.destroy(error as Error));
	return pack as AsyncIterable<Buffer>;
}

async function copyFile(entry: ScannedEntry, sink: Sink): Promise<void> {
	const file = await open(entry.source, constants.O_RDONLY | noFollow).catch((error: unknown) => {
		throw new TransferError('disk', `cannot read ${entry.source}: ${describeFsError(error)}${(error as NodeJS.ErrnoException).code === 'ELOOP' ? ' (it became a symlink)' : ''}`);
	});
	try {
		const stat = await file.stat();
		if (!stat.isFile()) throw new TransferError('disk', `${entry.source} is no longer a regular file`);
		if (stat.size !== entry.size) throw changed(entry, stat.size);
		for (let position = 0; position < entry.size; ) {
			const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, entry.size - position));
			const {bytesRead} = await file.read(buffer, 0, buffer.length, position).catch((error: unknown) => {
				throw new TransferError('disk', `reading ${entry.source}: ${describeFsError(error)}`);
			});
			if (bytesRead === 0) throw changed(entry, position);
			position += bytesRead;
			if (!sink.write(buffer.subarray(0, bytesRead))) await new Promise<void>(resolve => sink.once('drain', () => resolve()));
		}

		const after = await file.stat();
		if (after.size !== entry.size) throw changed(entry, after.size);
	} finally {
		await file.close().catch(() => undefined);
	}
}

/** An entry's own error event repeats the pack's (which the reader sees): listened to, so it is not thrown. */
function quiet(sink: Sink): Sink {
	sink.on('error', () => undefined);
	return sink;
}

function changed(entry: ScannedEntry, now: number): TransferError {
	return new TransferError('disk', `${entry.source} changed size while it was being sent (${entry.size} bytes when listed, ${now} now): send the folder again`);
}
