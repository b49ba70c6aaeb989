import {PACE_SHARE} from '../protocol/limits.js';
import {TokenBucket} from '../protocol/token-bucket.js';

/**
 * Keeps a member's messages below the hub's advertised rate (at PACE_SHARE of it), so the hub
 * never has to drop one: messages over the pace wait here and move on as it allows, and only
 * while `open()` says the link may send (between sessions they wait, so a rejoin never releases
 * a burst the hub would cut). Without an advertised rate, nothing waits but for `open()`.
 */
export class MessagePacer {
	private bucket: TokenBucket | undefined;
	private readonly waiting: string[] = [];
	private timer: NodeJS.Timeout | undefined;

	constructor(
		/** Puts a message into the reliable stream. */
		private readonly release: (json: string) => void,
		/** Whether messages may move on now (the link has a session). */
		private readonly open: () => boolean,
		/** Called after a round of releases (the link flushes). */
		private readonly released: () => void,
	) {}

	/** Messages waiting for their turn. */
	get length(): number {
		return this.waiting.length;
	}

	/** The hub's limit, from its welcome; the pace is a share of it. */
	setRate(rate: {perSecond: number; burst: number} | undefined): void {
		this.bucket = rate ? new TokenBucket(rate.perSecond * PACE_SHARE, Math.max(1, Math.floor(rate.burst * PACE_SHARE)), Date.now()) : undefined;
	}

	/** Sends a message now if the pace allows (nothing waiting, link open, a token), else queues it. */
	send(json: string): void {
		if (this.waiting.length === 0 && this.open() && (!this.bucket || this.bucket.take(Date.now()))) {
			this.release(json);
			this.released();
			return;
		}

		this.waiting.push(json);
		this.schedule();
	}

	/** Puts messages back in front, in order (what an abandoned session never had acknowledged). */
	requeue(messages: readonly string[]): void {
		this.waiting.unshift(...messages);
	}

	/** Starts releasing waiting messages as the pace allows, if the link is open. */
	schedule(): void {
		if (this.timer || this.waiting.length === 0 || !this.open()) {
			return;
		}

		this.timer = setTimeout(
			() => {
				this.timer = undefined;
				if (!this.open()) {
					return;
				}

				while (this.waiting.length > 0 && (!this.bucket || this.bucket.take(Date.now()))) {
					this.release(this.waiting.shift()!);
				}

				this.released();
				this.schedule();
			},
			this.bucket ? Math.max(1, this.bucket.waitMs(Date.now())) : 0,
		);
	}

	stop(): void {
		clearTimeout(this.timer);
	}
}
