import type {RefusalCode} from '../protocol/connection/outcomes.js';
import type {IgnoreList} from './ignore-list.js';
import type {PathSource} from './ports.js';
import type {UnsentLine} from './unsent.js';

/**
 * The contract between a ChatSession and its front ends (TUI and line mode).
 * Pure types: no sockets, no Ink.
 */

/** Where the member's link to the hub stands. */
export type ConnectionState =
	| 'idle' // waiting for a name before joining
	| 'connecting' // hello sent, no answer yet
	| 'connected'
	| 'reconnecting' // hub silent, still trying
	| 'refused' // the hub said no (see `refusal`); `join(name)` may try again
	| 'disconnected' // lost for good (see `statusDetail`)
	| 'left'; // we left on purpose (/quit, Ctrl+C, end of input)

/**
 * Why the hub refused a join (the protocol's one vocabulary, REFUSAL_CODES). Name problems can be
 * fixed by trying another name; `secret-required` asks for the secret; `no-secret`: one was given
 * but the room is open.
 */
export type {RefusalCode} from '../protocol/connection/outcomes.js';

export type Refusal = {
	readonly code: RefusalCode;
	readonly reason: string;
};

export type Member = {
	readonly name: string;
	readonly isHost: boolean;
	readonly isMe: boolean;
	/** Away (by /away, with its reason) or idle (no key for 10 minutes); absent: here. */
	readonly state?: 'away' | 'idle';
	readonly reason?: string;
};

/** One reaction on a message: the emoji, and who gave it (in the order they did). */
export type Reaction = {readonly emoji: string; readonly names: readonly string[]};

/**
 * What happens in the room without a line of its own in the messages pane: a reaction given or
 * taken back, a member's presence, someone typing. Line mode prints these (typing only with --json).
 */
export type RoomSignal =
	| {readonly kind: 'reaction'; readonly seq: number; readonly time: number; readonly from: string; readonly target: number; readonly emoji: string; readonly removed: boolean; readonly fromHistory: boolean}
	| {readonly kind: 'presence'; readonly seq: number; readonly time: number; readonly name: string; readonly state: 'here' | 'away' | 'idle'; readonly reason?: string; readonly fromHistory: boolean}
	| {readonly kind: 'typing'; readonly from: string; readonly active: boolean};

/** One line of the messages pane. */
export type EntryKind =
	| 'message' // alice: hi
	| 'action' // * alice waves   (/me)
	| 'direct' // a /msg to or from me
	| 'join'
	| 'leave'
	| 'nick'
	| 'offer' // a file offered to the room
	| 'notice' // local information (help text, member list, ...)
	| 'error' // local error (unknown command, too long, ...)
	| 'history-start' // marker: the history received on join begins here
	| 'history-end'; // marker: live events begin here

export type ChatEntry = {
	/** Local, unique and increasing: a React key. */
	readonly id: number;
	readonly kind: EntryKind;
	/** Room sequence number stamped by the hub; absent for local entries. */
	readonly seq?: number;
	/** Milliseconds since the epoch (hub time for room events). */
	readonly time: number;
	/** Who spoke or acted (message, action, direct, join, leave, offer; old name for nick). */
	readonly from?: string;
	/** Direct-message recipient, or the new name for nick. */
	readonly to?: string;
	/**
	 * Already sanitized: no control characters or escape sequences. For message, action and
	 * direct: what was said. For join, leave, nick, offer, notice and error: the whole line as
	 * people read it ("bob joined", "alice offers a.png (2 kB): /get k3xq7a2m").
	 */
	readonly text: string;
	/** Received as part of the join history. */
	readonly fromHistory: boolean;
	/** The text mentions my name (case-insensitive, whole word). */
	readonly mentionsMe: boolean;
	/** For a leave: "quit", "timed out", "kicked" ... */
	readonly reason?: string;
	/** For an offer: its id; for the notice of a finished download, the offer it came from. */
	readonly offerId?: string;
	/** For a message or action: the number of the room message it answers (a reply). */
	readonly replyTo?: number;
	/** For the notice of a finished download: the path of the file saved (the TUI previews images). */
	readonly file?: string;
};

export type FileOffer = {
	readonly id: string;
	readonly name: string;
	readonly size: number;
	readonly from: string;
	/** Hex sha256, known once the upload completed. */
	readonly sha256?: string;
	/** The upload reached the host whole. */
	readonly complete: boolean;
	/** The upload failed; the offer can no longer be fetched. */
	readonly failed?: string;
	/** A folder (its tar archive, offered as `NAME.tar`): how many files it holds. /get makes the folder NAME. */
	readonly files?: number;
	readonly time: number;
};

export type TransferDirection = 'upload' | 'download';
export type TransferState = 'started' | 'progress' | 'done' | 'failed' | 'cancelled';

export type Transfer = {
	/** The offer id it belongs to. */
	readonly id: string;
	readonly direction: TransferDirection;
	readonly name: string;
	readonly size: number;
	readonly bytes: number;
	readonly state: TransferState;
	/** Bytes per second, smoothed; 0 when unknown. */
	readonly speed: number;
	readonly startedAt: number;
	/** Where a finished download was saved. */
	readonly path?: string;
	readonly error?: string;
	/** For a folder: the files in it, and how many of them are done. */
	readonly files?: number;
	readonly filesDone?: number;
};

export type Role = 'host' | 'member';

export type SessionSnapshot = {
	readonly status: ConnectionState;
	/** Human text for the status: "lost contact with 10.0.0.2:9999", ... */
	readonly statusDetail?: string;
	readonly refusal?: Refusal;
	readonly role: Role;
	/** host:port of the hub we talk to. */
	readonly roomAddress: string;
	/** For a host: the addresses others should use with --join. */
	readonly shareAddresses: readonly string[];
	readonly myName?: string;
	readonly members: readonly Member[];
	/** Bounded by the scrollback setting; oldest dropped first. */
	readonly entries: readonly ChatEntry[];
	readonly offers: readonly FileOffer[];
	readonly transfers: readonly Transfer[];
	/** Smoothed round-trip time to the hub, when measured. */
	readonly rttMs?: number;
	/**
	 * Once joined: a short string of the hub's key that everyone in the room sees the same, to
	 * compare aloud (in an open room as in a private one).
	 */
	readonly fingerprint?: string;
	/** True in a room with a secret; false or absent in an open room (anyone on the network can join and read it). */
	readonly secret?: boolean;
	/** The hub's limit on messages, from its welcome (members pace themselves below it). */
	readonly rate?: {readonly perSecond: number; readonly burst: number};
	/** Reactions by the number of the message they are on (absent: none yet). */
	readonly reactions?: Readonly<Record<number, readonly Reaction[]>>;
	/** Who is typing now (not me), in the order they started. */
	readonly typing?: readonly string[];
	/** Who is ignored here: their messages and DMs are hidden (absent: nobody). */
	readonly ignored?: IgnoreList;
	/** Lines I sent that the room has not taken yet (absent: none), oldest first: see unsent.ts. */
	readonly unsent?: readonly UnsentLine[];
};

/** What /find found: the entries held whose text holds the query, oldest first (ignored members' left out). */
export type FoundLines = {readonly query: string; readonly matches: readonly ChatEntry[]};

/** A file on this machine, as a drop names it. */
export type LocalFile = {readonly path: string; readonly name: string; readonly size: number};

export type SubmitOutcome = 'sent' | 'command' | 'refused' | 'ignored';

export type LeaveResult = {
	/** Requests the hub never acknowledged: lost with the hub, never silently. */
	readonly undelivered: number;
};

/** What /help and Tab completion are generated from. */
export type CommandInfo = {
	readonly name: string;
	readonly aliases: readonly string[];
	readonly usage: string;
	readonly description: string;
	/** What Tab completes after the command: the paths of files (/send), or the ids of offers (/get). */
	readonly argument?: 'paths' | 'offer';
};

/** What a front end may do with a session. */
export type ChatSessionApi = {
	getSnapshot(): SessionSnapshot;
	subscribe(listener: () => void): () => void;
	/** Subscribe to each entry once, as it is added (line mode prints these). */
	onEntry(listener: (entry: ChatEntry) => void): () => void;
	/** Subscribe to what has no line of its own: reactions, presence, typing (line mode prints these). */
	onSignal(listener: (signal: RoomSignal) => void): () => void;
	/**
	 * The person typed (the input now holds `draft`): they are not idle, and while the draft holds
	 * text the others are told they are typing (at most every 3 s), and told when they stop.
	 */
	keystroke(draft: string): void;
	/** Each /find, as it is run (the TUI opens its search, line mode prints the matches). */
	onFind(listener: (found: FoundLines) => void): () => void;
	/** Join (or after a refusal, try again) under this name; with a secret when the room asks for one. */
	join(name: string, secret?: string): void;
	/**
	 * A typed line: text to the room, or a /command. `label` names the line in its errors
	 * ("line 17"). Says whether it went out, ran as a command, was refused for its size, or was blank.
	 */
	submit(line: string, label?: string): SubmitOutcome;
	/** Requests not yet acknowledged by the hub (queued behind the room's pace, or in flight). */
	undelivered(): number;
	/**
	 * The bytes of a small offered file (at most 512 kB, its upload complete), fetched into memory
	 * and written nowhere: an image's preview before anyone downloads it. Rejects with the reason
	 * in words (a folder, too large, still uploading, no transfer here...).
	 */
	peek(offerId: string): Promise<Uint8Array>;
	/** When a paste is exactly the paths of existing files (a drag and drop), those files. */
	droppedFiles(pasted: string): readonly LocalFile[] | undefined;
	/** Offers these files to the room, as /send does (paths as droppedFiles gave them). */
	sendFiles(paths: readonly string[]): void;
	/** The command registry, for /help and completion. */
	commands(): readonly CommandInfo[];
	/** Where Tab completes /send's paths from; undefined where this session cannot send files. */
	paths(): PathSource | undefined;
	/**
	 * Leave the room cleanly: waits until the hub acknowledged everything we sent (giving up only
	 * when it is lost or stays silent), then says goodbye. Resolves with what was not delivered.
	 */
	leave(): Promise<LeaveResult>;
};

/** What the start screen hands to the composition root. */
export type StartChoice = {readonly mode: 'host'} | {readonly mode: 'join'; readonly address: string};

/** A room found on the network by discovery, as the start screen lists it. */
export type DiscoveredRoom = {
	/** The announcing hub's address; join it at `port`. */
	readonly address: string;
	/** The hub's UDP port. */
	readonly port: number;
	/** The room's name. */
	readonly name: string;
	/** The host machine's name. */
	readonly host: string;
	readonly members: number;
	/** True when joining needs the room secret. */
	readonly secret: boolean;
	/** Whether its address and port have a pinned hub key (known-rooms.json), and whether the listing contradicts it. */
	readonly pin?: PinMark;
};

/**
 * "pinned": the room's address and port have a pinned hub key, and the listing shows no other
 * (joining insists on that key). "mismatch": the listing shows another key than the pinned one.
 */
export type PinMark = 'pinned' | 'mismatch';

/** A live list of discovered rooms (useSyncExternalStore-friendly: same array until it changes). */
export type RoomList = {
	rooms(): readonly DiscoveredRoom[];
	subscribe(listener: () => void): () => void;
};
