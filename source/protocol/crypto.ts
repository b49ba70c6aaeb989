import {createCipheriv, createDecipheriv, scrypt} from 'node:crypto';

const ALGORITHM = 'chacha20-poly1305';
const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
/** What encryption adds to a datagram body. */
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;
/** scrypt cost: about 100 ms and 32 MiB here, once per start of a private room; a guess at a stolen history costs the same. */
const SCRYPT = {N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024};
const REPLAY_WINDOW = 1024;

/** A key from the secret and a salt, slow on purpose (a private room's history at rest is sealed under it). */
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
