import {SessionCipher} from '../crypto.js';
import {encodeEnvelope, encodeSealedEnvelope, HEADER_BYTES, NO_TOKEN} from '../envelope.js';
import type {HandshakeKeys} from '../secure/handshake.js';
import {identityFingerprint} from '../secure/identity.js';

/** How a datagram is sent: in the session (sealed with its key), or in the clear (the handshake). */
export type SealMode = 'session' | 'clear';

/**
 * A member's keys: those of the join under way (agreed at the hub's answer, before a token
 * exists: a refusal or the accept comes under them), then the session's, and the hub's long-term
 * key, which every later join must show again.
 */
export class MemberKeys {
	private session: SessionCipher | undefined;
	private pending: {cipher: SessionCipher; keys: HandshakeKeys} | undefined;
	private transferPsk: Uint8Array | undefined;
	/** The hub's key, once a join was accepted under it. */
	hubKey: Uint8Array | undefined;

	/** The fingerprint people compare aloud: of the hub's key. */
	get fingerprint(): string | undefined {
		return this.hubKey && identityFingerprint(this.hubKey);
	}

	get transferKey(): Buffer | undefined {
		return this.transferPsk && Buffer.from(this.transferPsk);
	}

	get sealed(): boolean {
		return this.session !== undefined;
	}

	/** The join's keys were agreed (the hello is on its way). */
	agreed(keys: HandshakeKeys): void {
		this.pending = {cipher: new SessionCipher(Buffer.from(keys.session.memberToHub), Buffer.from(keys.session.hubToMember)), keys};
	}

	get handshakeTranscript(): Uint8Array | undefined {
		return this.pending?.keys.transcript;
	}

	/** The hub accepted the join under `token` (its signature checked): the session's keys. */
	beginSession(hubKey: Uint8Array): void {
		if (this.pending) {
			this.session = this.pending.cipher;
			this.transferPsk = this.pending.keys.session.transferPsk;
			this.hubKey = hubKey;
		}

		this.pending = undefined;
	}

	endSession(): void {
		this.session = undefined;
		this.pending = undefined;
	}

	seal(version: number, token: string, body: string, mode: SealMode): Uint8Array {
		const session = mode === 'session' ? this.session : undefined;
		return session ? encodeSealedEnvelope(version, token, body, (header, plaintext) => session.seal(header, plaintext)) : encodeEnvelope(version, token, body);
	}

	/**
	 * The body to decode: as it came (the clear part of a handshake), or opened with the session's
	 * key (our token, `current`) or the join's (a refusal under no token, or the accept under the
	 * new one). `handshake`: it came under the join's keys.
	 */
	unseal(datagram: Buffer, body: Buffer, encrypted: boolean, token: string, current: string): {body: Buffer; handshake?: true} | undefined {
		if (!encrypted) {
			return {body};
		}

		const header = datagram.subarray(0, HEADER_BYTES);
		if (this.session && token === current && current !== NO_TOKEN) {
			const opened = this.session.open(header, body);
			return opened && {body: opened};
		}

		const opened = current === NO_TOKEN ? this.pending?.cipher.open(header, body) : undefined;
		return opened && {body: opened, handshake: true};
	}
}
