import {SessionCipher} from '../crypto.js';
import {NO_TOKEN} from '../envelope.js';
import {decodeFrames, type Frame, helloFieldsSchema, type HelloFields} from '../frames.js';
import {MAX_UNCONFIRMED, MAX_UNCONFIRMED_PER_PREFIX, OVERSIZE_REFUSAL_GAP_MS, SUPPORTED_VERSIONS, UNCONFIRMED_MS} from '../limits.js';
import type {Peer} from '../peer.js';
import {addressPrefix, attemptRefusal, type GateRefusal, type HubGate} from '../room/hub-gate.js';
import type {HubMember, HubRoom} from '../room/hub-room.js';
import {AddressCookies} from './address-cookie.js';
import {fromBase64, toBase64} from '../secure/base64.js';
import {type HandshakeKeys, type HubOffer, hubOffer, NONCE_BYTES, openHello, signAccept, signGone} from '../secure/handshake.js';
import type {HubIdentity} from '../secure/identity.js';
import type {Transmit} from './hub-endpoint.js';
import {handshakeDatagram, sealedHandshakeDatagram, sessionDatagram} from './hub-wire.js';
import type {RefusalCode} from './outcomes.js';

/**
 * Where a datagram came from: as the socket reported it (to answer), and as the hub knows peers;
 * and its size (no answer before a peer is a member may be larger).
 */
export type Source<Via> = {readonly address: string; readonly port: number; readonly via: Via; readonly peer: Peer; readonly size: number};

export type HubHandshakeOptions<Via> = {
	readonly room: HubRoom;
	readonly gate: HubGate;
	/** The room secret (CPace's password), in a private room. */
	readonly secret: string | undefined;
	readonly identity: HubIdentity;
	readonly ephemeral: boolean;
	readonly hostKey: string;
	/** Caps on sessions accepted and not yet confirmed (off with the join limit, for benchmarks). */
	readonly limitUnconfirmed: boolean;
	readonly random: (bytes: number) => Uint8Array;
	readonly send: (transmit: Transmit<Via>) => void;
	readonly drop: (reason: string) => void;
	/** A member was admitted from this socket. */
	readonly admitted: (member: HubMember, via: Via) => void;
};

/** A join under way: the hub's offer, made at the query, and the keys once the hello came. */
type Pending = {readonly offer: HubOffer; readonly memberNonce: string; readonly expires: number; keys?: HandshakeKeys; cipher?: SessionCipher};

/**
 * A join the hub accepted whose member has not yet proven it: its session (token and keys) and
 * the hello's fields, until the member's first sealed datagram under that token comes from the
 * same address (it holds the keys, and it receives there). Nobody sees it until then.
 */
type Unconfirmed<Via> = {
	readonly token: string;
	readonly cid: string;
	readonly join: string;
	readonly prefix: string;
	readonly fields: HelloFields;
	readonly pending: Required<Pending>;
	readonly from: Source<Via>;
	readonly accept: string;
	readonly expires: number;
	/** The session's keys (with `token`, what `sessionDatagram` seals with). */
	readonly cipher: SessionCipher;
};

/** What a datagram under a token the room does not know yet was: a confirmation (the member now), or dropped. */
export type Confirmation = {readonly member: HubMember; readonly body: Buffer} | 'dropped';

/** Joins under way at most, and how long one waits for its hello. */
const MAX_PENDING = 4096;
const PENDING_MS = 10_000;

/**
 * The hub's side of joining (docs/protocol.md, "Joining"). A query without a valid address cookie
 * gets only a `retry` with one (no state kept, nothing computed but an HMAC); with one, the hub's
 * nonce, key and share; a hello its keys, then the room's rules and the `accept`, whose session
 * is admitted (stamped, shown, sent history) only on its member's first sealed datagram
 * (`confirm`). Refusals after the keys are sealed under them. Also the answers to datagrams it
 * cannot place (a protocol version it does not speak, a session it forgot: signed by its
 * long-term key). Before a peer is a member, every answer is at most one datagram, no larger
 * than the datagram it answers (what does not fit is not sent), so a forged source address gets
 * nothing amplified. Pure: what it says goes to `send`.
 */
export class HubHandshake<Via> {
	private readonly pending = new Map<string, Pending>();
	/** Accepted sessions awaiting their member's first sealed datagram, by token. */
	private readonly unconfirmed = new Map<string, Unconfirmed<Via>>();
	/** The same, by join (`peer cid`), so a repeated hello gets the same accept. */
	private readonly unconfirmedJoins = new Map<string, Unconfirmed<Via>>();
	private readonly unconfirmedPrefixes = new Map<string, number>();
	private readonly cookies: AddressCookies;
	/**
	 * Version refusals that do not fit their datagram (an old member's short query): to each
	 * address only out of the bytes it sent (never more out than in), one a second at most.
	 */
	private readonly credit = new ByteCredit();

	constructor(private readonly options: HubHandshakeOptions<Via>) {
		this.cookies = new AddressCookies(options.random(32));
	}

	/** Joins under way and accepted sessions awaiting confirmation (for figures and tests). */
	state(): {pending: number; unconfirmed: number} {
		return {pending: this.pending.size, unconfirmed: this.unconfirmed.size};
	}

	receive(body: Buffer, encrypted: boolean, from: Source<Via>, now: number): void {
		const decoded = encrypted ? undefined : decodeFrames(body);
		if (!decoded?.ok) {
			this.options.drop(decoded ? decoded.code : 'unexpected-seal');
			return;
		}

		// One answer per datagram at most: a join's datagram carries its one frame.
		const [frame] = decoded.frames;
		if (decoded.frames.length !== 1 || !frame) {
			this.options.drop('several-frames');
		} else if (frame.t === 'query') {
			this.query(frame, from, now);
		} else if (frame.t === 'hello') {
			this.hello(frame, from, now);
		} else {
			this.options.drop('unexpected-frame');
		}
	}

	/**
	 * A datagram in a protocol version this hub does not speak: refused, naming the versions it
	 * does, if the refusal fits the datagram's size; else once the address has sent as many bytes
	 * as the refusal has (its retries add up), one a second at most. So an old member's short first
	 * message still learns why, and a forged address never gets more bytes than were sent in its
	 * name.
	 */
	refuseVersion(from: Source<Via>, version: number, now: number): void {
		const reason = `this room speaks protocol version ${SUPPORTED_VERSIONS.join(', ')}; you speak version ${version}. Use the same socket-chat-tui release as the host.`;
		const datagram = handshakeDatagram(NO_TOKEN, [{t: 'refuse', code: 'version', reason, versions: [...SUPPORTED_VERSIONS]}]);
		if (datagram.length <= from.size || this.credit.spend(from.peer.key, from.size, datagram.length, now)) {
			this.options.send({datagram, address: from.address, port: from.port, via: from.via});
		} else {
			this.options.drop('amplification');
		}
	}

	/**
	 * A datagram under a token the hub does not know: the member is told, so it rejoins, signed by
	 * the hub's key with the time (it has no session key left to seal it with). Only to a datagram
	 * at least as large (a member's heartbeat is padded for it), and, since signing costs, charged
	 * to the address's join attempts.
	 */
	unknownSession(from: Source<Via>, token: string, now: number): void {
		const frame = {t: 'gone' as const, code: 'unknown' as const, reason: 'unknown session', ts: now, sig: toBase64(new Uint8Array(64))};
		if (handshakeDatagram(token, [frame]).length > from.size) {
			this.options.drop('amplification');
			return;
		}

		if (this.options.gate.attempt(from.peer.address, now) !== undefined) {
			return;
		}

		this.reply(from, token, [{...frame, sig: toBase64(signGone(this.options.identity.secretKey, token, now))}]);
	}

	/**
	 * A datagram under a token the room does not know: the first of an accepted session (it
	 * confirms it, and the member is admitted now), dropped (one of such a session that does not
	 * open, or from elsewhere), or undefined: no session the hub knows.
	 */
	confirm(token: string, header: Buffer, body: Buffer, encrypted: boolean, from: Source<Via>, now: number): Confirmation | undefined {
		const session = this.unconfirmed.get(token);
		if (!session) {
			return undefined;
		}

		if (session.from.peer.key !== from.peer.key) {
			this.options.drop('address-mismatch');
			return 'dropped';
		}

		const opened = encrypted ? session.pending.cipher.open(header, body) : undefined;
		if (!opened) {
			this.options.drop('bad-seal');
			return 'dropped';
		}

		this.forgetUnconfirmed(session);
		const member = this.admit(session, from, now);
		return member ? {member, body: opened} : 'dropped';
	}

	/** Forgets joins whose hello never came, and accepted sessions never confirmed. */
	sweep(now: number): void {
		for (const [key, pending] of this.pending) {
			if (pending.expires <= now) {
				this.pending.delete(key);
			}
		}

		for (const session of this.unconfirmed.values()) {
			if (session.expires <= now) {
				this.forgetUnconfirmed(session);
			}
		}
	}

	private query(frame: Extract<Frame, {t: 'query'}>, from: Source<Via>, now: number): void {
		// Nothing is kept or computed for a source address not yet shown to be real.
		if (!this.cookies.valid(from.peer.key, frame.c, now)) {
			this.reply(from, NO_TOKEN, [{t: 'retry', cid: frame.cid, c: this.cookies.make(from.peer.key, now)}]);
			return;
		}

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
			const limit = this.options.gate.attempt(from.peer.address, now);
			if (limit !== undefined) {
				const refusal = attemptRefusal(limit);
				this.refuse(from, frame.cid, refusal.code, refusal.reason);
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

	private hello(frame: Extract<Frame, {t: 'hello'}>, from: Source<Via>, now: number): void {
		const join = `${from.peer.key} ${frame.cid}`;
		const pending = this.pending.get(join);
		if (pending?.memberNonce !== frame.n) {
			this.options.drop('unknown-handshake');
			return;
		}

		// Its accept was lost: the same again.
		const accepted = this.unconfirmedJoins.get(join);
		if (accepted) {
			this.send(from, sessionDatagram(accepted, accepted.accept));
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
		this.accept(frame.cid, fields, pending as Required<Pending>, from, now);
	}

	/** Why the member of this hello cannot join now, if it cannot (and the session it would take over). */
	private problem(
		fields: HelloFields,
		from: Source<Via>,
		cid: string,
		existing = this.options.room.findByPeer(from.peer),
	): {problem?: GateRefusal | {code: RefusalCode; reason: string}; replaces?: HubMember} {
		const {room, gate} = this.options;
		// A session being replaced: the one the hello names (`prev`), or one under this name from
		// this very address and port (the member's rejoin whose accept it never heard).
		const sameSocket = existing && existing.cid !== cid ? room.stale(existing.token, fields.name) : undefined;
		const replaces = room.stale(fields.prev, fields.name) ?? sameSocket;
		return {problem: gate.check(from.peer.address, room.live().length) ?? room.nameProblem(fields.name, replaces), replaces};
	}

	/**
	 * A hello whose keys and fields are good: if the room's rules let the member in, its session
	 * and the signed accept, in the session (only the holder of its keys can read it, and the hub's
	 * key vouches for it); the member is admitted when it confirms (`confirm`).
	 */
	private accept(cid: string, fields: HelloFields, pending: Required<Pending>, from: Source<Via>, now: number): void {
		const {room} = this.options;
		const existing = room.findByPeer(from.peer);
		if (existing?.cid === cid) {
			this.sendAccept(from, existing, pending);
			return;
		}

		const prefix = addressPrefix(from.peer.address);
		const busy =
			this.options.limitUnconfirmed && (this.unconfirmed.size >= MAX_UNCONFIRMED || (this.unconfirmedPrefixes.get(prefix) ?? 0) >= MAX_UNCONFIRMED_PER_PREFIX)
				? {code: 'rate-limited' as const, reason: 'too many joins under way; wait a few seconds and try again'}
				: undefined;
		const problem = busy ?? this.problem(fields, from, cid, existing).problem;
		if (problem) {
			const refusal = [{t: 'refuse' as const, cid, code: problem.code, reason: problem.reason}];
			this.send(from, sealedHandshakeDatagram(pending.cipher, refusal));
			return;
		}

		const token = room.freshToken(token => this.unconfirmed.has(token));
		const sig = toBase64(signAccept(this.options.identity.secretKey, pending.keys.transcript, token));
		const session: Unconfirmed<Via> = {
			token,
			cid,
			join: `${from.peer.key} ${cid}`,
			prefix,
			fields,
			pending,
			from,
			accept: JSON.stringify([{t: 'accept', cid, sig}]),
			expires: now + UNCONFIRMED_MS,
			cipher: pending.cipher,
		};
		this.unconfirmed.set(token, session);
		this.unconfirmedJoins.set(session.join, session);
		this.unconfirmedPrefixes.set(prefix, (this.unconfirmedPrefixes.get(prefix) ?? 0) + 1);
		this.send(from, sessionDatagram(session, session.accept));
	}

	/** A confirmed session: admitted by the room's rules as they are now (a name may have been taken meanwhile). */
	private admit(session: Unconfirmed<Via>, from: Source<Via>, now: number): HubMember | undefined {
		const {fields, pending} = session;
		if (this.options.room.members.has(session.token)) {
			// Drawn meanwhile for another session (one chance in 2^64): this one starts again.
			return undefined;
		}

		const {problem, replaces} = this.problem(fields, from, session.cid);
		if (problem) {
			// Too late for a refusal in the join: the session it was accepted into is ended instead.
			this.options.send({datagram: sessionDatagram(session, JSON.stringify([{t: 'gone', code: 'removed', reason: problem.reason}])), address: from.address, port: from.port, via: from.via});
			return undefined;
		}

		const member = this.options.room.admit(
			{
				name: fields.name,
				isHost: fields.hk === this.options.hostKey,
				peer: from.peer,
				sendAddress: from.address,
				sendPort: from.port,
				cid: session.cid,
				echoAcks: fields.ea === true,
				since: fields.since,
				replaces,
				resume: fields.resume,
			},
			session.token,
		);
		member.cipher = pending.cipher;
		member.transferPsk = pending.keys.session.transferPsk;
		member.lastHeard = now;
		this.options.admitted(member, from.via);
		return member;
	}

	private forgetUnconfirmed(session: Unconfirmed<Via>): void {
		this.unconfirmed.delete(session.token);
		this.unconfirmedJoins.delete(session.join);
		const left = (this.unconfirmedPrefixes.get(session.prefix) ?? 1) - 1;
		if (left > 0) {
			this.unconfirmedPrefixes.set(session.prefix, left);
		} else {
			this.unconfirmedPrefixes.delete(session.prefix);
		}
	}

	/** The accept again, for a member admitted already whose hello came again. */
	private sendAccept(from: Source<Via>, member: HubMember, pending: Required<Pending>): void {
		const sig = toBase64(signAccept(this.options.identity.secretKey, pending.keys.transcript, member.token));
		this.send(from, sessionDatagram(member, JSON.stringify([{t: 'accept', cid: member.cid, sig}])));
	}

	private refuse(from: Source<Via>, cid: string | undefined, code: RefusalCode, reason: string): void {
		this.reply(from, NO_TOKEN, [{t: 'refuse', ...(cid ? {cid} : {}), code, reason, ...(code === 'version' ? {versions: [...SUPPORTED_VERSIONS]} : {})}]);
	}

	private reply(from: Source<Via>, token: string, frames: Frame[]): void {
		this.send(from, handshakeDatagram(token, frames));
	}

	/** Sends an answer to a peer that is not a member (yet): only if it is no larger than what it answers. */
	private send(from: Source<Via>, datagram: Uint8Array): void {
		if (datagram.length > from.size) {
			this.options.drop('amplification');
			return;
		}

		this.options.send({datagram, address: from.address, port: from.port, via: from.via});
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

/** Addresses whose byte credit is kept, at most (the least recently heard forgotten). */
const CREDIT_ADDRESSES = 1024;
/** Credit is kept this long after the last datagram that earned it, and up to this many bytes. */
const CREDIT_MS = 30_000;
const CREDIT_MAX_BYTES = 4096;

/**
 * Bytes an address sent that no answer has used yet: an answer larger than the datagram it
 * answers may be paid for by the address's earlier datagrams, never by more than they carried,
 * and at most once every OVERSIZE_REFUSAL_GAP_MS.
 */
class ByteCredit {
	private readonly entries = new Map<string, {bytes: number; at: number; spentAt: number}>();

	/** Adds a datagram's bytes to the address's credit; then pays `cost` from it if it can. */
	spend(key: string, bytes: number, cost: number, now: number): boolean {
		const entry = this.entries.get(key);
		const kept = entry && now - entry.at <= CREDIT_MS && now >= entry.at ? entry.bytes : 0;
		const spentAt = entry && now >= entry.spentAt ? entry.spentAt : Number.NEGATIVE_INFINITY;
		const next = {bytes: Math.min(CREDIT_MAX_BYTES, kept + bytes), at: now, spentAt};
		this.entries.delete(key);
		this.entries.set(key, next);
		if (this.entries.size > CREDIT_ADDRESSES) {
			this.entries.delete(this.entries.keys().next().value!);
		}

		if (next.bytes < cost || now - spentAt < OVERSIZE_REFUSAL_GAP_MS) {
			return false;
		}

		next.bytes -= cost;
		next.spentAt = now;
		return true;
	}
}
