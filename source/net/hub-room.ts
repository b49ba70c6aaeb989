import {randomBytes} from 'node:crypto';
import {HISTORY_EVENTS, MAX_BACKLOG_ITEMS, MAX_TEXT_BYTES} from '../protocol/limits.js';
import type {MemberRequest, RoomEvent} from '../protocol/items.js';
import {checkName, nameKey} from '../protocol/names.js';
import {ReliableReceiver} from '../protocol/reliable-receiver.js';
import {ReliableSender} from '../protocol/reliable-sender.js';
import {cleanText, utf8Bytes} from '../protocol/sanitize.js';
import type {SessionCipher} from '../protocol/crypto.js';
import {TokenBucket} from '../protocol/token-bucket.js';

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
	/** Limits its messages, when the room has a rate limit. */
	readonly bucket?: TokenBucket;
	/** Messages dropped over the rate limit since the member was last told. */
	overLimit: number;
	lastLimitNotice: number;
	/** Seals and opens the member's datagrams, in a room with a secret. */
	cipher?: SessionCipher;
	/** A ping to answer in the next flush. */
	pong?: number;
};

export type RateLimit = {readonly perSecond: number; readonly burst: number};

export type HubRoomOptions = {
	readonly now: () => number;
	/** Every stamped room event (the headless host logs these). */
	readonly onEvent: (event: RoomEvent) => void;
	/** A member has something to send. */
	readonly onDirty: (member: HubMember) => void;
	/** The host removed a member (kick or ban). */
	readonly onRemoved?: (member: HubMember, reason: string, ban: boolean) => void;
	readonly transferPort?: number;
	/** Messages per member; none when absent. */
	readonly rate?: RateLimit;
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

	private readonly now: () => number;

	constructor(private readonly options: HubRoomOptions) {
		this.now = options.now;
	}

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
		const {rate} = this.options;
		const member: HubMember = {
			...fields,
			name,
			token: randomBytes(8).toString('hex'),
			sender: new ReliableSender(0),
			receiver: new ReliableReceiver(0),
			lastHeard: this.now(),
			bucket: rate ? new TokenBucket(rate.perSecond, rate.burst, this.now()) : undefined,
			overLimit: 0,
			lastLimitNotice: 0,
		};
		this.names.set(nameKey(name), member);
		this.stamp({k: 'join', name, ...(fields.isHost ? {host: true} : {})});
		this.members.set(member.token, member);
		this.sendWelcome(member, false);
		return member;
	}

	/** Handles one in-order request from a member. */
	request(member: HubMember, request: MemberRequest): void {
		if ((request.k === 'say' || request.k === 'me' || request.k === 'dm') && !this.withinRate(member)) {
			return;
		}

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

			case 'kick':
			case 'ban': {
				this.moderate(member, request.name, request.k === 'ban');
				break;
			}
		}
	}

	private moderate(member: HubMember, name: string, ban: boolean): void {
		const verb = ban ? 'ban' : 'kick';
		const target = this.names.get(nameKey(name));
		if (!member.isHost) {
			this.notice(member, 'error', `only the host can ${verb} members`, 'not-host');
		} else if (!target) {
			this.notice(member, 'error', `nobody named "${cleanText(name)}" is in the room`, 'no-such-member');
		} else if (target === member) {
			this.notice(member, 'error', `you cannot ${verb} yourself; /quit closes the room`, 'self');
		} else {
			const reason = ban ? `banned by ${member.name}` : `kicked by ${member.name}`;
			this.remove(target, reason);
			this.options.onRemoved?.(target, reason, ban);
		}
	}

	/** Takes a token from the member's bucket; past the limit, drops and tells it (once a second). */
	private withinRate(member: HubMember): boolean {
		const now = this.now();
		if (!member.bucket || member.bucket.take(now)) {
			return true;
		}

		member.overLimit++;
		if (now - member.lastLimitNotice >= 1000) {
			const {rate} = this.options;
			this.notice(
				member,
				'error',
				`slow down: the room takes ${rate?.perSecond ?? 0} messages a second (bursts of ${rate?.burst ?? 0}); ${member.overLimit} dropped`,
				'rate-limited',
			);
			member.overLimit = 0;
			member.lastLimitNotice = now;
		}

		return false;
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

		this.options.onEvent(full);
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

		this.options.onDirty(member);
	}

	private sendWelcome(member: HubMember, resync: boolean): void {
		const members = this.live().map(m => ({name: m.name, ...(m.isHost ? {host: true} : {})}));
		const {transferPort, rate} = this.options;
		const extra = [
			resync ? ',"resync":true' : '',
			transferPort === undefined ? '' : `,"transferPort":${transferPort}`,
			rate ? `,"rate":${JSON.stringify(rate)}` : '',
		].join('');
		member.sender.enqueue(
			`{"k":"welcome","you":${JSON.stringify(member.name)},"members":${JSON.stringify(members)},"history":[${this.history.join(',')}]${extra}}`,
		);
		this.options.onDirty(member);
	}
}
