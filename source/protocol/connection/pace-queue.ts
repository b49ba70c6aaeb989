import {PACE_SHARE} from '../limits.js';
import {TokenBucket} from '../token-bucket.js';

/**
 * Keeps a member's messages below the hub's advertised rate (at PACE_SHARE of it), so the hub
 * never has to drop one: messages over the pace wait here and move on as it allows, and only
 * while the connection may send (between sessions they wait, so a rejoin never releases a burst
 * the hub would cut). Without an advertised rate, nothing waits but for the session. Pure: the
 * clock is passed in, and `nextAt` says when the next message may go.
 */
export class PaceQueue {
	private bucket: TokenBucket | undefined;
	private readonly waiting: string[] = [];

	/** Messages waiting for their turn. */
	get length(): number {
		return this.waiting.length;
	}

	/** The hub's limit, from its welcome; the pace is a share of it. */
	setRate(rate: {perSecond: number; burst: number} | undefined, now: number): void {
		this.bucket = rate ? new TokenBucket(rate.perSecond * PACE_SHARE, Math.max(1, Math.floor(rate.burst * PACE_SHARE)), now) : undefined;
	}

	push(message: string): void {
		this.waiting.push(message);
	}

	/** Puts messages back in front, in order (what an abandoned session never had acknowledged). */
	requeue(messages: readonly string[]): void {
		this.waiting.unshift(...messages);
	}

	/** The messages the pace lets go now, in order. */
	release(now: number): string[] {
		const released: string[] = [];
		while (this.waiting.length > 0 && (!this.bucket || this.bucket.take(now))) {
			released.push(this.waiting.shift()!);
		}

		return released;
	}

	/** When the next waiting message may go; undefined when none waits. */
	nextAt(now: number): number | undefined {
		if (this.waiting.length === 0) {
			return undefined;
		}

		return now + (this.bucket ? Math.max(1, this.bucket.waitMs(now)) : 0);
	}
}
