import {equalBytes} from '@noble/curves/utils.js';
import {HEADER_BYTES} from '../envelope.js';
import type {Frame, HelloFields} from '../frames.js';
import {HANDSHAKE_PAD_BYTES} from '../limits.js';
import {fromBase64, toBase64} from '../secure/base64.js';
import {type HandshakeKeys, memberReply, NONCE_BYTES, sealHello} from '../secure/handshake.js';
import {identityFingerprint} from '../secure/identity.js';
import type {JoinOutcome} from './outcomes.js';

/**
 * The join under way: its query (then its hello, once the hub answered), resent on a schedule
 * (200 ms, doubling to 1 s); `fields`: what the hello carries, sealed; `name`: a first join's,
 * which a welcome makes the name rejoins use.
 */
export type Ask = {
	readonly cid: string;
	readonly nonce: Uint8Array;
	readonly fields: HelloFields;
	body: string;
	stage: 'query' | 'hello';
	/** Retries followed for this join (each brings a cookie; only a few are followed), and the cookie its query carries. */
	retries: number;
	cookie?: string;
	/** The hub's last refusal of this join as too many attempts (it is tried again until its timeout). */
	limited?: JoinOutcome;
	hubKey?: Uint8Array;
	started: number;
	interval: number;
	nextAt: number;
	readonly rejoin: boolean;
	readonly name?: string;
};

/** A join's first message: a fresh cid and nonce, the query (with the hub's last address cookie, if we have one). */
export function newAsk(random: (bytes: number) => Uint8Array, now: number, fields: HelloFields, rejoin: boolean, name?: string, cookie?: string): Ask {
	const cid = Buffer.from(random(6)).toString('hex');
	const nonce = random(NONCE_BYTES);
	const ask: Ask = {cid, nonce, fields, body: '', stage: 'query', retries: 0, started: now, interval: 200, nextAt: now, rejoin, ...(name === undefined ? {} : {name})};
	ask.body = queryBody(ask, cookie);
	return ask;
}

/** Retries followed per join: the hub sends one when our cookie is missing or stale; more is someone else's doing. */
const MAX_RETRIES = 3;

/**
 * The hub's `retry`: our query again, at once, with the cookie it carries. True when followed (a
 * retry for this join's query, with a new cookie, and not too many of them).
 */
export function takeRetry(ask: Ask | undefined, frame: Extract<Frame, {t: 'retry'}>, now: number): boolean {
	// The same cookie again answers a query sent before ours with it: nothing new to do.
	if (ask?.stage !== 'query' || frame.cid !== ask.cid || frame.c === ask.cookie || ask.retries >= MAX_RETRIES) {
		return false;
	}

	ask.retries++;
	ask.body = queryBody(ask, frame.c);
	ask.nextAt = now;
	return true;
}

/**
 * A join's body as it goes out: padded with spaces (which JSON ignores) to HANDSHAKE_PAD_BYTES,
 * so every answer the hub may give a peer not yet a member fits in it (docs/protocol.md).
 */
export function paddedBody(body: string): string {
	return body.padEnd(HANDSHAKE_PAD_BYTES - HEADER_BYTES, ' ');
}

function queryBody(ask: Ask, cookie: string | undefined): string {
	ask.cookie = cookie;
	return JSON.stringify([{t: 'query', cid: ask.cid, n: toBase64(ask.nonce), ...(cookie === undefined ? {} : {c: cookie})}]);
}

/** What the hub's answer to the query makes of the join: a refusal of our own, or the hello (the ask now says it). */
export type RoomJudgement =
	| {readonly refuse: JoinOutcome; readonly trusted: boolean; readonly shown?: Uint8Array}
	| {readonly keys: HandshakeKeys; readonly hubKey: Uint8Array; readonly ephemeral: boolean};

/**
 * The hub's answer to our query (`room`): the secret wanted and given must agree, the hub's key
 * must be the one expected (pinned, or the session's); then our share and the keys, and the ask
 * turns into the hello. Undefined: not an answer to this join (ignored).
 */
export function judgeRoom(
	ask: Ask | undefined,
	frame: Extract<Frame, {t: 'room'}>,
	context: {readonly secret: string | undefined; readonly expected: Uint8Array | undefined; readonly address: string; readonly random: (bytes: number) => Uint8Array},
	now: number,
): RoomJudgement | undefined {
	const hubKey = fromBase64(frame.id);
	const hubNonce = fromBase64(frame.n);
	const hubShare = fromBase64(frame.y);
	if (ask?.stage !== 'query' || frame.cid !== ask.cid || hubKey?.length !== 32 || !hubNonce || !hubShare) {
		return undefined;
	}

	const {secret, expected, address} = context;
	if (secret !== undefined && !frame.secret) {
		const reason = `the room at ${address} has no secret, but you gave one: it is open, so anyone on the network can join it and read what is said there. Join without a secret if that is fine.`;
		return {refuse: {ok: false, code: 'no-secret', reason}, trusted: false};
	}

	if (secret === undefined && frame.secret) {
		return {refuse: {ok: false, code: 'secret-required', reason: 'this room needs a secret: give it with --secret-file or SOCKET_CHAT_SECRET'}, trusted: false};
	}

	if (expected && !equalBytes(expected, hubKey)) {
		return {refuse: {ok: false, code: 'hub-key-changed', reason: keyChanged(address, expected, hubKey)}, trusted: true, shown: hubKey};
	}

	const reply = memberReply({cid: ask.cid, memberNonce: ask.nonce, hubNonce, hubKey, hubShare, secret, random: context.random});
	if (!reply) {
		return undefined;
	}

	ask.hubKey = hubKey;
	ask.stage = 'hello';
	ask.body = JSON.stringify([{t: 'hello', cid: ask.cid, n: toBase64(ask.nonce), y: toBase64(reply.share), s: toBase64(sealHello(reply.keys, JSON.stringify(ask.fields)))}]);
	ask.interval = 200;
	ask.nextAt = now;
	return {keys: reply.keys, hubKey, ephemeral: frame.e === true};
}

/** Why the join under way ends now (nothing answered in time, or nothing listens), if it does. */
export function askFailed(ask: Ask, now: number, timeoutMs: number, refusedByOs: number, address: string, port: number): JoinOutcome | undefined {
	if (now - ask.started >= timeoutMs) {
		return {
			ok: false,
			code: 'no-answer',
			reason: `no answer from ${address} within ${Math.round(timeoutMs / 1000)} s. Is a host running there (socket-chat-tui --host), is the address right, and does a firewall let UDP port ${port} through?`,
		};
	}

	if (refusedByOs >= 2) {
		return {ok: false, code: 'no-answer', reason: `nothing is listening at ${address} (connection refused). Check the address and port, and that the host is running.`};
	}

	return undefined;
}

/** What a person reads when the hub shows another key than the one pinned for the room (the shell words it in full). */
function keyChanged(address: string, pinned: Uint8Array, shown: Uint8Array): string {
	return `the host at ${address} shows another key than the one this member knows for it: ${identityFingerprint(shown)}, not ${identityFingerprint(pinned)}. Either the host lost or replaced its data folder, or someone is posing as it. Compare the fingerprint with the host in person; to trust the new key on purpose, join with --accept-new-key.`;
}
