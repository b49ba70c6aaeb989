import type {RefusalCode} from '../connection/outcomes.js';
import {JOIN_BURST, JOIN_RATE_PER_SECOND, MAX_MEMBERS} from '../limits.js';
import {TokenBucket} from '../token-bucket.js';
import type {RateLimit} from './hub-room.js';

export type GateRefusal = {readonly code: Extract<RefusalCode, 'banned' | 'rate-limited' | 'full'>; readonly reason: string};

/**
 * Who may try to join: addresses the host banned, join attempts per address (a token bucket),
 * and the member cap. Addresses are peers' normalised addresses (Peer.address).
 */
export class HubGate {
	private readonly banned = new Set<string>();
	private readonly buckets = new Map<string, TokenBucket>();

	constructor(
		private readonly limit: RateLimit | false = {perSecond: JOIN_RATE_PER_SECOND, burst: JOIN_BURST},
		private readonly maxMembers = MAX_MEMBERS,
	) {}

	/** Takes a join attempt from the address's bucket; false when it has none left. */
	attempt(address: string, now: number): boolean {
		if (!this.limit) {
			return true;
		}

		let bucket = this.buckets.get(address);
		if (!bucket) {
			bucket = new TokenBucket(this.limit.perSecond, this.limit.burst, now);
			this.buckets.set(address, bucket);
		}

		return bucket.take(now);
	}

	/** Why a new member from `address` cannot join now, if it cannot (its attempt was charged at the query: `attempt`). */
	check(address: string, members: number): GateRefusal | undefined {
		if (this.banned.has(address)) {
			return {code: 'banned', reason: 'the host has banned your address from this room'};
		}

		if (members >= this.maxMembers) {
			return {code: 'full', reason: `the room is full (${this.maxMembers} members)`};
		}

		return undefined;
	}

	ban(address: string): void {
		this.banned.add(address);
	}

	/** Forgets addresses whose buckets are full again (nothing left to remember). */
	sweep(now: number): void {
		for (const [address, bucket] of this.buckets) {
			if (bucket.full(now)) {
				this.buckets.delete(address);
			}
		}
	}
}
