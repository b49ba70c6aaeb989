import type {Spool} from './spool.js';

/** A file offer, announced as soon as its upload is accepted (before its bytes arrive). */
export type TransferOffer = {
	readonly id: string;
	/** Already passed through `safeFileName`. */
	readonly name: string;
	readonly size: number;
	/** The uploader's member name, as `authorize` returned it. */
	readonly from: string;
	/** For a folder's archive: the files it holds, as the uploader declared. */
	readonly files?: number;
};

/** A download starting: who fetches which offer, from which byte (non-zero when resuming). */
export type TransferDownloadStart = {
	readonly id: string;
	readonly from: string;
	readonly offset: number;
};

/** What the per-connection handlers of the transfer server are given. */
export type ServeContext = {
	readonly spool: Spool;
	readonly maxFileSize: number;
	readonly lingerMs: number;
	readonly remoteAddress: string;
	authorize(token: string, remoteAddress: string): {readonly name: string} | undefined;
	onOffer(offer: TransferOffer): void;
	onUploadDone(id: string, sha256: string): void;
	onUploadFailed(id: string, reason: string): void;
	onDownload(start: TransferDownloadStart): void;
	/**
	 * A transfer of this connection's member starts: a function to call when it ends, or why not
	 * (the member runs as many of that kind as it may).
	 */
	begin(kind: 'upload' | 'download'): (() => void) | string;
};
