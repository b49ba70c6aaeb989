import type {RefusalCode} from '../connection/outcomes.js';
import {JOIN_ALL_BURST, JOIN_ALL_RATE_PER_SECOND, JOIN_BURST, JOIN_PREFIX_BURST, JOIN_PREFIX_RATE_PER_SECOND, JOIN_RATE_PER_SECOND, MAX_MEMBERS} from '../limits.js';
import {TokenBucket} from '../token-bucket.js';
import type {RateLimit} from './hub-room.js';

export type GateRefusal = {readonly code: Extract<RefusalCode, 'banned' | 'rate-limited' | 'full'>; readonly reason: string};

/** Which limit a join attempt ran into: its address's, its network's (prefix), or the hub's overall one. */
export type AttemptLimit = 'address' | 'prefix' | 'all';

/** The refusal a join attempt over a limit gets. */
export function attemptRefusal(limit: AttemptLimit): GateRefusal {
	const whose = limit === 'address' ? 'your address' : limit === 'prefix' ? 'your network' : 'everyone at once';
	return {code: 'rate-limited', reason: `too many join attempts from ${whose}; wait a few seconds and try again`};
}

/**
 * The network an address belongs to, as join limits count it: an IPv4 address's /24, an IPv6
 * address's /64 (one site's hosts, which one attacker can use together).
 */
export function addressPrefix(address: string): string {
	if (!address.includes(':')) {
		return address.split('.').slice(0, 3).join('.');
	}

	const [head = '', tail] = address.split('::');
	const left = head === '' ? [] : head.split(':');
	const right = tail === undefined || tail === '' ? [] : tail.split(':');
	const groups = tail === undefined ? left : [...left, ...Array.from({length: Math.max(0, 8 - left.length - right.length)}, () => '0'), ...right];
	return groups.slice(0, 4).map(group => Number.parseInt(group || '0', 16).toString(16)).join(':');
}

/**
 * Who may try to join: addresses the host banned; join attempts per address, per address prefix
 * (`addressPrefix`) and overall (token buckets), and the member cap. Addresses are peers'
 * normalised addresses (Peer.address).
 */
export class HubGate {
	private readonly banned = new Set<string>();
	private readonly buckets = new Map<string, TokenBucket>();
	private readonly prefixes = new Map<string, TokenBucket>();
	private readonly all: TokenBucket | undefined;
	private readonly prefixLimit: RateLimit | undefined;

	constructor(
		private readonly limit: RateLimit | false = {perSecond: JOIN_RATE_PER_SECOND, burst: JOIN_BURST},
		private readonly maxMembers = MAX_MEMBERS,
		now = 0,
	) {
		// The wider limits scale with the address's, so a test or a room that widens it widens them.
		const scale = limit ? limit.burst / JOIN_BURST : 1;
		this.prefixLimit = limit ? {perSecond: JOIN_PREFIX_RATE_PER_SECOND * scale, burst: Math.ceil(JOIN_PREFIX_BURST * scale)} : undefined;
		this.all = limit ? new TokenBucket(JOIN_ALL_RATE_PER_SECOND * scale, Math.ceil(JOIN_ALL_BURST * scale), now) : undefined;
	}

	/**
	 * Takes a join attempt from the address's, its prefix's and the hub's buckets; the limit it ran
	 * into when one had none left (nothing is taken then from the wider ones).
	 */
	attempt(address: string, now: number): AttemptLimit | undefined {
		if (!this.limit || !this.prefixLimit || !this.all) {
			return undefined;
		}

		const own = bucketOf(this.buckets, address, this.limit, now);
		if (own.waitMs(now) > 0) {
			return 'address';
		}

		const prefix = bucketOf(this.prefixes, addressPrefix(address), this.prefixLimit, now);
		if (prefix.waitMs(now) > 0) {
			return 'prefix';
		}

		if (!this.all.take(now)) {
			return 'all';
		}

		own.take(now);
		prefix.take(now);
		return undefined;
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

	/** Forgets addresses and prefixes whose buckets are full again (nothing left to remember). */
	sweep(now: number): void {
		for (const buckets of [this.buckets, this.prefixes]) {
			for (const [key, bucket] of buckets) {
				if (bucket.full(now)) {
					buckets.delete(key);
				}
			}
		}
	}
}

function bucketOf(buckets: Map<string, TokenBucket>, key: string, limit: RateLimit, now: number): TokenBucket {
	let bucket = buckets.get(key);
	if (!bucket) {
		bucket = new TokenBucket(limit.perSecond, limit.burst, now);
		buckets.set(key, bucket);
	}

	return bucket;
}
