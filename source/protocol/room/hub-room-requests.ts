import type {MemberRequest, RoomEvent} from '../items.js';
import {cleanText} from '../sanitize.js';
import type {RoomLog} from './hub-room-log.js';
import type {HubMember, RateLimit} from './hub-room-member.js';
import type {MemberTable} from './hub-room-members.js';
import {checkText} from './hub-room-rules.js';
import type {RoomReactions} from './hub-room-reactions.js';

/** A member's "typing" passed on at most this often (members send it every 3 s while they type). */
export const TYPING_RELAY_MS = 2500;

/** A room event before the room numbers and dates it. */
export type StampedEvent = RoomEvent extends infer E ? (E extends RoomEvent ? Omit<E, 'seq' | 'time'> : never) : never;

/** What the room's rules act on: its members, its history, and what it can send. */
export type RoomScope = {
	readonly table: MemberTable;
	readonly log: RoomLog;
	readonly rate: RateLimit | undefined;
	now(): number;
	notice(member: HubMember, level: 'info' | 'error', text: string, code?: string): void;
	stamp(event: StampedEvent): RoomEvent;
	/** The recent messages' reactions, and which numbers are room messages. */
	readonly reactions: RoomReactions;
	/** Puts an item (not a room event: never numbered nor stored) in every other live member's stream. */
	relay(from: HubMember, json: string): void;
	/** Stamps a direct message, sent to its two members only. */
	stampDirect(from: HubMember, to: HubMember, text: string, id: string | undefined): void;
	remove(member: HubMember, reason: string): void;
	/** The host removed a member (kick or ban). */
	onRemoved?(member: HubMember, reason: string, ban: boolean): void;
};

/**
 * The room's rules for one in-order request from a member: a message is stamped once (by its
 * id) and only within the text limit (the rate limit holds messages back before they are taken:
 * `charge`, `heldBack`); a direct message goes to a live member; a new
 * name must be valid and free; only the host kicks and bans, and not itself.
 */
export function handleRequest(room: RoomScope, member: HubMember, request: MemberRequest): void {
	if (request.k === 'say' || request.k === 'me' || request.k === 'dm') {
		// A message resent after a reconnect was stamped already: acknowledge, do not repeat. Ids are
		// the sender's: another member's message under the same id is its own message.
		if (request.id !== undefined && room.log.stamped(member.name, request.id)) {
			return;
		}
	}

	switch (request.k) {
		case 'say':
		case 'me': {
			const text = messageText(room, member, request.text);
			if (text !== undefined) {
				// A reply to a number the room no longer knows (or never had) still goes, as a plain message.
				const re = request.re !== undefined && room.reactions.has(request.re) ? request.re : undefined;
				if (request.re !== undefined && re === undefined) {
					room.notice(member, 'info', `#${request.re} is no room message the room still keeps: sent without the quote`, 'no-such-message');
				}

				member.typingActive = false;
				room.stamp({k: 'msg', from: member.name, text, ...(request.k === 'me' ? {me: true} : {}), ...(request.id ? {mid: request.id} : {}), ...(re === undefined ? {} : {re})});
			}

			break;
		}

		case 'dm': {
			const target = room.table.named(request.to);
			const text = messageText(room, member, request.text);
			if (!target) {
				room.notice(member, 'error', `nobody named "${cleanText(request.to)}" is in the room`, 'no-such-member');
			} else if (text !== undefined) {
				room.stampDirect(member, target, text, request.id);
			}

			break;
		}

		case 'nick': {
			rename(room, member, request.name);
			break;
		}

		case 'leave': {
			room.remove(member, 'quit');
			break;
		}

		case 'kick':
		case 'ban': {
			moderate(room, member, request.name, request.k === 'ban');
			break;
		}

		case 'react': {
			const emoji = request.emoji.normalize('NFC');
			const toggled = room.reactions.toggle(request.target, emoji, member.name);
			if ('problem' in toggled) {
				room.notice(member, 'error', `cannot react: ${toggled.problem}`, toggled.code);
			} else {
				room.stamp({k: 'react', from: member.name, target: request.target, emoji, removed: toggled.removed});
			}

			break;
		}

		case 'presence': {
			const reason = request.state === 'away' && request.reason !== undefined ? cleanText(request.reason).trim().slice(0, 200) || undefined : undefined;
			const now = request.state === 'here' ? undefined : {state: request.state, ...(reason ? {reason} : {})};
			if (now?.state !== member.presence?.state || now?.reason !== member.presence?.reason) {
				member.presence = now;
				room.stamp({k: 'presence', name: member.name, state: request.state, ...(reason ? {reason} : {})});
			}

			break;
		}
	}
}

function rename(room: RoomScope, member: HubMember, requested: string): void {
	const problem = room.table.nameProblem(requested, member);
	if (problem) {
		room.notice(member, 'error', `cannot rename: ${problem.reason}`, problem.code);
		return;
	}

	const to = requested.normalize('NFC');
	if (to !== member.name) {
		const from = member.name;
		room.table.rename(member, to);
		room.stamp({k: 'nick', from, to});
	}
}

function moderate(room: RoomScope, member: HubMember, name: string, ban: boolean): void {
	const verb = ban ? 'ban' : 'kick';
	const target = room.table.named(name);
	if (!member.isHost) {
		room.notice(member, 'error', `only the host can ${verb} members`, 'not-host');
	} else if (!target) {
		room.notice(member, 'error', `nobody named "${cleanText(name)}" is in the room`, 'no-such-member');
	} else if (target === member) {
		room.notice(member, 'error', `you cannot ${verb} yourself; /quit closes the room`, 'self');
	} else {
		const reason = ban ? `banned by ${member.name}` : `kicked by ${member.name}`;
		room.remove(target, reason);
		room.onRemoved?.(target, reason, ban);
	}
}

/** A message's text as stamped, or undefined (the member told when it is too long). */
function messageText(room: RoomScope, member: HubMember, raw: string): string | undefined {
	const check = checkText(raw);
	if (check && 'problem' in check) {
		room.notice(member, 'error', check.problem, 'too-long');
		return undefined;
	}

	return check?.text;
}

/**
 * A member's "typing" (a `ty` frame in its session, not an item of its stream: it is never stored,
 * and a lost one is not sent again). Active is passed on to the others at most every
 * TYPING_RELAY_MS; stopped only after an active.
 */
export function relayTyping(room: RoomScope, member: HubMember, active: boolean): void {
	if (member.departedAt !== undefined) return;
	const now = room.now();
	const due = active ? !member.typingActive || member.typingAt === undefined || now - member.typingAt >= TYPING_RELAY_MS : member.typingActive === true;
	if (due) {
		member.typingAt = now;
		member.typingActive = active;
		room.relay(member, JSON.stringify({k: 'typing', from: member.name, active}));
	}
}
