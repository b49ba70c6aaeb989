import {randomBytes} from 'node:crypto';
import {HISTORY_EVENTS, MAX_BACKLOG_ITEMS, MAX_TEXT_BYTES} from '../protocol/limits.js';
import type {MemberRequest, RoomEvent} from '../protocol/items.js';
import {checkName, nameKey} from '../protocol/names.js';
import {ReliableReceiver} from '../protocol/reliable-receiver.js';
import {ReliableSender} from '../protocol/reliable-sender.js';
import {cleanText, utf8Bytes} from '../protocol/sanitize.js';

/** One member as the hub knows it. */
export type HubMember = {
	readonly token: string;
	name: string;
	readonly isHost: boolean;
	/** Normalised "address|port": with the token, what identifies the member's datagrams. */
	readonly peer: string;
	/** The address as the socket reported it, to send to. */
	readonly sendAddress: string;
	readonly sendPort: number;
	readonly cid: string;
	sender: ReliableSender;
	readonly receiver: ReliableReceiver;
	lastHeard: number;
	/** Set once the member left; kept a short while to acknowledge its retransmitted leave. */
	departedAt?: number;
};

export type StampedEvent = RoomEvent extends infer E ? (E extends RoomEvent ? Omit<E, 'seq' | 'time'> : never) : never;

/**
 * The room's state at the hub, without sockets: members and their unique names, the one
 * numbered history, and what each member should be sent. The hub feeds it and flushes it.
 */
export class HubRoom {
	readonly members = new Map<string, HubMember>();
	private readonly names = new Map<string, HubMember>();
	private readonly history: string[] = [];
	private seq = 0;

	constructor(
		private readonly now: () => number,
		private readonly onEvent: (event: RoomEvent) => void,
		private readonly onDirty: (member: HubMember) => void,
		private readonly transferPort?: number,
	) {}

	get lastSeq(): number {
		return this.seq;
	}

	/** Live members, in join order. */
	live(): HubMember[] {
		return [...this.names.values()];
	}

	findByPeer(peer: string): HubMember | undefined {
		return this.live().find(member => member.peer === peer);
	}

	/** Checks a requested name; undefined when free. `self` may keep (a re-cased) own name. */
	nameProblem(requested: string, self?: HubMember): {code: 'name-invalid' | 'name-taken'; reason: string} | undefined {
		const check = checkName(requested);
		if (!check.ok) {
			return {code: 'name-invalid', reason: check.reason};
		}

		const holder = this.names.get(nameKey(check.name));
		if (holder && holder !== self) {
			return {code: 'name-taken', reason: `the name "${holder.name}" is taken in this room; pick another`};
		}

		return undefined;
	}

	/** Admits a member whose name was checked: welcome first, then its own join for everyone. */
	admit(fields: {name: string; isHost: boolean; peer: string; sendAddress: string; sendPort: number; cid: string}): HubMember {
		const name = fields.name.normalize('NFC');
		const member: HubMember = {
			...fields,
			name,
			token: randomBytes(8).toString('hex'),
			sender: new ReliableSender(0),
			receiver: new ReliableReceiver(0),
			lastHeard: this.now(),
		};
		this.names.set(nameKey(name), member);
		this.stamp({k: 'join', name, ...(fields.isHost ? {host: true} : {})});
		this.members.set(member.token, member);
		this.sendWelcome(member, false);
		return member;
	}

	/** Handles one in-order request from a member. */
	request(member: HubMember, request: MemberRequest): void {
		switch (request.k) {
			case 'say':
			case 'me': {
				const text = this.checkText(member, request.text);
				if (text !== undefined) {
					this.stamp({k: 'msg', from: member.name, text, ...(request.k === 'me' ? {me: true} : {})});
				}

				break;
			}

			case 'dm': {
				const target = this.names.get(nameKey(request.to));
				const text = this.checkText(member, request.text);
				if (!target) {
					this.notice(member, 'error', `nobody named "${cleanText(request.to)}" is in the room`, 'no-such-member');
				} else if (text !== undefined) {
					this.stampDirect(member, target, text);
				}

				break;
			}

			case 'nick': {
				const problem = this.nameProblem(request.name, member);
				if (problem) {
					this.notice(member, 'error', `cannot rename: ${problem.reason}`, problem.code);
					break;
				}

				const to = request.name.normalize('NFC');
				if (to === member.name) {
					break;
				}

				const from = member.name;
				this.names.delete(nameKey(from));
				member.name = to;
				this.names.set(nameKey(to), member);
				this.stamp({k: 'nick', from, to});
				break;
			}

			case 'leave': {
				this.remove(member, 'quit');
				break;
			}
		}
	}

	/** Takes a member out of the room and tells everyone why. */
	remove(member: HubMember, reason: string): void {
		if (member.departedAt !== undefined) {
			return;
		}

		member.departedAt = this.now();
		this.names.delete(nameKey(member.name));
		member.sender = new ReliableSender(member.sender.epoch + 1);
		this.stamp({k: 'leave', name: member.name, reason});
	}

	/** Forgets departed members after the linger period. */
	forget(member: HubMember): void {
		this.members.delete(member.token);
	}

	/** Puts a notice in one member's stream. */
	notice(member: HubMember, level: 'info' | 'error', text: string, code?: string): void {
		this.enqueue(member, JSON.stringify({k: 'notice', level, text, ...(code ? {code} : {})}));
	}

	/** Stamps a room event with the next sequence number and sends it to every live member. */
	stamp(event: StampedEvent): RoomEvent {
		const full = {...event, seq: ++this.seq, time: this.now()} as RoomEvent;
		const json = JSON.stringify(full);
		this.history.push(json);
		if (this.history.length > HISTORY_EVENTS) {
			this.history.shift();
		}

		for (const member of this.members.values()) {
			if (member.departedAt === undefined) {
				this.enqueue(member, json);
			}
		}

		this.onEvent(full);
		return full;
	}

	private stampDirect(from: HubMember, to: HubMember, text: string): void {
		const event: RoomEvent = {k: 'dm', seq: ++this.seq, time: this.now(), from: from.name, to: to.name, text};
		const json = JSON.stringify(event);
		this.enqueue(from, json);
		if (to !== from) {
			this.enqueue(to, json);
		}
	}

	private checkText(member: HubMember, raw: string): string | undefined {
		const bytes = utf8Bytes(raw);
		if (bytes > MAX_TEXT_BYTES) {
			this.notice(member, 'error', `message not sent: ${bytes} bytes, the limit is ${MAX_TEXT_BYTES}`, 'too-long');
			return undefined;
		}

		const text = cleanText(raw);
		return text.trim() === '' ? undefined : text;
	}

	private enqueue(member: HubMember, json: string): void {
		member.sender.enqueue(json);
		if (member.sender.backlog > MAX_BACKLOG_ITEMS) {
			member.sender = new ReliableSender(member.sender.epoch + 1);
			this.sendWelcome(member, true);
		}

		this.onDirty(member);
	}

	private sendWelcome(member: HubMember, resync: boolean): void {
		const members = this.live().map(m => ({name: m.name, ...(m.isHost ? {host: true} : {})}));
		const port = this.transferPort === undefined ? '' : `,"transferPort":${this.transferPort}`;
		const flag = resync ? ',"resync":true' : '';
		member.sender.enqueue(
			`{"k":"welcome","you":${JSON.stringify(member.name)},"members":${JSON.stringify(members)},"history":[${this.history.join(',')}]${flag}${port}}`,
		);
		this.onDirty(member);
	}
}
