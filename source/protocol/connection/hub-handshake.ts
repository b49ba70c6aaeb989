import type {RoomCipher} from '../crypto.js';
import {NO_TOKEN} from '../envelope.js';
import {decodeFrames, type Frame} from '../frames.js';
import {HELLO_MAX_AGE_MS, SUPPORTED_VERSIONS} from '../limits.js';
import type {Peer} from '../peer.js';
import type {HubGate} from '../room/hub-gate.js';
import type {HubMember, HubRoom} from '../room/hub-room.js';
import type {Transmit} from './hub-endpoint.js';
import {handshakeDatagram} from './hub-wire.js';
import type {RefusalCode} from './outcomes.js';

/** Where a datagram came from: as the socket reported it (to answer), and as the hub knows peers. */
export type Source<Via> = {readonly address: string; readonly port: number; readonly via: Via; readonly peer: Peer};

export type HubHandshakeOptions<Via> = {
	readonly room: HubRoom;
	readonly gate: HubGate;
	readonly cipher: RoomCipher | undefined;
	readonly salt: Uint8Array | undefined;
	readonly hostKey: string;
	readonly send: (transmit: Transmit<Via>) => void;
	readonly drop: (reason: string) => void;
	/** A member was admitted from this socket. */
	readonly admitted: (member: HubMember, via: Via) => void;
};

/**
 * The hub's side of joining: datagrams without a session token (queries and hellos, sealed with
 * the room key when there is a secret), and the answers to datagrams it cannot place (a protocol
 * version it does not speak, a session it forgot). Pure: what it says goes to `send`.
 */
export class HubHandshake<Via> {
	constructor(private readonly options: HubHandshakeOptions<Via>) {}

	receive(sealed: Buffer, header: Buffer, encrypted: boolean, from: Source<Via>, now: number): void {
		const {cipher, gate} = this.options;
		let body: Buffer | undefined = sealed;
		if (encrypted) {
			if (!cipher) {
				this.refuse(from, undefined, 'no-secret', 'this room has no secret: join it without one (anyone on the network can read it)');
				return;
			}

			if (!gate.attempt(from.peer.address, now)) {
				this.refuse(from, undefined, 'rate-limited', 'too many join attempts from your address; wait a few seconds and try again');
				return;
			}

			body = cipher.openHandshake(header, sealed);
			if (!body) {
				this.options.drop('wrong-secret');
				this.refuse(from, undefined, 'wrong-secret', 'wrong room secret');
				return;
			}
		}

		const decoded = decodeFrames(body);
		if (!decoded.ok) {
			this.options.drop(decoded.code);
			return;
		}

		for (const frame of decoded.frames) {
			if (frame.t === 'query') {
				const salt = this.options.salt ? {salt: Buffer.from(this.options.salt).toString('base64')} : {};
				this.reply(from, NO_TOKEN, [{t: 'room', cid: frame.cid, secret: Boolean(cipher), ...salt}]);
			} else if (frame.t === 'hello' && cipher && !encrypted) {
				this.refuse(from, frame.cid, 'secret-required', 'this room needs a secret: give it with --secret or SOCKET_CHAT_SECRET');
			} else if (frame.t === 'hello' && cipher && Math.abs(now - (frame.ts ?? 0)) > HELLO_MAX_AGE_MS) {
				this.options.drop('stale-hello');
			} else if (frame.t === 'hello') {
				this.hello(frame, from, encrypted, now);
			}
		}
	}

	/** A datagram in a protocol version this hub does not speak. */
	refuseVersion(from: Source<Via>, version: number): void {
		const reason = `this room speaks protocol version ${SUPPORTED_VERSIONS.join(', ')}; you speak version ${version}. Use the same socket-chat-tui release as the host.`;
		this.refuse(from, undefined, 'version', reason);
	}

	/** A datagram under a token the hub does not know: the member is told, so it rejoins. */
	unknownSession(from: Source<Via>, token: string, encrypted: boolean, now: number): void {
		const reason = 'the hub does not know this session (it restarted, or timed it out)';
		if (!this.options.cipher) {
			this.reply(from, token, [{t: 'gone', code: 'unknown', reason}]);
		} else if (encrypted) {
			// The session key is gone with the session: said under the room key, with the time, so
			// the member can tell it is ours and fresh (docs/protocol.md, "A room with a secret").
			this.reply(from, token, [{t: 'gone', code: 'unknown', reason, ts: now}], true);
		}
	}

	private hello(frame: Extract<Frame, {t: 'hello'}>, from: Source<Via>, sealed: boolean, now: number): void {
		const {room, gate} = this.options;
		const existing = room.findByPeer(from.peer);
		if (existing?.cid === frame.cid) {
			this.accept(from, existing, sealed);
			return;
		}

		// A session being replaced: the one the hello names (`prev`), or one under this name from
		// this very address and port (the member's rejoin whose accept it never heard).
		const sameSocket = existing && room.stale(existing.token, frame.name);
		const replaces = room.stale(frame.prev, frame.name) ?? sameSocket;
		const problem = gate.check(from.peer.address, room.live().length, now, sealed) ?? room.nameProblem(frame.name, replaces);
		if (problem) {
			this.refuse(from, frame.cid, problem.code, problem.reason);
			return;
		}

		const member = room.admit({
			name: frame.name,
			isHost: frame.hk === this.options.hostKey,
			peer: from.peer,
			sendAddress: from.address,
			sendPort: from.port,
			cid: frame.cid,
			since: frame.since,
			replaces,
		});
		member.cipher = this.options.cipher?.session(member.token, 'hub-to-member');
		this.options.admitted(member, from.via);
		this.accept(from, member, sealed);
	}

	private accept(from: Source<Via>, member: HubMember, sealed: boolean): void {
		this.reply(from, member.token, [{t: 'accept', cid: member.cid}], sealed);
	}

	private refuse(from: Source<Via>, cid: string | undefined, code: RefusalCode, reason: string): void {
		this.reply(from, NO_TOKEN, [{t: 'refuse', ...(cid ? {cid} : {}), code, reason, ...(code === 'version' ? {versions: [...SUPPORTED_VERSIONS]} : {})}]);
	}

	private reply(from: Source<Via>, token: string, frames: Frame[], sealed = false): void {
		const datagram = handshakeDatagram(token, frames, sealed ? this.options.cipher : undefined);
		this.options.send({datagram, address: from.address, port: from.port, via: from.via});
	}
}
