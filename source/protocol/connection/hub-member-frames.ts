import type {Frame} from '../frames.js';
import {decodeMemberRequest} from '../items.js';
import type {HubMember, HubRoom} from '../room/hub-room.js';

/**
 * One frame from a live session, by the hub's rules: stream data is acknowledged and its requests
 * handed to the room in order (each message's rate is charged as its first item arrives, since
 * arrivals follow the sender's timing and in-order delivery does not); acks move the hub's stream
 * to the member; a ping is answered in the next flush.
 */
/** A whole item that is a message (`say`, `me`, `dm`): only messages are limited. */
function isMessage(item: unknown): boolean {
	const kind = (item as {k?: unknown} | null)?.k;
	// Reactions and presence are stamped and kept like messages: they are limited like them.
	return kind === 'say' || kind === 'me' || kind === 'dm' || kind === 'react' || kind === 'presence';
}

export function memberFrame(room: HubRoom, member: HubMember, frame: Frame, now: number, drop: (reason: string) => void): void {
	switch (frame.t) {
		case 'd': {
			// A message over the room's rate is not taken at all (not acknowledged): the member sends it
			// again later. So a paced member's lines, bunched by loss or an outage, wait instead of
			// being dropped, and a flood gets into the room no faster than the rate.
			const limited = 'e' in frame ? isMessage(frame.e) : frame.p[0] === 0;
			if (limited && member.receiver.isNew(frame) && !room.charge(member)) {
				drop('held-back');
				room.heldBack(member);
				return;
			}

			if (member.receiver.accept(frame) !== 'new') {
				return;
			}

			for (const delivered of member.receiver.drain()) {
				const request = delivered.ok ? decodeMemberRequest(delivered.value) : delivered;
				if (!request.ok) {
					drop('bad-payload');
				} else if (member.departedAt === undefined) {
					const before = room.lastSeq;
					room.request(member, request.value);
					// Its message, stamped with its id, goes back to it by the room stream: its ack.
					if (delivered.ok && member.echoAcks && member.viaGroup && room.lastSeq > before && (request.value.k === 'say' || request.value.k === 'me') && request.value.id !== undefined) {
						member.echoedTo = delivered.last;
					}
				}
			}

			return;
		}

		case 'ack': {
			if (frame.g === member.sender.epoch) {
				member.sender.onAck(frame.c, frame.s, now);
			}

			return;
		}

		case 'ping': {
			member.pong = frame.ts;
			return;
		}

		case 'ty': {
			room.typing(member, frame.a);
			return;
		}

		// The answer to a path probe (connection/path-mtu.ts): that size gets through.
		case 'pong': {
			if (member.path) {
				member.path.answer(frame.ts, now);
			} else {
				drop('unexpected-frame');
			}

			return;
		}

		default: {
			drop('unexpected-frame');
		}
	}
}
