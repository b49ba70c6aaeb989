import type {DataFrame} from './frames.js';
import {MAX_SACK_RANGES, RECEIVE_WINDOW} from './limits.js';

export type Accepted = 'new' | 'duplicate' | 'out-of-window' | 'old-epoch';

/** A payload released in order: parsed JSON, or why its fragments did not make one. */
/** `seq` is the number of the payload's first item (the whole item, or fragment 0), `last` of its last. */
export type Delivered = {readonly ok: true; readonly value: unknown; readonly seq: number; readonly last: number} | {readonly ok: false; readonly detail: string};

/**
 * The receiving half of a reliable stream: drops duplicates, buffers items that arrive early (up
 * to a window), releases payloads strictly in order, joins fragments, and says what to ack.
 * A higher epoch starts the stream over (the sender resynchronised us).
 */
export class ReliableReceiver {
	epoch: number;
	private expected = 1;
	private readonly buffer = new Map<number, DataFrame>();
	/**
	 * The next item, when it came in order to an empty buffer (nearly always): held here rather
	 * than in the map, so the common case costs no map operations. Moved into the map if anything
	 * else arrives before it is drained, so the map alone answers every other question.
	 */
	private next: DataFrame | undefined;
	private fragments: string[] = [];
	private fragmentCount = 0;
	private fragmentStart = 0;
	/** Something arrived since the last ack was taken. */
	ackDue = false;
	/** Since the last ack was taken, something came that the sender must hear of (a copy of what it had, or beyond the window). */
	ackUrgent = false;

	constructor(epoch = 0) {
		this.epoch = epoch;
	}

	/** Items are held beyond a gap: the sender should hear of it at once (fast resend). */
	get hasGap(): boolean {
		return this.buffer.size > 0;
	}

	/** The highest sequence number delivered so far. */
	get delivered(): number {
		return this.expected - 1;
	}

	/** Whether `accept` would take this frame as new (nothing changes). */
	isNew(frame: DataFrame): boolean {
		if (frame.g !== this.epoch) {
			return frame.g > this.epoch;
		}

		return !(frame.n < this.expected || frame.n === this.next?.n || this.buffer.has(frame.n) || frame.n >= this.expected + RECEIVE_WINDOW);
	}

	accept(frame: DataFrame): Accepted {
		if (frame.g < this.epoch) {
			return 'old-epoch';
		}

		if (frame.g > this.epoch) {
			this.epoch = frame.g;
			this.expected = 1;
			this.buffer.clear();
			this.next = undefined;
			this.fragments = [];
			this.fragmentCount = 0;
		}

		this.ackDue = true;
		if (frame.n < this.expected || frame.n === this.next?.n || this.buffer.has(frame.n)) {
			this.ackUrgent = true;
			return 'duplicate';
		}

		if (frame.n >= this.expected + RECEIVE_WINDOW) {
			this.ackUrgent = true;
			return 'out-of-window';
		}

		if (this.next) {
			this.buffer.set(this.next.n, this.next);
			this.next = undefined;
		} else if (frame.n === this.expected && this.buffer.size === 0) {
			this.next = frame;
			return 'new';
		}

		this.buffer.set(frame.n, frame);
		return 'new';
	}

	/** Payloads now complete and in order. */
	drain(): Delivered[] {
		const out: Delivered[] = [];
		for (let frame = this.take(); frame; frame = this.take()) {
			this.expected++;
			if ('e' in frame) {
				this.dropPartial(out);
				out.push({ok: true, value: frame.e, seq: frame.n, last: frame.n});
				continue;
			}

			const [index, count] = frame.p;
			if (index !== this.fragments.length || (index > 0 && count !== this.fragmentCount)) {
				this.dropPartial(out);
				if (index !== 0) {
					out.push({ok: false, detail: `fragment ${index + 1}/${count} out of place`});
					continue;
				}
			}

			if (index === 0) {
				this.fragmentStart = frame.n;
			}

			this.fragmentCount = count;
			this.fragments.push(frame.x);
			if (this.fragments.length === count) {
				const json = this.fragments.join('');
				this.fragments = [];
				try {
					out.push({ok: true, value: JSON.parse(json) as unknown, seq: this.fragmentStart, last: frame.n});
				} catch {
					out.push({ok: false, detail: 'reassembled fragments are not JSON'});
				}
			}
		}

		return out;
	}

	/** The item numbered `expected`, if it is here, taken out. */
	private take(): DataFrame | undefined {
		const next = this.next;
		if (next) {
			this.next = undefined;
			return next;
		}

		const frame = this.buffer.size === 0 ? undefined : this.buffer.get(this.expected);
		if (frame) {
			this.buffer.delete(this.expected);
		}

		return frame;
	}

	/** The ack frame for what has arrived: cumulative, plus ranges held out of order. */
	takeAck(): string {
		this.ackDue = false;
		this.ackUrgent = false;
		if (this.next) {
			// Not yet drained: acknowledged as held, as any other item is.
			this.buffer.set(this.next.n, this.next);
			this.next = undefined;
		}

		const cumulative = this.expected - 1;
		if (this.buffer.size === 0) {
			return `{"t":"ack","g":${this.epoch},"c":${cumulative}}`;
		}

		const held = [...this.buffer.keys()].sort((a, b) => a - b);
		const ranges: Array<[number, number]> = [];
		for (const seq of held) {
			const last = ranges.at(-1);
			if (last && seq === last[1] + 1) {
				last[1] = seq;
			} else if (ranges.length < MAX_SACK_RANGES) {
				ranges.push([seq, seq]);
			} else {
				break;
			}
		}

		return `{"t":"ack","g":${this.epoch},"c":${cumulative},"s":${JSON.stringify(ranges)}}`;
	}

	private dropPartial(out: Delivered[]): void {
		if (this.fragments.length > 0) {
			out.push({ok: false, detail: `incomplete fragments (${this.fragments.length}/${this.fragmentCount})`});
			this.fragments = [];
		}
	}
}
