import type {Frame} from '../frames.js';
import {decodeMemberRequest} from '../items.js';
import type {HubMember, HubRoom} from '../room/hub-room.js';

/**
 * One frame from a live session, by the hub's rules: stream data is acknowledged and its requests
 * handed to the room in order (each message's rate is charged as its first item arrives, since
 * arrivals follow the sender's timing and in-order delivery does not); acks move the hub's stream
 * to the member; a ping is answered in the next flush.
 */
export function memberFrame(room: HubRoom, member: HubMember, frame: Frame, now: number, drop: (reason: string) => void): void {
	switch (frame.t) {
		case 'd': {
			if (member.receiver.accept(frame) !== 'new') {
				return;
			}

			if (('e' in frame || frame.p[0] === 0) && !room.charge(member)) {
				member.overLimitItems.add(frame.n);
			}

			for (const delivered of member.receiver.drain()) {
				const request = delivered.ok ? decodeMemberRequest(delivered.value) : delivered;
				const over = delivered.ok && member.overLimitItems.delete(delivered.seq);
				if (!request.ok) {
					drop('bad-payload');
				} else if (member.departedAt === undefined) {
					room.request(member, request.value, over);
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

		default: {
			drop('unexpected-frame');
		}
	}
}
