import {RoomCipher, type SessionCipher} from '../crypto.js';
import {encodeEnvelope, encodeSealedEnvelope, HEADER_BYTES, NO_TOKEN} from '../envelope.js';

/** How a datagram is sent: in the session (sealed with its key), as a handshake (the room key), or in the clear. */
export type SealMode = 'session' | 'handshake' | 'clear';

/**
 * A member's keys, in a room with a secret: the room key's cipher (the driver derives it) and,
 * once accepted, the session's. Seals what goes out and opens what comes in; in an open room
 * everything passes in the clear.
 */
export class MemberKeys {
	private cipher: RoomCipher | undefined;
	private session: SessionCipher | undefined;

	get fingerprint(): string | undefined {
		return this.cipher?.fingerprint;
	}

	get transferKey(): Buffer | undefined {
		return this.cipher?.transferKey();
	}

	get hasCipher(): boolean {
		return this.cipher !== undefined;
	}

	get sealed(): boolean {
		return this.session !== undefined;
	}

	setCipher(cipher: RoomCipher): void {
		this.cipher = cipher;
	}

	/** The hub accepted us under `token`: that session's keys. */
	beginSession(token: string): void {
		this.session = this.cipher?.session(token, 'member-to-hub');
	}

	endSession(): void {
		this.session = undefined;
	}

	seal(version: number, token: string, body: string, mode: SealMode): Uint8Array {
		const sealer = mode === 'session' ? this.session : mode === 'handshake' ? this.cipher : undefined;
		return sealer
			? encodeSealedEnvelope(version, token, body, (header, plaintext) =>
					sealer instanceof RoomCipher ? sealer.sealHandshake(header, plaintext) : sealer.seal(header, plaintext),
				)
			: encodeEnvelope(version, token, body);
	}

	/**
	 * The body to decode: as it came, or opened with the session or room key. `forgotten`: it
	 * carries our session's token (`current`) but opened only with the room key, as a hub that no
	 * longer has the session's keys (it restarted) tells us so.
	 */
	unseal(datagram: Buffer, body: Buffer, encrypted: boolean, token: string, current: string): {body: Buffer; forgotten?: true} | undefined {
		if (!encrypted) {
			return {body};
		}

		const header = datagram.subarray(0, HEADER_BYTES);
		if (this.session && token === current) {
			const opened = this.session.open(header, body);
			if (opened) {
				return {body: opened};
			}

			const forgotten = this.cipher?.openHandshake(header, body);
			return forgotten ? {body: forgotten, forgotten: true} : undefined;
		}

		const opened = current === NO_TOKEN ? this.cipher?.openHandshake(header, body) : undefined;
		return opened ? {body: opened} : undefined;
	}
}
