import {createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, scrypt} from 'node:crypto';

const ALGORITHM = 'chacha20-poly1305';
const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** What encryption adds to a datagram body. */
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;
/** scrypt cost: about 100 ms and 32 MiB here, once per join; a guess costs an attacker the same. */
const SCRYPT = {N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024};
const REPLAY_WINDOW = 1024;

export type Direction = 'hub-to-member' | 'member-to-hub';

/** Derives the room key from the secret and the room's salt (slow on purpose). */
export async function deriveRoomKey(secret: string, salt: Buffer): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		scrypt(Buffer.from(secret.normalize('NFC'), 'utf8'), salt, KEY_BYTES, SCRYPT, (error, key) => {
			if (error) {
				reject(error);
			} else {
				resolve(key);
			}
		});
	});
}

/** A short string people can compare aloud: the same for everyone holding the same room key. */
export function fingerprint(roomKey: Buffer): string {
	const digest = createHash('sha256').update('socket-chat-tui fingerprint v1').update(roomKey).digest();
	const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
	let text = '';
	for (let index = 0; index < 12; index++) {
		text += alphabet[digest[index]! % alphabet.length];
	}

	return `${text.slice(0, 4)}-${text.slice(4, 8)}-${text.slice(8, 12)}`;
}

function seal(key: Buffer, nonce: Buffer, header: Buffer, plaintext: Buffer): Buffer {
	const cipher = createCipheriv(ALGORITHM, key, nonce, {authTagLength: TAG_BYTES});
	cipher.setAAD(header, {plaintextLength: plaintext.length});
	return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, header: Buffer, body: Buffer): Buffer | undefined {
	if (body.length < SEAL_OVERHEAD) {
		return undefined;
	}

	try {
		const decipher = createDecipheriv(ALGORITHM, key, body.subarray(0, NONCE_BYTES), {authTagLength: TAG_BYTES});
		const ciphertext = body.subarray(NONCE_BYTES, body.length - TAG_BYTES);
		decipher.setAAD(header, {plaintextLength: ciphertext.length});
		decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
		return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
	} catch {
		return undefined;
	}
}

/**
 * The room key's two uses. Handshake datagrams (hello, accept, refuse before a session exists)
 * are sealed with it under random nonces; a session's datagrams use keys derived per member and
 * per direction, with counter nonces, so no nonce is ever used twice under one key.
 */
export class RoomCipher {
	readonly fingerprint: string;

	/** `random` makes the handshake nonces (injected, so a simulation replays exactly). */
	constructor(
		private readonly roomKey: Buffer,
		private readonly random: (bytes: number) => Uint8Array = randomBytes,
	) {
		this.fingerprint = fingerprint(roomKey);
	}

	sealHandshake(header: Buffer, plaintext: Buffer): Buffer {
		return seal(this.roomKey, Buffer.from(this.random(NONCE_BYTES)), header, plaintext);
	}

	openHandshake(header: Buffer, body: Buffer): Buffer | undefined {
		return open(this.roomKey, header, body);
	}

	/** The pre-shared key file transfers use (TLS 1.3 PSK), derived from the room key. */
	transferKey(): Buffer {
		return Buffer.from(hkdfSync('sha256', this.roomKey, Buffer.alloc(0), 'socket-chat-tui v1 transfer', KEY_BYTES));
	}

	/** The session keys of the member holding `token`, for sending in `send` and receiving the other way. */
	session(token: string, send: Direction): SessionCipher {
		const key = (direction: Direction) =>
			Buffer.from(hkdfSync('sha256', this.roomKey, Buffer.from(token, 'hex'), `socket-chat-tui v1 ${direction}`, KEY_BYTES));
		const receive: Direction = send === 'hub-to-member' ? 'member-to-hub' : 'hub-to-member';
		return new SessionCipher(key(send), key(receive));
	}
}

/** One member's session: counter nonces out, a replay window in. */
export class SessionCipher {
	private sent = 0n;
	private readonly window = new ReplayWindow(REPLAY_WINDOW);

	constructor(
		private readonly sendKey: Buffer,
		private readonly receiveKey: Buffer,
	) {}

	seal(header: Buffer, plaintext: Buffer): Buffer {
		const nonce = Buffer.alloc(NONCE_BYTES);
		nonce.writeBigUInt64BE(++this.sent, 4);
		return seal(this.sendKey, nonce, header, plaintext);
	}

	/** The plaintext, or undefined when forged, tampered with, or replayed. */
	open(header: Buffer, body: Buffer): Buffer | undefined {
		if (body.length < SEAL_OVERHEAD || body.readUInt32BE(0) !== 0) {
			return undefined;
		}

		const counter = body.readBigUInt64BE(4);
		if (!this.window.fresh(counter)) {
			return undefined;
		}

		const plaintext = open(this.receiveKey, header, body);
		if (plaintext) {
			this.window.mark(counter);
		}

		return plaintext;
	}
}

/** Which counters were seen: the highest, and a window of the `size` below it (as IPsec and WireGuard do). */
export class ReplayWindow {
	private highest = 0n;
	private readonly seen = new Set<bigint>();

	constructor(private readonly size: number) {}

	/** Not seen before and not too old. */
	fresh(counter: bigint): boolean {
		if (counter === 0n) {
			return false;
		}

		if (counter > this.highest) {
			return true;
		}

		return this.highest - counter < BigInt(this.size) && !this.seen.has(counter);
	}

	mark(counter: bigint): void {
		this.seen.add(counter);
		if (counter > this.highest) {
			this.highest = counter;
		}

		if (this.seen.size > 2 * this.size) {
			for (const old of this.seen) {
				if (this.highest - old >= BigInt(this.size)) {
					this.seen.delete(old);
				}
			}
		}
	}
}
