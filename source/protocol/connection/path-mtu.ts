import {SAFE_PAYLOAD_BYTES} from '../limits.js';

/**
 * Packetization-layer path MTU discovery (RFC 8899, "DPLPMTUD") for the hub's datagrams to one
 * member. Everything starts at BASE (1,200 bytes, which every path takes: QUIC's rule). The hub
 * then probes larger sizes, largest first, each with a datagram of exactly that size: a ping in
 * the member's session padded with spaces, which the member answers with a pong carrying the
 * probe's number. An answered size is the member's datagram size from then on; a size whose
 * MAX_PROBES probes all go unanswered is given up for the next smaller one. Probes carry no data:
 * a lost probe loses nothing.
 *
 * The shell says how large a datagram may be without the sending machine fragmenting it (its
 * interface's MTU less the IP and UDP headers): a probe is never larger, so a probe that arrives
 * came whole. A size in use that stops getting through (the stream to the member backs off
 * BLACK_HOLE_BACKOFF times in a row) falls back to BASE, and the search runs again RAISE_MS later,
 * as it does after a search that found less than the largest size.
 */

/** The size every path takes, where the search starts and falls back to. */
export const BASE_DATAGRAM = SAFE_PAYLOAD_BYTES;
/** Sizes probed, largest first: Ethernet's 1,500 less IPv4 and UDP headers, less IPv6's, then common tunnels'. */
export const PROBE_SIZES: readonly number[] = [1472, 1452, 1400, 1280];
/** Probes of one size before it is given up. */
export const MAX_PROBES = 3;
/** How long a probe's answer is waited for before the next probe. */
export const PROBE_WAIT_MS = 400;
/** Delay of the first probe after a member is admitted: its welcome and history go first. */
export const FIRST_PROBE_MS = 200;
/** A search that found less than the largest size (or a black hole) runs again after this (RFC 8899's PMTU_RAISE_TIMER). */
export const RAISE_MS = 600_000;
/** Consecutive timeouts of the member's stream that mean datagrams of the size in use no longer arrive. */
export const BLACK_HOLE_BACKOFF = 3;
/** Probe numbers remembered, so a late answer to an earlier probe of a size still counts. */
const REMEMBERED = 8;

export type PathProbe = {readonly id: number; readonly size: number};

export class PathMtu {
	/** The datagram size in use (confirmed by a probe's answer, or BASE). */
	size = BASE_DATAGRAM;
	/** What the search is doing: probing a size, or resting until `nextAt`. */
	private searching = true;
	private readonly candidates: readonly number[];
	private index = 0;
	private attempts = 0;
	private nextAt: number;
	private nextId = 1;
	private readonly sent: PathProbe[] = [];
	/** Probes sent, and answered: for /netinfo and the tests. */
	probes = 0;
	answered = 0;

	/**
	 * `largest`: the largest datagram the shell can send this member without fragmenting it
	 * locally (BASE or less: no search at all).
	 */
	constructor(largest: number, now: number) {
		this.candidates = PROBE_SIZES.filter(size => size <= largest && size > BASE_DATAGRAM);
		this.searching = this.candidates.length > 0;
		this.nextAt = now + FIRST_PROBE_MS;
	}

	/** When `poll` has something to do, if ever. */
	nextDeadline(): number | undefined {
		return this.candidates.length === 0 || this.nextAt === Number.POSITIVE_INFINITY ? undefined : this.nextAt;
	}

	/**
	 * The probe to send now, if one is due. `backoff` is how many times in a row the member's
	 * stream timed out (a black hole, at BLACK_HOLE_BACKOFF with a size above BASE).
	 */
	poll(now: number, backoff: number): PathProbe | undefined {
		if (this.size > BASE_DATAGRAM && backoff >= BLACK_HOLE_BACKOFF) {
			this.blackHole(now);
			return undefined;
		}

		if (now < this.nextAt || this.candidates.length === 0) return undefined;
		if (!this.searching) {
			// The raise timer: search again among the sizes above the one in use.
			this.searching = true;
			this.index = 0;
			this.attempts = 0;
		}

		while (this.index < this.candidates.length && (this.attempts >= MAX_PROBES || this.candidates[this.index]! <= this.size)) {
			this.index++;
			this.attempts = 0;
		}

		if (this.index >= this.candidates.length) {
			this.rest(now);
			return undefined;
		}

		this.attempts++;
		this.probes++;
		const probe = {id: this.nextId++, size: this.candidates[this.index]!};
		this.sent.push(probe);
		if (this.sent.length > REMEMBERED) this.sent.shift();
		this.nextAt = now + PROBE_WAIT_MS;
		return probe;
	}

	/**
	 * Datagrams of the size in use stopped arriving (the member's own stream, or the room stream's
	 * repairs, timing out again and again): back to BASE, searched again after RAISE_MS.
	 */
	blackHole(now: number): void {
		if (this.size <= BASE_DATAGRAM) return;
		this.size = BASE_DATAGRAM;
		this.rest(now);
	}

	/** The member answered probe `id`: its size gets through. Anything else is ignored. */
	answer(id: number, now: number): void {
		const probe = this.sent.find(one => one.id === id);
		if (!probe) return;
		this.sent.splice(this.sent.indexOf(probe), 1);
		this.answered++;
		if (probe.size > this.size) this.size = probe.size;
		this.rest(now);
	}

	/** The clock went back: a wait set by the old clock would not end for a while. */
	rebase(now: number): void {
		this.nextAt = Math.min(this.nextAt, now + (this.searching ? PROBE_WAIT_MS : RAISE_MS));
	}

	private rest(now: number): void {
		this.searching = false;
		this.index = 0;
		this.attempts = 0;
		this.sent.length = 0;
		// The largest size needs no further search; anything less is tried again later.
		this.nextAt = this.size >= this.candidates[0]! ? Number.POSITIVE_INFINITY : now + RAISE_MS;
	}
}
