import type {JoinOutcome} from '../protocol/connection/outcomes.js';
import type {HubItem, MemberRequest} from '../protocol/items.js';
import type {IgnoreList} from './ignore-list.js';

/** How a join ended (defined once, with the refusal codes, in protocol/connection/outcomes.ts). */
export type {JoinOutcome} from '../protocol/connection/outcomes.js';

/**
 * What the session needs of the network to be in a room. The net layer's MemberLink implements
 * it over UDP; tests implement it in memory.
 */
export type RoomLink = {
	/** host:port of the hub. */
	readonly address: string;
	readonly rttMs: number | undefined;
	/** Once joined (open room or private): the fingerprint of the hub's key, to compare aloud. */
	readonly fingerprint?: string;
	/** Once joined: whether the room is private (the session's keys came from the room's secret, however it was given). */
	readonly private?: boolean;
	join(name: string, secret?: string): Promise<JoinOutcome>;
	/** Queues a request; delivered reliably and in order. */
	send(request: MemberRequest): void;
	/** I am typing, or stopped: sent at once, not reliably (the others forget it anyway). */
	typing(active: boolean): void;
	/** Requests not yet acknowledged (waiting for their pace, or in flight). */
	readonly unacknowledged: number;
	/** True once everything sent was acknowledged; false if the wait ran out or the link closed. No timeout: no bound. */
	flushed(timeoutMs?: number): Promise<boolean>;
	/** Sends an explicit leave (acknowledged, bounded) and closes. */
	leave(timeoutMs?: number): Promise<void>;
	/** Every item the hub sends, in order, the welcome included. */
	onItem(listener: (item: HubItem) => void): () => void;
	/** The session ended for good (removed by the host, a rejoin refused). */
	onLost(listener: (reason: string) => void): () => void;
	/** The hub went silent and the link is getting back ('reconnecting'), or it is back. */
	onStatus?(listener: (state: 'connected' | 'reconnecting', detail?: string) => void): () => void;
	close(): void;
};

/** Bytes done of the total; for a folder also its files done of how many. */
export type TransferProgress = (bytes: number, total: number, files?: {readonly done: number; readonly total: number}) => void;

/** Which rules paths follow: Windows (backslash separates) or POSIX (backslash escapes). */
export type PathPlatform = 'win32' | 'posix';

/** An entry of a folder, as Tab completion of a path needs it. */
export type FolderEntry = {readonly name: string; readonly folder: boolean};

/** Where Tab completion of /send's paths reads folders from. */
export type PathSource = {
	readonly platform: PathPlatform;
	/** The entries of the folder named as typed ('' is where the program started, `~/` the home folder); undefined when it cannot be read. */
	list(typedFolder: string): readonly FolderEntry[] | undefined;
};

/**
 * What the session needs to move files. The net layer implements it over TCP to the host's
 * transfer server; tests implement it in memory. Errors reject with a message for people; a
 * download cut off by the connection rejects with `kind: 'interrupted'` and keeps its partial
 * file, so getting it again resumes.
 */
/** The largest offer `TransferPort.peek` fetches into memory (an image previewed before anyone downloads it). */
export const PEEK_MAX_BYTES = 512 * 1024;

export type TransferPort = {
	/** Turns a path as typed (~, relative to where the program started) into an absolute one. */
	resolvePath(typed: string): string;
	/** The path rules of the machine the files are on; POSIX when absent. */
	readonly platform?: PathPlatform;
	/** True when the path as typed (resolved like `resolvePath`) names an existing file or folder. */
	exists?(typed: string): boolean;
	/** The entries of the folder named as typed (resolved like `resolvePath`), for Tab completion; undefined when it cannot be read. */
	listFolder?(typedFolder: string): readonly FolderEntry[] | undefined;
	/** The size in bytes of the file at this path (typed as for /send), or undefined when it is no file. */
	fileSize?(typed: string): number | undefined;
	/** Uploads a file, or a folder as its tar archive (then `files` is set, and `skipped` names what was left out). */
	upload(
		path: string,
		options: {signal: AbortSignal; onProgress: TransferProgress},
	): Promise<{id: string; sha256: string; name: string; size: number; files?: number; skipped?: readonly string[]}>;
	/** Downloads a file, or (an offer with `files`) a folder; `leftOut` tells what of a folder was not extracted, and why. */
	download(
		offer: {id: string; name: string; size: number; sha256?: string; files?: number},
		options: {signal: AbortSignal; onProgress: TransferProgress},
	): Promise<{path: string; sha256: string; files?: number; leftOut?: readonly string[]}>;
	/**
	 * An offered file's bytes, in memory, written nowhere (at most PEEK_MAX_BYTES; its sha256
	 * checked as a download's). Absent where a port cannot.
	 */
	peek?(offer: {id: string; size: number; sha256?: string}, options: {signal: AbortSignal}): Promise<Uint8Array>;
};

/**
 * Where a member's ignore list for one room is kept (the net layer: a file in the data folder).
 * `load` rejects with a message for people when what is kept cannot be read; nothing is reset.
 */
export type IgnoreStore = {
	/** Where it is kept, for messages ("~/.local/share/socket-chat-tui/ignored.json"). */
	readonly where: string;
	load(): Promise<IgnoreList>;
	save(list: IgnoreList): Promise<void>;
};
