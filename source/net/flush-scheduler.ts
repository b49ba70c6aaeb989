/**
 * Coalesces sends: peers marked during one turn of the event loop are flushed once, together,
 * on the next turn (so a burst of events and acks packs into few datagrams), and a single timer
 * wakes the flush again at the earliest resend deadline.
 *
 * An optional `prepare` runs before each round with the peers about to be flushed; when it
 * returns a promise (the hub making events durable), the round waits for it, and rounds never
 * overlap.
 */
export class FlushScheduler<Peer> {
	private readonly dirty = new Set<Peer>();
	private readonly timed = new Set<Peer>();
	private immediate: NodeJS.Immediate | undefined;
	private timer: NodeJS.Timeout | undefined;
	private timerAt = Number.POSITIVE_INFINITY;
	private stopped = false;
	private busy = false;

	constructor(
		private readonly flush: (peer: Peer) => void,
		private readonly deadline: (peer: Peer) => number | undefined,
		private readonly prepare?: (peers: readonly Peer[]) => Promise<void> | undefined,
	) {}

	mark(peer: Peer): void {
		if (this.stopped) {
			return;
		}

		this.dirty.add(peer);
		if (!this.busy) {
			this.immediate ??= setImmediate(() => this.run());
		}
	}

	stop(): void {
		this.stopped = true;
		clearImmediate(this.immediate);
		clearTimeout(this.timer);
		this.dirty.clear();
		this.timed.clear();
	}

	private run(): void {
		this.immediate = undefined;
		if (this.busy || this.stopped) {
			return;
		}

		const peers = [...this.dirty];
		this.dirty.clear();
		const gate = this.prepare?.(peers);
		if (!gate) {
			this.send(peers);
			return;
		}

		this.busy = true;
		const resume = () => {
			this.busy = false;
			if (this.stopped) {
				return;
			}

			this.send(peers);
			if (this.dirty.size > 0) {
				this.immediate ??= setImmediate(() => this.run());
			}
		};

		gate.then(resume, resume);
	}

	private send(peers: readonly Peer[]): void {
		for (const peer of peers) {
			this.flush(peer);
			this.arm(peer);
		}
	}

	private arm(peer: Peer): void {
		const at = this.deadline(peer);
		if (at === undefined) {
			this.timed.delete(peer);
			return;
		}

		this.timed.add(peer);
		if (at < this.timerAt) {
			clearTimeout(this.timer);
			this.timerAt = at;
			this.timer = setTimeout(() => this.wake(), Math.max(0, at - Date.now()));
		}
	}

	private wake(): void {
		this.timer = undefined;
		this.timerAt = Number.POSITIVE_INFINITY;
		const now = Date.now();
		for (const peer of this.timed) {
			const at = this.deadline(peer);
			if (at === undefined) {
				this.timed.delete(peer);
			} else if (at <= now) {
				this.dirty.add(peer);
			} else if (at < this.timerAt) {
				this.timerAt = at;
			}
		}

		if (this.timerAt !== Number.POSITIVE_INFINITY && !this.stopped) {
			this.timer = setTimeout(() => this.wake(), Math.max(0, this.timerAt - now));
		}

		if (this.dirty.size > 0 && !this.busy) {
			this.run();
		}
	}
}
