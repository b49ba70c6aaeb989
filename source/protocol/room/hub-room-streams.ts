import type {CastEvent} from '../cast/cast-wire.js';
import {MAX_BACKLOG_ITEMS} from '../limits.js';
import {restartStream, type HubMember} from './hub-room-member.js';

/**
 * Something held until the events behind it are durable: an item for one member, a room event for
 * the room stream (`cast`), or a step to take in this order (`run`: a change of how a member is
 * served, a new epoch key).
 */
export type HeldItem = {member: HubMember; json: string; encoded?: Uint8Array} | {cast: CastEvent} | {run: () => void};

export type MemberStreamsOptions = {
	/** Hold everything until `release`, instead of sending at once. */
	readonly durable?: boolean;
	/** A member has something to send. */
	readonly onDirty: (member: HubMember) => void;
	/** A member's backlog overflowed and its stream was restarted: it needs a fresh welcome. */
	readonly onResync: (member: HubMember) => void;
	/** A room event for the room stream. */
	readonly onCast?: (event: CastEvent) => void;
};

/**
 * What each member is sent: items go into the member's reliable stream (held first when the room
 * is durable). A member whose backlog grows past `MAX_BACKLOG_ITEMS` is not kept up with: its
 * stream restarts on a new epoch and it is resynchronised from history.
 */
export class MemberStreams {
	private held: HeldItem[] = [];

	constructor(private readonly options: MemberStreamsOptions) {}

	/** Takes what is held for members so far (to release once its events are durable). */
	takeHeld(): readonly HeldItem[] {
		const held = this.held;
		this.held = [];
		return held;
	}

	/** Sends a batch taken with `takeHeld`. */
	release(batch: readonly HeldItem[]): void {
		for (const item of batch) {
			this.releaseOne(item);
		}
	}

	/** A room event for the room stream, in order with everything else held. */
	cast(event: CastEvent): void {
		this.hold({cast: event});
	}

	/** A step to take in order with everything held (at once when nothing is). */
	run(step: () => void): void {
		this.hold({run: step});
	}

	private hold(item: HeldItem): void {
		if (this.options.durable) {
			this.held.push(item);
			return;
		}

		this.releaseOne(item);
	}

	private releaseOne(item: HeldItem): void {
		if ('cast' in item) {
			this.options.onCast?.(item.cast);
		} else if ('run' in item) {
			item.run();
		} else {
			this.deliver(item.member, item.json, item.encoded);
		}
	}

	/** Sends to a member, or holds for it while the room is durable. */
	enqueue(member: HubMember, json: string, encoded?: Uint8Array): void {
		if (this.options.durable) {
			this.held.push({member, json, encoded});
			// A round of sends makes it durable and releases it: one must run soon whatever stamped
			// this (a member's request, the transfer server's offer, a timeout, the host's kick).
			this.options.onDirty(member);
			return;
		}

		this.deliver(member, json, encoded);
	}

	/** Restarts the member's stream on its next epoch, from a fresh welcome. */
	resync(member: HubMember): void {
		restartStream(member);
		this.options.onResync(member);
		this.options.onDirty(member);
	}

	/** Puts it in the member's stream now (nothing for a departed member). */
	deliver(member: HubMember, json: string, encoded?: Uint8Array): void {
		if (member.departedAt !== undefined) {
			return;
		}

		member.sender.enqueue(json, encoded?.length, encoded);
		if (member.sender.backlog > MAX_BACKLOG_ITEMS) {
			restartStream(member);
			this.options.onResync(member);
		}

		this.options.onDirty(member);
	}
}
