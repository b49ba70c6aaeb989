import {OFFER_GRACE_MS, OFFER_MAX_AGE_MS} from '../limits.js';
import {nameKey} from '../names.js';
import {transferIdentity} from '../secure/handshake.js';
import type {HubRoom} from './hub-room.js';

/**
 * The live member holding this token, if the TCP connection comes from the address (normalised)
 * it joined from: the transfer server authenticates uploads and downloads with this.
 */
export function transferMember(room: HubRoom, token: string, address: string): {name: string} | undefined {
	const member = room.members.get(token);
	return member && member.departedAt === undefined && member.peer.address === address ? {name: member.name} : undefined;
}

/** The TLS pre-shared key of the live session whose transfers go by this PSK identity (a private room's). */
export function transferPsk(room: HubRoom, identity: string): Buffer | undefined {
	for (const member of room.live()) {
		if (member.transferPsk && transferIdentity(member.transferPsk) === identity) {
			return Buffer.from(member.transferPsk);
		}
	}

	return undefined;
}

/** Who offered a file: the session token it uploaded with and its name then. */
export type OfferSender = {readonly token: string; readonly name: string};

/**
 * Whether an offer's sender is still in the room: its session is live, or a live member goes by
 * its name (it came back after a lost connection, in a new session).
 */
export function transferSenderPresent(room: HubRoom, sender: OfferSender): boolean {
	const member = room.members.get(sender.token);
	if (member !== undefined && member.departedAt === undefined) return true;
	const key = nameKey(sender.name);
	return room.live().some(live => nameKey(live.name) === key);
}

/** How long the host keeps an offer's file: `graceMs` once its sender left, `maxAgeMs` at most. */
export type OfferLifetime = {readonly graceMs: number; readonly maxAgeMs: number};

type Term<S> = {readonly sender: S; readonly offeredAt: number; goneSince?: number};

/**
 * When each offer held on the host ends: its sender left the room `graceMs` ago, or it was
 * offered `maxAgeMs` ago, whichever comes first. Pure: time comes in as `now`, and whether a
 * sender is still there is asked at each `expire` (the first time it is not starts its grace).
 */
export class OfferTerms<S extends {readonly name: string}> {
	readonly #terms = new Map<string, Term<S>>();

	constructor(readonly lifetime: OfferLifetime = {graceMs: OFFER_GRACE_MS, maxAgeMs: OFFER_MAX_AGE_MS}) {}

	/** Offers with a term running. */
	get size(): number {
		return this.#terms.size;
	}

	/** An offer was made at `now`. */
	add(id: string, sender: S, now: number): void {
		this.#terms.set(id, {sender, offeredAt: now});
	}

	/** An offer ended otherwise (its upload failed): it has no term any more. */
	delete(id: string): void {
		this.#terms.delete(id);
	}

	/** When the offer ends as things stand (its sender's absence as last seen by `expire`). */
	endsAt(id: string): number | undefined {
		const term = this.#terms.get(id);
		return term && this.#endsAt(term);
	}

	/**
	 * The offers whose term is over at `now`, taken out of the table, each with why. A sender
	 * `present` says is gone starts its grace now (unless already started); one that is back stops it.
	 */
	expire(now: number, present: (sender: S) => boolean): Array<{id: string; reason: string}> {
		const ended: Array<{id: string; reason: string}> = [];
		const {graceMs, maxAgeMs} = this.lifetime;
		for (const [id, term] of this.#terms) {
			if (present(term.sender)) term.goneSince = undefined;
			else term.goneSince ??= now;
			if (now < this.#endsAt(term)) continue;
			this.#terms.delete(id);
			const left = term.goneSince !== undefined && term.goneSince + graceMs <= term.offeredAt + maxAgeMs;
			ended.push({
				id,
				reason: left ? `expired ${spell(graceMs)} after ${term.sender.name} left the room` : `expired ${spell(maxAgeMs)} after it was offered`,
			});
		}

		return ended;
	}

	#endsAt(term: Term<S>): number {
		const aged = term.offeredAt + this.lifetime.maxAgeMs;
		return term.goneSince === undefined ? aged : Math.min(aged, term.goneSince + this.lifetime.graceMs);
	}
}

/** "10 minutes", "1 day", "90 seconds": a lifetime in words. */
function spell(ms: number): string {
	const units: Array<[string, number]> = [
		['day', 86_400_000],
		['hour', 3_600_000],
		['minute', 60_000],
		['second', 1000],
	];
	for (const [unit, size] of units) {
		if (ms >= size && ms % size === 0) return `${ms / size} ${unit}${ms === size ? '' : 's'}`;
	}

	return `${ms} ms`;
}
