import type {IgnoreStore, RoomLink, TransferPort} from './ports.js';
import type {Role} from './types.js';

/** What a ChatSession is made of: its link to the room, and how it is set up. */
export type ChatSessionOptions = {
	readonly link: RoomLink;
	/** File transfer; without it /send and /get say it is not available. */
	readonly transfers?: TransferPort;
	readonly role: Role;
	readonly shareAddresses?: readonly string[];
	/** Entries kept for the messages pane; older ones are dropped. */
	readonly scrollback?: number;
	/**
	 * Leaving waits, however long it takes, until the hub acknowledged everything we sent; it
	 * gives up only when the hub is lost, or has not answered for this long (default 15 s).
	 */
	readonly giveUpMs?: number;
	/** This machine's name: a dropped `file://` URI naming it is a local file. */
	readonly hostname?: string;
	/** Describes the network for /netinfo (the composition root gathers it). */
	readonly netinfo?: () => Promise<string[]>;
	/** The clock for typing's pace (default Date.now; tests give their own). */
	readonly now?: () => number;
	/** Where who is ignored in this room is kept; without it /ignore holds for the session only. */
	readonly ignores?: IgnoreStore;
};
