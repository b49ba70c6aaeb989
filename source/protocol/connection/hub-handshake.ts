import {SessionCipher} from '../crypto.js';
import {NO_TOKEN} from '../envelope.js';
import {decodeFrames, type Frame, helloFieldsSchema, type HelloFields} from '../frames.js';
import {SUPPORTED_VERSIONS} from '../limits.js';
import type {Peer} from '../peer.js';
import type {HubGate} from '../room/hub-gate.js';
import type {HubMember, HubRoom} from '../room/hub-room.js';
import {fromBase64, toBase64} from '../secure/base64.js';
import {type HandshakeKeys, type HubOffer, hubOffer, NONCE_BYTES, openHello, signAccept, signGone} from '../secure/handshake.js';
import type {HubIdentity} from '../secure/identity.js';
import type {Transmit} from './hub-endpoint.js';
import {handshakeDatagram, sealedHandshakeDatagram, sessionDatagram} from './hub-wire.js';
import type {RefusalCode} from './outcomes.js';

/** Where a datagram came from: as the socket reported it (to answer), and as the hub knows peers. */
export type Source<Via> = {readonly address: string; readonly port: number; readonly via: Via; readonly peer: Peer};

export type HubHandshakeOptions<Via> = {
	readonly room: HubRoom;
	readonly gate: HubGate;
	/** The room secret (CPace's password), in a private room. */
	readonly secret: string | undefined;
	readonly identity: HubIdentity;
	readonly ephemeral: boolean;
	readonly hostKey: string;
	readonly random: (bytes: number) => Uint8Array;
	readonly send: (transmit: Transmit<Via>) => void;
	readonly drop: (reason: string) => void;
	/** A member was admitted from this socket. */
	readonly admitted: (member: HubMember, via: Via) => void;
};

/** A join under way: the hub's offer, made at the query, and the keys once the hello came. */
type Pending = {readonly offer: HubOffer; readonly memberNonce: string; readonly expires: number; keys?: HandshakeKeys; cipher?: SessionCipher};

/** Joins under way at most, and how long one waits for its hello. */
const MAX_PENDING = 4096;
const PENDING_MS = 10_000;

/**
 * The hub's side of joining (docs/protocol.md, "Joining"): a query gets the hub's nonce, key and
 * share; a hello its keys, then admission by the room's rules; refusals after the keys are sealed
 * under them. Also the answers to datagrams it cannot place (a protocol version it does not
 * speak, a session it forgot: signed by its long-term key). Pure: what it says goes to `send`.
 */
export class HubHandshake<Via> {
	private readonly pending = new Map<string, Pending>();

	constructor(private readonly options: HubHandshakeOptions<Via>) {}

	receive(body: Buffer, encrypted: boolean, from: Source<Via>, now: number): void {
		const decoded = encrypted ? undefined : decodeFrames(body);
		if (!decoded?.ok) {
			this.options.drop(decoded ? decoded.code : 'unexpected-seal');
			return;
		}

		for (const frame of decoded.frames) {
			if (frame.t === 'query') {
				this.query(frame, from, now);
			} else if (frame.t === 'hello') {
				this.hello(frame, from);
			}
		}
	}

	/** A datagram in a protocol version this hub does not speak. */
	refuseVersion(from: Source<Via>, version: number): void {
		const reason = `this room speaks protocol version ${SUPPORTED_VERSIONS.join(', ')}; you speak version ${version}. Use the same socket-chat-tui release as the host.`;
		this.refuse(from, undefined, 'version', reason);
	}

	/**
	 * A datagram under a token the hub does not know: the member is told, so it rejoins, signed by
	 * the hub's key with the time (it has no session key left to seal it with). Signing costs, so
	 * it is charged to the address's join attempts.
	 */
	unknownSession(from: Source<Via>, token: string, now: number): void {
		if (!this.options.gate.attempt(from.peer.address, now)) {
			return;
		}

		const sig = toBase64(signGone(this.options.identity.secretKey, token, now));
		this.reply(from, token, [{t: 'gone', code: 'unknown', reason: 'the hub does not know this session (it restarted, or timed it out)', ts: now, sig}]);
	}

	/** Forgets joins whose hello never came. */
	sweep(now: number): void {
		for (const [key, pending] of this.pending) {
			if (pending.expires <= now) {
				this.pending.delete(key);
			}
		}
	}

	private query(frame: Extract<Frame, {t: 'query'}>, from: Source<Via>, now: number): void {
		const key = `${from.peer.key} ${frame.cid}`;
		let pending = this.pending.get(key);
		if (pending?.memberNonce !== frame.n) {
			const memberNonce = fromBase64(frame.n);
			if (memberNonce?.length !== NONCE_BYTES) {
				this.options.drop('bad-nonce');
				return;
			}

			// One attempt per join (a repeated query gets the same answer): in a private room, the one
			// online guess at the secret that attempt allows.
			if (!this.options.gate.attempt(from.peer.address, now)) {
				this.refuse(from, frame.cid, 'rate-limited', 'too many join attempts from your address; wait a few seconds and try again');
				return;
			}

			if (this.pending.size >= MAX_PENDING) {
				this.pending.delete(this.pending.keys().next().value!);
			}

			const offer = hubOffer({cid: frame.cid, memberNonce, hubKey: this.options.identity.publicKey, secret: this.options.secret, random: this.options.random});
			pending = {offer, memberNonce: frame.n, expires: now + PENDING_MS};
			this.pending.set(key, pending);
		}

		const {offer} = pending;
		this.reply(from, NO_TOKEN, [{t: 'room', cid: frame.cid, secret: this.options.secret !== undefined, id: toBase64(this.options.identity.publicKey), n: toBase64(offer.nonce), y: toBase64(offer.share), ...(this.options.ephemeral ? {e: true} : {})}]);
	}

	private hello(frame: Extract<Frame, {t: 'hello'}>, from: Source<Via>): void {
		const pending = this.pending.get(`${from.peer.key} ${frame.cid}`);
		if (pending?.memberNonce !== frame.n) {
			this.options.drop('unknown-handshake');
			return;
		}

		const share = fromBase64(frame.y);
		if (!pending.keys && share) {
			pending.keys = pending.offer.finish(share);
			if (!pending.keys) {
				// An invalid share spent the join's one secret scalar: the join is over (the member
				// starts again with a new query), and no later hello may finish it again.
				this.pending.delete(`${from.peer.key} ${frame.cid}`);
				this.options.drop('bad-share');
				return;
			}
		}

		const sealed = fromBase64(frame.s);
		const json = pending.keys && sealed && openHello(pending.keys, sealed);
		const fields = json === undefined ? undefined : parseFields(json);
		if (!pending.keys || !fields) {
			this.options.drop('wrong-secret');
			// Only a private room has a secret to be wrong; in an open one this was forged or broken.
			if (this.options.secret !== undefined && pending.keys) {
				this.refuse(from, frame.cid, 'wrong-secret', 'wrong room secret');
			}

			return;
		}

		pending.cipher ??= new SessionCipher(Buffer.from(pending.keys.session.hubToMember), Buffer.from(pending.keys.session.memberToHub));
		this.admit(frame.cid, fields, pending as Required<Pending>, from);
	}

	private admit(cid: string, fields: HelloFields, pending: Required<Pending>, from: Source<Via>): void {
		const {room, gate} = this.options;
		const existing = room.findByPeer(from.peer);
		if (existing?.cid === cid) {
			this.accept(from, existing, pending);
			return;
		}

		// A session being replaced: the one the hello names (`prev`), or one under this name from
		// this very address and port (the member's rejoin whose accept it never heard).
		const sameSocket = existing && room.stale(existing.token, fields.name);
		const replaces = room.stale(fields.prev, fields.name) ?? sameSocket;
		const problem = gate.check(from.peer.address, room.live().length) ?? room.nameProblem(fields.name, replaces);
		if (problem) {
			const refusal = [{t: 'refuse' as const, cid, code: problem.code, reason: problem.reason}];
			this.options.send({datagram: sealedHandshakeDatagram(pending.cipher, refusal), address: from.address, port: from.port, via: from.via});
			return;
		}

		const member = room.admit({
			name: fields.name,
			isHost: fields.hk === this.options.hostKey,
			peer: from.peer,
			sendAddress: from.address,
			sendPort: from.port,
			cid,
			since: fields.since,
			replaces,
			resume: fields.resume,
		});
		member.cipher = pending.cipher;
		member.transferPsk = pending.keys.session.transferPsk;
		this.options.admitted(member, from.via);
		this.accept(from, member, pending);
	}

	/** The accept, in the new session: only the holder of its keys can read it, and the hub's key vouches for it. */
	private accept(from: Source<Via>, member: HubMember, pending: Required<Pending>): void {
		const sig = toBase64(signAccept(this.options.identity.secretKey, pending.keys.transcript, member.token));
		this.options.send({datagram: sessionDatagram(member, JSON.stringify([{t: 'accept', cid: member.cid, sig}])), address: from.address, port: from.port, via: from.via});
	}

	private refuse(from: Source<Via>, cid: string | undefined, code: RefusalCode, reason: string): void {
		this.reply(from, NO_TOKEN, [{t: 'refuse', ...(cid ? {cid} : {}), code, reason, ...(code === 'version' ? {versions: [...SUPPORTED_VERSIONS]} : {})}]);
	}

	private reply(from: Source<Via>, token: string, frames: Frame[]): void {
		this.options.send({datagram: handshakeDatagram(token, frames), address: from.address, port: from.port, via: from.via});
	}
}

function parseFields(json: string): HelloFields | undefined {
	try {
		const parsed = helloFieldsSchema.safeParse(JSON.parse(json));
		return parsed.success ? parsed.data : undefined;
	} catch {
		return undefined;
	}
}
