import type {HubMember} from '../room/hub-room.js';
import type {HeldItem} from '../room/hub-room-streams.js';

/** A round of sends: its members, and what was held for them. */
export type Round = {readonly peers: HubMember[]; readonly batch: readonly HeldItem[]};

/**
 * The durability gate of a room with a store: nothing is sent or acknowledged before the events
 * behind it are committed. Counts the events persisted; a round that begins after some were
 * persisted since the last completed commit waits (`pollCommit` asks the shell for one, once),
 * and no round begins while one waits.
 */
export class CommitGate {
	private persisted = 0;
	private committedUpTo = 0;
	private waiting: (Round & {readonly upTo: number; handed: boolean}) | undefined;

	/** An event was appended to the store. */
	appended(): void {
		this.persisted++;
	}

	/** A round is waiting for a commit: no other begins. */
	get busy(): boolean {
		return this.waiting !== undefined;
	}

	/** Begins a round: it goes out now (returned), or waits for a commit (undefined). */
	begin(round: Round): Round | undefined {
		if (this.persisted > this.committedUpTo) {
			this.waiting = {...round, upTo: this.persisted, handed: false};
			return undefined;
		}

		return round;
	}

	/** True once for the round waiting: the shell must commit what was persisted so far. */
	pollCommit(): boolean {
		if (this.waiting && !this.waiting.handed) {
			this.waiting.handed = true;
			return true;
		}

		return false;
	}

	/** The commit is done (or failed: the room goes on, unsaved): the waiting round, to go out. */
	committed(): Round | undefined {
		const round = this.waiting;
		this.waiting = undefined;
		if (round) {
			this.committedUpTo = Math.max(this.committedUpTo, round.upTo);
		}

		return round;
	}
}
