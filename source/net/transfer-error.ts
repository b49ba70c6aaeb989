import type {WireErrorCode} from '../protocol/transfer-wire.js';

/**
 * Why a transfer failed:
 * - `refused`: the other side said no (see `code`);
 * - `cancelled`: our AbortSignal fired;
 * - `interrupted`: the connection was lost or timed out (a download can resume later);
 * - `hash-mismatch`: the bytes did not match the expected sha256;
 * - `disk`: reading or writing the local disk failed (ENOSPC, EACCES, ...);
 * - `protocol`: the other side broke the wire format.
 */
export type TransferErrorKind = 'refused' | 'cancelled' | 'interrupted' | 'hash-mismatch' | 'disk' | 'protocol';

/** A failed upload or download, with a message fit to show to a person. */
export class TransferError extends Error {
	override readonly name = 'TransferError';

	constructor(
		readonly kind: TransferErrorKind,
		message: string,
		/** The server's refusal code, for `refused`. */
		readonly code?: WireErrorCode,
		options?: {cause?: unknown},
	) {
		super(message, options);
	}
}

/** Human text for a file-system error: "disk full (ENOSPC)". */
export function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const known: Record<string, string> = {
		ENOSPC: 'disk full',
		EDQUOT: 'disk quota exceeded',
		EACCES: 'permission denied',
		EPERM: 'operation not permitted',
		EROFS: 'read-only file system',
		ENOENT: 'no such file or directory',
		EISDIR: 'is a directory',
		EMFILE: 'too many open files',
		EIO: 'input/output error',
	};
	if (code !== undefined) return `${known[code] ?? 'file system error'} (${code})`;
	return error instanceof Error ? error.message : String(error);
}

/** Run a file-system step, turning its failure into a `disk` TransferError: "saving x: disk full (ENOSPC)". */
export async function onDisk<T>(what: string, step: () => Promise<T>): Promise<T> {
	try {
		return await step();
	} catch (error) {
		if (error instanceof TransferError) throw error;
		throw new TransferError('disk', `${what}: ${describeFsError(error)}`, undefined, {cause: error});
	}
}
