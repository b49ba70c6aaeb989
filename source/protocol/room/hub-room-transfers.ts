import {transferIdentity} from '../secure/handshake.js';
import type {HubRoom} from './hub-room.js';

/**
 * The live member holding this token, if the TCP connection comes from the address (normalised)
 * it joined from: the transfer server authenticates uploads and downloads with this.
 */
export function transferMember(room: HubRoom, token: string, address: string): {name: string} | undefined {
	const member = room.members.get(token);
	return member && member.departedAt === undefined && member.peer.address === address ? {name: member.name} : undefined;
}

/** The TLS pre-shared key of the live session whose transfers go by this PSK identity (a private room's). */
export function transferPsk(room: HubRoom, identity: string): Buffer | undefined {
	for (const member of room.live()) {
		if (member.transferPsk && transferIdentity(member.transferPsk) === identity) {
			return Buffer.from(member.transferPsk);
		}
	}

	return undefined;
}
