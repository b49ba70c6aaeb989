/**
 * A token bucket: `burst` tokens at most, refilled at `perSecond`. Pure: the caller passes the
 * clock. The hub limits members with it; members pace themselves with one a little slower.
 */
export class TokenBucket {
	private tokens: number;
	private updatedAt: number;

	constructor(
		readonly perSecond: number,
		readonly burst: number,
		now: number,
	) {
		this.tokens = burst;
		this.updatedAt = now;
	}

	/** Takes a token if there is one. */
	take(now: number): boolean {
		this.refill(now);
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return true;
		}

		return false;
	}

	/** Milliseconds until a token is available (0 when one is). */
	waitMs(now: number): number {
		this.refill(now);
		return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
	}

	/** Whether the bucket is full again (nothing to remember about this sender). */
	full(now: number): boolean {
		this.refill(now);
		return this.tokens >= this.burst;
	}

	private refill(now: number): void {
		const elapsed = Math.max(0, now - this.updatedAt) / 1000;
		this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perSecond);
		this.updatedAt = now;
	}
}
