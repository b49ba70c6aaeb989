import type {FrameSink} from './datagram-writer.js';
import {splitPayload} from './fragment.js';
import {FRAGMENT_CHUNK_BYTES, MAX_ITEM_FRAME_BYTES, REORDER_THRESHOLD, SEND_WINDOW} from './limits.js';
import {RttEstimator} from './rtt.js';

type Item = {
	readonly seq: number;
	/**
	 * A whole payload, shared with every other stream it went into (the frame around it is built
	 * at each send, so an item in flight holds no string of its own: the hub keeps thousands of
	 * items in flight, and what it holds across a garbage collection is what costs); or a
	 * fragment's whole frame.
	 */
	readonly payload: string;
	/** The payload's UTF-8 bytes, when the caller encoded it once for many streams. */
	readonly encoded: Uint8Array | undefined;
	readonly fragment: boolean;
	/** The frame's length in UTF-8, counted once here rather than at every send. */
	readonly bytes: number;
	sentAt: number;
	deadline: number;
	sends: number;
	/** A fast resend was triggered and not yet made: not a timeout, so no back-off. */
	fastPending: boolean;
	fastResent: boolean;
};

/** A whole item's data frame up to its payload: `{"t":"d","g":epoch,"n":seq,"e":` (ASCII). */
function frameHead(epoch: number, seq: number): string {
	return `{"t":"d","g":${epoch},"n":${seq},"e":`;
}

/**
 * The sending half of a reliable stream: numbers items, keeps at most `window` in flight,
 * resends on timeout (RTO from measured RTT, doubled per timeout) or when three later items were
 * acknowledged first, and forgets items once acknowledged. Pure: the caller passes the clock and
 * sends the frames `poll` returns.
 */
export class ReliableSender {
	readonly rtt = new RttEstimator();
	private nextSeq = 1;
	private readonly queue: Item[] = [];
	private queueHead = 0;
	private readonly inflight = new Map<number, Item>();
	private earliestDeadline = Number.POSITIVE_INFINITY;
	/** Payloads not yet wholly acknowledged, with the item numbers they span, oldest first. */
	private readonly payloads: Array<{json: string; first: number; last: number}> = [];
	private payloadHead = 0;
	/** The cumulative ack: every item up to it was delivered, in order, at the other end. */
	private delivered = 0;

	/**
	 * `keepPayloads: false` where `pendingPayloads` is never asked (the hub's streams): one object
	 * less per item on the hub's hottest path.
	 */
	constructor(
		readonly epoch = 0,
		private readonly window = SEND_WINDOW,
		private readonly keepPayloads = true,
	) {}

	/**
	 * Queues one payload (JSON text); splits it into fragments when it is too big for one item.
	 * A caller that queues one payload to many streams (the hub's fan-out) may give its UTF-8
	 * length and bytes, so they are counted and encoded once. Returns the number of its last item.
	 */
	enqueue(payloadJson: string, payloadBytes = Buffer.byteLength(payloadJson), encoded?: Uint8Array): number {
		const first = this.nextSeq;
		this.split(payloadJson, payloadBytes, encoded);
		if (this.keepPayloads) {
			this.payloads.push({json: payloadJson, first, last: this.nextSeq - 1});
		}

		return this.nextSeq - 1;
	}

	/** Items sent again (on a timeout, or as lost). */
	resends = 0;

	/** The cumulative ack so far: every item up to it was delivered. */
	get acknowledgedTo(): number {
		return this.delivered;
	}

	/**
	 * The payloads not wholly covered by the cumulative ack, in order: what a new stream must carry
	 * when this one is abandoned (the member rejoined after the hub forgot it). A selectively
	 * acknowledged item counts as pending: the peer holds it but delivers in order, so it was not
	 * delivered, and an abandoned stream never will be. The hub stamps a message once by its id.
	 */
	pendingPayloads(): string[] {
		const out: string[] = [];
		for (let index = this.payloadHead; index < this.payloads.length; index++) {
			const {json, last} = this.payloads[index]!;
			if (last > this.delivered) {
				out.push(json);
			}
		}

		return out;
	}

	private split(payloadJson: string, payloadBytes: number, encoded: Uint8Array | undefined): void {
		// The frame around the payload is ASCII: its bytes are its length.
		const bytes = frameHead(this.epoch, this.nextSeq).length + payloadBytes + 1;
		if (bytes <= MAX_ITEM_FRAME_BYTES) {
			this.push(payloadJson, encoded, false, bytes);
			return;
		}

		const chunks = splitPayload(payloadJson, FRAGMENT_CHUNK_BYTES);
		for (const [index, chunk] of chunks.entries()) {
			const frame = `{"t":"d","g":${this.epoch},"n":${this.nextSeq},"p":[${index},${chunks.length}],"x":${JSON.stringify(chunk)}}`;
			this.push(frame, undefined, true, Buffer.byteLength(frame));
		}
	}

	/** Items queued or in flight: what the peer has not yet acknowledged. */
	get backlog(): number {
		return this.queue.length - this.queueHead + this.inflight.size;
	}

	get inFlight(): number {
		return this.inflight.size;
	}

	/** Everything enqueued has been acknowledged. */
	get idle(): boolean {
		return this.backlog === 0;
	}

	/** When `poll` next has a resend to make, if anything is in flight. */
	nextDeadline(): number | undefined {
		return this.inflight.size > 0 ? this.earliestDeadline : undefined;
	}

	/**
	 * The clock went back to `now` (a clock jump): items sent "later" than now count as sent now,
	 * so their resends come within one timeout instead of when the old clock's time comes again.
	 */
	rebase(now: number): void {
		const rto = this.rtt.rto();
		this.earliestDeadline = Number.POSITIVE_INFINITY;
		for (const item of this.inflight.values()) {
			if (item.sentAt > now) {
				item.sentAt = now;
				item.deadline = Math.min(item.deadline, now + rto);
			}

			this.earliestDeadline = Math.min(this.earliestDeadline, item.deadline);
		}
	}

	/** Frames to send now: resends that are due, then new items as the window allows. */
	poll(now: number): string[] {
		const out: string[] = [];
		this.pollWith(now, {
			data: (epoch, seq, payload) => out.push(`${frameHead(epoch, seq)}${payload}}`),
			frame: frame => out.push(frame),
		});
		return out;
	}

	/** As `poll`, handing each frame to `sink`: whole items as their parts (the hub writes them as bytes). */
	pollWith(now: number, sink: FrameSink): void {
		if (now >= this.earliestDeadline) {
			this.resendDue(now, sink);
		}

		const lowest = this.lowestUnacked();
		while (this.queueHead < this.queue.length) {
			const item = this.queue[this.queueHead]!;
			if (item.seq - lowest >= this.window) {
				break;
			}

			this.queue[this.queueHead++] = undefined as unknown as Item;
			this.inflight.set(item.seq, item);
			this.send(item, now, sink);
		}

		if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
			this.queue.splice(0, this.queueHead);
			this.queueHead = 0;
		}
	}

	/** Applies an ack: everything up to `cumulative`, plus the selectively acknowledged ranges. */
	onAck(cumulative: number, ranges: ReadonlyArray<readonly [number, number]> | undefined, now: number): void {
		let progressed = false;
		const highestSent = this.queueHead < this.queue.length ? this.queue[this.queueHead]!.seq - 1 : this.nextSeq - 1;
		const upTo = Math.min(cumulative, highestSent);
		this.delivered = Math.max(this.delivered, upTo);
		for (const [seq, item] of this.inflight) {
			if (seq > upTo) {
				break;
			}

			this.acknowledge(item, now);
			progressed = true;
		}

		let highestSacked = 0;
		for (const [from, to] of ranges ?? []) {
			if (from > to) {
				continue;
			}

			for (const [seq, item] of this.inflight) {
				if (seq > to) {
					break;
				}

				if (seq >= from) {
					this.acknowledge(item, now);
					progressed = true;
					highestSacked = Math.max(highestSacked, seq);
				}
			}
		}

		if (progressed) {
			while (this.payloadHead < this.payloads.length && this.payloads[this.payloadHead]!.last <= this.delivered) {
				this.payloadHead++;
			}

			if (this.payloadHead > 1024) {
				this.payloads.splice(0, this.payloadHead);
				this.payloadHead = 0;
			}

			this.rtt.backoff = 0;
			this.earliestDeadline = Number.POSITIVE_INFINITY;
			for (const item of this.inflight.values()) {
				this.earliestDeadline = Math.min(this.earliestDeadline, item.deadline);
			}
		}

		if (highestSacked > 0) {
			for (const [seq, item] of this.inflight) {
				if (seq + REORDER_THRESHOLD > highestSacked) {
					break;
				}

				if (!item.fastResent) {
					item.fastResent = true;
					item.fastPending = true;
					item.deadline = now;
					this.earliestDeadline = now;
				}
			}
		}
	}

	private push(payload: string, encoded: Uint8Array | undefined, fragment: boolean, bytes: number): void {
		this.queue.push({seq: this.nextSeq++, payload, encoded, fragment, bytes, sentAt: 0, deadline: 0, sends: 0, fastPending: false, fastResent: false});
	}

	private lowestUnacked(): number {
		for (const seq of this.inflight.keys()) {
			return seq;
		}

		return this.queueHead < this.queue.length ? this.queue[this.queueHead]!.seq : this.nextSeq;
	}

	private acknowledge(item: Item, now: number): void {
		if (item.sends === 1 && now >= item.sentAt) {
			this.rtt.sample(now - item.sentAt);
		}

		this.inflight.delete(item.seq);
	}

	private send(item: Item, now: number, sink: FrameSink): void {
		if (item.sends > 0) this.resends++;
		item.sends++;
		item.sentAt = now;
		item.deadline = now + this.rtt.rto();
		this.earliestDeadline = Math.min(this.earliestDeadline, item.deadline);
		if (item.fragment) {
			sink.frame(item.payload, item.bytes);
		} else {
			sink.data(this.epoch, item.seq, item.payload, item.encoded, item.bytes);
		}
	}

	private resendDue(now: number, sink: FrameSink): void {
		let timedOut = false;
		const due: Item[] = [];
		for (const item of this.inflight.values()) {
			if (item.deadline <= now) {
				due.push(item);
				timedOut ||= !item.fastPending;
				item.fastPending = false;
			}
		}

		if (timedOut) {
			this.rtt.backoff = Math.min(this.rtt.backoff + 1, 6);
		}

		this.earliestDeadline = Number.POSITIVE_INFINITY;
		for (const item of due) {
			this.send(item, now, sink);
		}

		for (const item of this.inflight.values()) {
			this.earliestDeadline = Math.min(this.earliestDeadline, item.deadline);
		}
	}
}
