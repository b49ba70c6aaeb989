import {SEAL_OVERHEAD, type SessionCipher} from '../crypto.js';
import {DatagramWriter} from '../datagram-writer.js';
import {encodeEnvelope, encodeHeader, encodeSealedEnvelope, FLAG_ENCRYPTED, HEADER_BYTES, NO_TOKEN} from '../envelope.js';
import type {Frame} from '../frames.js';
import {PROTOCOL_VERSION, SAFE_PAYLOAD_BYTES} from '../limits.js';
import type {HubMember} from '../room/hub-room.js';

/** A datagram in the clear, before any key is shared (the room's answer, a refusal, a signed gone). */
export function handshakeDatagram(token: string, frames: readonly Frame[]): Uint8Array {
	return encodeEnvelope(PROTOCOL_VERSION, token, JSON.stringify(frames));
}

/** A datagram of a join whose keys are agreed but that has no session yet (a refusal after the hello). */
export function sealedHandshakeDatagram(cipher: SessionCipher, frames: readonly Frame[]): Uint8Array {
	return encodeSealedEnvelope(PROTOCOL_VERSION, NO_TOKEN, JSON.stringify(frames), (header, plaintext) => cipher.seal(header, plaintext));
}

/** A datagram in the member's session, sealed with its session key. */
export function sessionDatagram(member: Pick<HubMember, 'token' | 'cipher'>, body: string): Uint8Array {
	const cipher = member.cipher;
	return cipher
		? encodeSealedEnvelope(PROTOCOL_VERSION, member.token, body, (header, plaintext) => cipher.seal(header, plaintext))
		: encodeEnvelope(PROTOCOL_VERSION, member.token, body);
}

/**
 * A path probe (connection/path-mtu.ts): a ping in the member's session, numbered `id`, padded
 * with spaces (which JSON ignores) so that the whole datagram is exactly `size` bytes.
 */
export function probeDatagram(member: Pick<HubMember, 'token' | 'cipher'>, id: number, size: number): Uint8Array {
	const body = JSON.stringify([{t: 'ping', ts: id}]);
	return sessionDatagram(member, body.padEnd(size - HEADER_BYTES - (member.cipher ? SEAL_OVERHEAD : 0), ' '));
}

/**
 * Whether the ack due to the member would tell it only what its own messages, come back by the
 * room stream, tell it (docs/protocol.md, "Acknowledgement timing"): everything since its last ack
 * was a message the group carries back to it, with no gap and no copy it should stop resending.
 * That ack is left out, unless the room stream is `flowing` no more: datagrams wait for its window,
 * and their echoes with them, longer than the member waits before it sends again.
 */
export function echoCovers(member: HubMember, flowing = true): boolean {
	const receiver = member.receiver;
	return flowing && member.echoAcks && member.viaGroup === true && !receiver.ackUrgent && !receiver.hasGap && receiver.delivered <= member.echoedTo;
}

/** The ack frame the member is owed now, if any: none when nothing came, or when its echoes say it all (`echoCovers`). */
export function owedAck(member: HubMember, flowing: boolean): string | undefined {
	if (!member.receiver.ackDue) {
		return undefined;
	}

	if (echoCovers(member, flowing)) {
		member.receiver.ackDue = false;
		return undefined;
	}

	return member.receiver.takeAck();
}

/**
 * Everything the member is owed now, as datagrams handed to `emit`: its ack (in a durable room,
 * only the one taken before the last commit), a pong, then resends and new items of its stream.
 * Datagrams are written straight into bytes (the fan-out's hot path: no string per delivery).
 */
export function flushMember(member: HubMember, now: number, durable: boolean, flowing: boolean, emit: (datagram: Uint8Array) => void): void {
	const cipher = member.cipher;
	const header = encodeHeader(PROTOCOL_VERSION, member.token, cipher ? FLAG_ENCRYPTED : 0);
	const path = member.departedAt === undefined ? member.path : undefined;
	const probe = path?.poll(now, member.sender.rtt.backoff);
	if (probe) {
		emit(probeDatagram(member, probe.id, probe.size));
	}

	const room = (path?.size ?? SAFE_PAYLOAD_BYTES) - HEADER_BYTES - (cipher ? SEAL_OVERHEAD : 0);
	const writer = new DatagramWriter(header, room, datagram => {
		emit(cipher ? Buffer.concat([header, cipher.seal(header, datagram.subarray(HEADER_BYTES))]) : datagram);
	});

	// Control frames are ASCII: their bytes are their length.
	if (durable) {
		if (member.heldAck !== undefined) {
			writer.frame(member.heldAck, member.heldAck.length);
			member.heldAck = undefined;
		}
	} else {
		const ack = owedAck(member, flowing);
		if (ack !== undefined) {
			writer.frame(ack, ack.length);
		}
	}

	if (member.pong !== undefined) {
		const pong = `{"t":"pong","ts":${member.pong}}`;
		writer.frame(pong, pong.length);
		member.pong = undefined;
	}

	if (member.departedAt === undefined) {
		member.sender.pollWith(now, writer);
	}

	writer.end();
}
