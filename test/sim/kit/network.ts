import type {Random} from './random.js';

/** A UDP address in the simulated network. */
export type SimAddress = {readonly address: string; readonly port: number};

/** How one direction of a link treats datagrams. */
export type LinkProfile = {
	/** Chance a datagram is lost. */
	readonly loss: number;
	/** Chance a datagram arrives twice. */
	readonly duplicate: number;
	/** Fixed delay, ms. */
	readonly delayMs: number;
	/** Mean of an exponential extra delay, ms (0: none); this is what reorders datagrams. */
	readonly jitterMs: number;
	/** Datagrams larger than this (bytes of UDP payload) are dropped, as a path MTU would. */
	readonly mtu: number;
};

export const CLEAN: LinkProfile = {loss: 0, duplicate: 0, delayMs: 1, jitterMs: 0, mtu: 65_507};

/** A fault on the links of some hosts, for a window of time. */
export type Cut = {
	/** Host addresses it applies to (their links to and from everyone); 'all' for every host. */
	readonly hosts: readonly string[] | 'all';
	readonly from: number;
	readonly until: number;
	/** Which way datagrams are cut, as seen from those hosts. */
	readonly direction: 'both' | 'outbound' | 'inbound';
};

type Flight = {readonly at: number; readonly order: number; readonly from: SimAddress; readonly to: SimAddress; readonly datagram: Uint8Array};

/**
 * The simulated network: datagrams in flight, ordered by arrival time (then by the order they were
 * sent), with loss, duplication, delay and reordering drawn from one seeded generator, and cuts
 * (partitions, one-way links). It only carries bytes: who listens where is the world's business.
 */
export class SimNetwork {
	readonly cuts: Cut[] = [];
	/** Datagrams sent, delivered, and dropped by cause. */
	readonly counts = {sent: 0, delivered: 0, lost: 0, cut: 0, mtu: 0, duplicated: 0};
	private readonly heap: Flight[] = [];
	private order = 0;

	constructor(
		private readonly random: Random,
		private readonly profile: (from: SimAddress, to: SimAddress) => LinkProfile,
	) {}

	/** Puts a datagram on the wire at `now`. */
	send(from: SimAddress, to: SimAddress, datagram: Uint8Array, now: number): void {
		this.counts.sent++;
		const link = this.profile(from, to);
		if (this.isCut(from.address, to.address, now)) {
			this.counts.cut++;
			return;
		}

		if (datagram.length > link.mtu) {
			this.counts.mtu++;
			return;
		}

		if (this.random.chance(link.loss)) {
			this.counts.lost++;
			return;
		}

		const copies = this.random.chance(link.duplicate) ? 2 : 1;
		this.counts.duplicated += copies - 1;
		for (let copy = 0; copy < copies; copy++) {
			// Whole milliseconds, as Date.now() gives the shells.
			const delay = link.delayMs + (link.jitterMs > 0 ? Math.round(this.random.exponential(link.jitterMs)) : 0);
			this.pushFlight({at: now + delay, order: this.order++, from, to, datagram});
		}
	}

	/** When the next datagram arrives, if any is in flight. */
	nextArrival(): number | undefined {
		return this.heap[0]?.at;
	}

	/** The next datagram to arrive, taken off the wire. */
	take(): Flight | undefined {
		const top = this.heap[0];
		if (!top) {
			return undefined;
		}

		const last = this.heap.pop()!;
		if (this.heap.length > 0) {
			this.heap[0] = last;
			this.sinkDown(0);
		}

		this.counts.delivered++;
		return top;
	}

	get inFlight(): number {
		return this.heap.length;
	}

	private isCut(from: string, to: string, now: number): boolean {
		for (const cut of this.cuts) {
			if (now < cut.from || now >= cut.until) {
				continue;
			}

			const covers = (host: string) => cut.hosts === 'all' || cut.hosts.includes(host);
			if ((cut.direction !== 'inbound' && covers(from)) || (cut.direction !== 'outbound' && covers(to))) {
				return true;
			}
		}

		return false;
	}

	private pushFlight(flight: Flight): void {
		const heap = this.heap;
		heap.push(flight);
		let index = heap.length - 1;
		while (index > 0) {
			const parent = (index - 1) >> 1;
			if (!before(heap[index]!, heap[parent]!)) {
				break;
			}

			[heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
			index = parent;
		}
	}

	private sinkDown(start: number): void {
		const heap = this.heap;
		let index = start;
		for (;;) {
			const left = 2 * index + 1;
			const right = left + 1;
			let smallest = index;
			if (left < heap.length && before(heap[left]!, heap[smallest]!)) {
				smallest = left;
			}

			if (right < heap.length && before(heap[right]!, heap[smallest]!)) {
				smallest = right;
			}

			if (smallest === index) {
				return;
			}

			[heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
			index = smallest;
		}
	}
}

function before(a: Flight, b: Flight): boolean {
	return a.at < b.at || (a.at === b.at && a.order < b.order);
}
