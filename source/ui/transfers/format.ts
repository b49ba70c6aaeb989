/** Pure formatting of file sizes, progress, speed and time left for the transfers pane. */
import prettyBytes from 'pretty-bytes';
import type {FileOffer, Transfer} from '../../session/types.js';

/** Done fraction in [0, 1]; an empty file is complete. */
export function fraction(bytes: number, size: number): number {
	if (size <= 0) {
		return 1;
	}

	return Math.min(1, Math.max(0, bytes / size));
}

/** "45%" (floored, so 100% only when complete). */
export function percent(bytes: number, size: number): string {
	return `${Math.floor(fraction(bytes, size) * 100)}%`;
}

/** A bar of `width` cells: filled █ then empty ░. */
export function progressBar(done: number, width: number): string {
	const cells = Math.max(0, Math.floor(width));
	const filled = Math.min(cells, Math.floor(Math.min(1, Math.max(0, done)) * cells));
	return '█'.repeat(filled) + '░'.repeat(cells - filled);
}

/** "1.2 MB/s", or "–" when unknown. */
export function formatSpeed(bytesPerSecond: number): string {
	return bytesPerSecond > 0 ? `${prettyBytes(bytesPerSecond)}/s` : '–';
}

/** "45s", "3m 04s", "1h 02m". */
export function formatDuration(seconds: number): string {
	const whole = Math.max(0, Math.ceil(seconds));
	if (whole < 60) {
		return `${whole}s`;
	}

	if (whole < 3600) {
		return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
	}

	const minutes = Math.floor(whole / 60);
	return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** Time left at the current speed: "12s left", or "" when the speed is unknown. */
export function timeLeft(transfer: Pick<Transfer, 'bytes' | 'size' | 'speed'>): string {
	const remaining = Math.max(0, transfer.size - transfer.bytes);
	if (transfer.speed <= 0 || remaining === 0) {
		return '';
	}

	return `${formatDuration(remaining / transfer.speed)} left`;
}

/** "ready", "uploading…", "failed: reason". */
export function offerState(offer: FileOffer): string {
	if (offer.failed !== undefined) {
		return `failed: ${offer.failed}`;
	}

	return offer.complete ? 'ready' : 'uploading…';
}

/** The arrow for a direction: ↓ download, ↑ upload. */
export function directionMark(transfer: Pick<Transfer, 'direction'>): string {
	return transfer.direction === 'download' ? '↓' : '↑';
}

/** The size as pretty-bytes writes it: "1.2 MB". */
export function formatSize(bytes: number): string {
	return prettyBytes(bytes);
}

/** "1 file", "12 files". */
export function filesText(files: number): string {
	return `${files.toLocaleString('en')} file${files === 1 ? '' : 's'}`;
}

/** For a folder: "3 of 12 files, 4.1 of 10 MB"; undefined for a single file. */
export function folderProgress(transfer: Pick<Transfer, 'bytes' | 'size' | 'files' | 'filesDone'>): string | undefined {
	if (transfer.files === undefined) return undefined;
	const [done, size] = [prettyBytes(transfer.bytes), prettyBytes(transfer.size)];
	const unit = size.split(' ')[1];
	const doneShort = done.endsWith(` ${unit}`) ? done.slice(0, -unit!.length - 1) : done;
	return `${(transfer.filesDone ?? 0).toLocaleString('en')} of ${filesText(transfer.files)}, ${doneShort} of ${size}`;
}
