/**
 * The earliest of many deadlines, kept cheaply: each peer's deadline is recorded when it is armed,
 * the earliest is tracked as they come, and only an expiry scans the peers (as the hub's flush
 * timer did before it became pure). A peer's deadline is read afresh at expiry, so one that moved
 * later is simply re-armed.
 */
export class DeadlineSet<Peer> {
	private readonly timed = new Set<Peer>();
	private earliest = Number.POSITIVE_INFINITY;

	constructor(private readonly deadline: (peer: Peer) => number | undefined) {}

	/** Records the peer's current deadline (none: it is forgotten). */
	arm(peer: Peer): void {
		const at = this.deadline(peer);
		if (at === undefined) {
			this.timed.delete(peer);
			return;
		}

		this.timed.add(peer);
		if (at < this.earliest) {
			this.earliest = at;
		}
	}

	forget(peer: Peer): void {
		this.timed.delete(peer);
	}

	/** The earliest deadline armed, if any. */
	next(): number | undefined {
		return this.earliest === Number.POSITIVE_INFINITY ? undefined : this.earliest;
	}

	/**
	 * The peers whose deadline has come by `now` (they leave the set until armed again). After a
	 * clock jump backwards (`now` before `last`), every deadline counts as come: they were set by
	 * a clock that no longer holds.
	 */
	due(now: number, jumpedBack = false): Peer[] {
		if (!jumpedBack && now < this.earliest) {
			return [];
		}

		const due: Peer[] = [];
		this.earliest = Number.POSITIVE_INFINITY;
		for (const peer of this.timed) {
			const at = this.deadline(peer);
			if (at === undefined) {
				this.timed.delete(peer);
			} else if (jumpedBack || at <= now) {
				this.timed.delete(peer);
				due.push(peer);
			} else if (at < this.earliest) {
				this.earliest = at;
			}
		}

		return due;
	}
}
