import type {Frame} from '../frames.js';
import {decodeHubItem, type MemberRequest, type RoomEvent, type StreamItem} from '../items.js';
import {MAX_ACK_DELAY_MS} from '../limits.js';
import {ReliableReceiver} from '../reliable-receiver.js';
import {ReliableSender} from '../reliable-sender.js';
import {PaceQueue} from './pace-queue.js';

/**
 * A member's two reliable streams within one session, with no I/O: its requests to the hub (paced
 * at the room's rate, each message with an id so a resend is stamped once) and the hub's items to
 * it (in order, acknowledged within MAX_ACK_DELAY_MS). `restart` begins the next session's streams,
 * carrying over what the hub never delivered.
 */
export class MemberStream {
	private sender = new ReliableSender(0);
	private receiver = new ReliableReceiver(0);
	private readonly pacer = new PaceQueue();
	private ackAt: number | undefined;
	/**
	 * Our messages in the stream by id, with the number of each one's last item: the room stream
	 * carrying one back, stamped, acknowledges the stream up to it (`echoed`). Oldest first; an
	 * entry goes once the stream's ack passes it.
	 */
	private readonly echoes = new Map<string, number>();
	private idPool: Uint8Array = new Uint8Array(0);
	private idOffset = 0;
	/** Something waits for the next flush. */
	dirty = false;
	/** The session's welcome set the pace (see `release`). */
	private paced = false;
	/** The highest room event number received in order: where a rejoin catches up from. */
	lastSeq = 0;

	constructor(private readonly random: (bytes: number) => Uint8Array) {}

	get srtt(): number | undefined {
		return this.sender.rtt.srtt;
	}

	/** Items of this session's stream sent again. */
	get resends(): number {
		return this.sender.resends;
	}

	/** Requests not yet acknowledged (or still waiting for their pace). */
	get unacknowledged(): number {
		return this.sender.backlog + this.pacer.length;
	}

	/** Queues a request: messages wait for their pace (`release`), others go into the stream at once. */
	queue(request: MemberRequest, now: number, open: boolean): void {
		const message = request.k === 'say' || request.k === 'me' || request.k === 'dm';
		// Reactions and presence count against the room's rate like messages (the hub limits them alike).
		const limited = message || request.k === 'react' || request.k === 'presence';
		// An id lets the hub stamp a message once even if a rejoin makes us send it again.
		const json = JSON.stringify(message && request.id === undefined ? {...request, id: this.messageId()} : request);
		if (limited) {
			this.pacer.push(json);
			this.release(now, open);
			return;
		}

		this.sender.enqueue(json);
		this.dirty = true;
	}

	/**
	 * Moves paced messages into the stream while the session is `open` and its welcome set the
	 * pace: between a rejoin's accept and its welcome the hub's new limit is not known yet, and a
	 * burst released on the old pace could exceed it (the hub drops what is over).
	 */
	release(now: number, open: boolean): void {
		if (!open || !this.paced) {
			return;
		}

		for (const json of this.pacer.release(now)) {
			const last = this.sender.enqueue(json);
			const id = echoId(json);
			if (id !== undefined) this.echoes.set(id, last);
			this.dirty = true;
		}
	}

	/** The room's limit, from the welcome: the pace follows it. */
	setRate(rate: {perSecond: number; burst: number} | undefined, now: number): void {
		this.pacer.setRate(rate, now);
		this.paced = true;
	}

	/** The earliest of its timers (delayed ack, resend, pace), while the session is `open`. */
	nextDeadline(now: number, open: boolean): number | undefined {
		if (!open) {
			return undefined;
		}

		let next: number | undefined;
		for (const at of [this.ackAt, this.sender.nextDeadline(), this.paced ? this.pacer.nextAt(now) : undefined]) {
			if (at !== undefined && (next === undefined || at < next)) {
				next = at;
			}
		}

		return next;
	}

	handleTimeout(now: number, open: boolean): void {
		if (this.ackAt !== undefined && now >= this.ackAt) {
			this.ackAt = undefined;
			this.dirty = true;
		}

		const deadline = open ? this.sender.nextDeadline() : undefined;
		if (deadline !== undefined && now >= deadline) {
			this.dirty = true;
		}

		this.release(now, open);
	}

	/** A data frame of the hub's stream: the items it completes, in order, decoded. */
	receive(frame: Extract<Frame, {t: 'd'}>): StreamItem[] {
		const items: StreamItem[] = [];
		if (this.receiver.accept(frame) !== 'new') {
			return items;
		}

		for (const delivered of this.receiver.drain()) {
			const item = delivered.ok ? decodeHubItem(delivered.value) : delivered;
			if (item.ok) {
				// Where a rejoin catches up from moves on when the item reaches the session (`saw`), not
				// here: an item held back behind the room stream (a switch to unicast) and dropped by a
				// rejoin's fresh welcome would otherwise be skipped by that rejoin's `since`.
				items.push(item.value);
			}
		}

		return items;
	}

	/** A room event handed to the session (by either stream, or in a welcome's history): where a rejoin catches up from moves on. */
	saw(event: RoomEvent): void {
		this.lastSeq = Math.max(this.lastSeq, event.seq);
	}

	/** An ack from the hub; true when it leaves nothing unacknowledged. */
	acknowledged(frame: Extract<Frame, {t: 'ack'}>, now: number): boolean {
		if (frame.g !== this.sender.epoch) {
			return false;
		}

		this.sender.onAck(frame.c, frame.s, now);
		this.forgetEchoes();
		return this.unacknowledged === 0;
	}

	/**
	 * The room stream brought back a message stamped with this id: if it is one of ours, the hub
	 * took every request up to it (it takes them in order), so the stream is acknowledged that far
	 * (docs/protocol.md, "Acknowledgement timing"). True when that leaves nothing unacknowledged.
	 */
	echoed(id: string, now: number): boolean {
		const last = this.echoes.get(id);
		if (last === undefined) {
			return false;
		}

		this.sender.onAck(last, undefined, now);
		this.forgetEchoes();
		return this.unacknowledged === 0;
	}

	/** Drops the ids the stream's ack has passed (they are in order of their items). */
	private forgetEchoes(): void {
		const to = this.sender.acknowledgedTo;
		for (const [id, last] of this.echoes) {
			if (last > to) break;
			this.echoes.delete(id);
		}
	}

	/** After a datagram from the hub: ack at once when something is missing or waiting, else soon. */
	ackSoon(now: number): void {
		if (this.receiver.hasGap || this.sender.backlog > this.sender.inFlight) {
			this.ackAt = undefined;
			this.dirty = true;
		} else if (this.receiver.ackDue) {
			this.ackAt ??= now + MAX_ACK_DELAY_MS;
		}
	}

	/** The frames to send now: an ack if one is due, then resends and new items. */
	frames(now: number): string[] {
		const frames: string[] = [];
		if (this.receiver.ackDue) {
			frames.push(this.receiver.takeAck());
		}

		frames.push(...this.sender.poll(now));
		return frames;
	}

	/**
	 * The next session's streams: what the hub never delivered goes back in front of the paced
	 * queue, so nothing of the old stream goes out under a new token with old numbers.
	 */
	restart(): void {
		this.pacer.requeue(this.sender.pendingPayloads());
		this.sender = new ReliableSender(0);
		this.receiver = new ReliableReceiver(0);
		this.echoes.clear();
		this.ackAt = undefined;
		this.paced = false;
	}

	/** The clock went back (see ReliableSender.rebase). */
	rebase(now: number): void {
		this.sender.rebase(now);
		this.ackAt = this.ackAt === undefined ? undefined : Math.min(this.ackAt, now);
	}

	/** A message id: 8 random bytes (ids are seen by every member, so they must not be guessable). */
	private messageId(): string {
		if (this.idOffset + 8 > this.idPool.length) {
			this.idPool = this.random(8 * 512);
			this.idOffset = 0;
		}

		this.idOffset += 8;
		return Buffer.from(this.idPool.buffer, this.idPool.byteOffset + this.idOffset - 8, 8).toString('base64url');
	}
}

/** The id of a message request (`say`, `me`) the room stream carries back stamped; undefined for anything else. */
function echoId(json: string): string | undefined {
	try {
		const request = JSON.parse(json) as {k?: unknown; id?: unknown};
		return (request.k === 'say' || request.k === 'me') && typeof request.id === 'string' ? request.id : undefined;
	} catch {
		return undefined;
	}
}
