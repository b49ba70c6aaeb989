import type {JoinOutcome, RoomAnswer} from '../protocol/connection/outcomes.js';
import {deriveRoomKey, RoomCipher} from '../protocol/crypto.js';

/**
 * The room key's cipher for `secret`, from the hub's answer to a query (its salt), or why there
 * is none: the query failed, or the room has no secret (joining it with one would be a mistake).
 */
export async function roomCipherFor(address: string, room: JoinOutcome | RoomAnswer, secret: string): Promise<RoomCipher | JoinOutcome> {
	if ('ok' in room) {
		return room;
	}

	if (!room.secret || !room.salt) {
		return {
			ok: false,
			code: 'no-secret',
			reason: `the room at ${address} has no secret, but you gave one: it is open, and anyone on the network can read it. Join without a secret if that is fine.`,
		};
	}

	return new RoomCipher(await deriveRoomKey(secret, Buffer.from(room.salt, 'base64')));
}
