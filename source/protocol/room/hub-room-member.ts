import type {Peer} from '../peer.js';
import type {SessionCipher} from '../crypto.js';
import {SEND_WINDOW} from '../limits.js';
import {ReliableReceiver} from '../reliable-receiver.js';
import {ReliableSender} from '../reliable-sender.js';
import {TokenBucket} from '../token-bucket.js';
import type {PathMtu} from '../connection/path-mtu.js';

/** One member as the hub knows it. */
export type HubMember = {
	readonly token: string;
	name: string;
	readonly isHost: boolean;
	/** Normalised "address|port": with the token, what identifies the member's datagrams. */
	readonly peer: Peer;
	/** The address as the socket reported it, to send to. */
	readonly sendAddress: string;
	readonly sendPort: number;
	readonly cid: string;
	sender: ReliableSender;
	readonly receiver: ReliableReceiver;
	lastHeard: number;
	/** Set once the member left; kept a short while to acknowledge its retransmitted leave. */
	departedAt?: number;
	/**
	 * How it left: by its own leave (its datagrams are still acknowledged, so the leave completes),
	 * or taken out, timed out or removed by the host (its datagrams get a gone instead: nothing it
	 * sends is acknowledged and then dropped).
	 */
	departure?: 'quit' | 'timed-out' | 'removed';
	/** Limits its messages, when the room has a rate limit. */
	readonly bucket?: TokenBucket;
	/** When it was last told a message was held back over the limit. */
	lastLimitNotice: number;
	/** Seals and opens the member's datagrams: its session's keys, from the handshake. */
	cipher?: SessionCipher;
	/** Its file transfers' TLS pre-shared key, from the same handshake. */
	transferPsk?: Uint8Array;
	/**
	 * Its resume secret, sent in its welcome (inside the session): a rejoin that shows it proves
	 * it continues this session, and only then is it caught up on its direct messages.
	 */
	resume?: string;
	/** A ping to answer in the next flush. */
	pong?: number;
	/** In durable mode: the ack taken before the last commit, sent once it completed. */
	heldAck?: string;
	/** The room's events reach it by the room stream (the group), not by its own stream. */
	viaGroup?: boolean;
	/** Its hello said it takes its own message, come back by the room stream, as that request's ack (`ea`). */
	readonly echoAcks: boolean;
	/**
	 * The last item of its stream whose message the room stream carries back to it (while the
	 * group serves it): an ack up to there says nothing it will not learn from the group.
	 */
	echoedTo: number;
	/** Away (by /away) or idle, with its reason; absent: here. */
	presence?: {readonly state: 'away' | 'idle'; readonly reason?: string};
	/** When its last "typing" was passed on to the others (they are throttled), and whether it said active. */
	typingAt?: number;
	typingActive?: boolean;
	/** The size of the hub's datagrams to it, found by probing (connection/path-mtu.ts); absent: BASE. */
	path?: PathMtu;
};

/** Messages per member: a token bucket of `burst`, refilled at `perSecond`. */
export type RateLimit = {readonly perSecond: number; readonly burst: number};

/** Who a joining member is, as its hello and the socket say. */
export type MemberIdentity = Pick<HubMember, 'name' | 'isHost' | 'peer' | 'sendAddress' | 'sendPort' | 'cid'> & {readonly echoAcks?: boolean};

/** A member just admitted: its fresh token (16 hex digits), fresh streams, a full rate bucket. */
export function newMember(identity: MemberIdentity, token: string, now: number, rate: RateLimit | undefined): HubMember {
	// Every field, in one order, from the start: the hub reads members' fields on every event, and
	// members whose optional fields came in different orders have different shapes to V8 (each read
	// in a loop over the room then goes the slow, megamorphic way).
	return {
		token,
		name: identity.name,
		isHost: identity.isHost,
		peer: identity.peer,
		sendAddress: identity.sendAddress,
		sendPort: identity.sendPort,
		cid: identity.cid,
		sender: new ReliableSender(0, SEND_WINDOW, false),
		receiver: new ReliableReceiver(0),
		lastHeard: now,
		departedAt: undefined,
		departure: undefined,
		bucket: rate ? new TokenBucket(rate.perSecond, rate.burst, now) : undefined,
		lastLimitNotice: 0,
		cipher: undefined,
		transferPsk: undefined,
		resume: undefined,
		pong: undefined,
		heldAck: undefined,
		viaGroup: false,
		echoAcks: identity.echoAcks === true,
		echoedTo: 0,
		presence: undefined,
		typingAt: undefined,
		typingActive: undefined,
		path: undefined,
	};
}

/** Drops what the member's stream to it still held and starts its next epoch. */
export function restartStream(member: HubMember): void {
	member.sender = new ReliableSender(member.sender.epoch + 1, SEND_WINDOW, false);
}
