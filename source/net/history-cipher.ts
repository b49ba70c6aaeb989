import {createCipheriv, createDecipheriv, randomBytes} from 'node:crypto';
import {deriveRoomKey} from '../protocol/crypto.js';

const ALGORITHM = 'chacha20-poly1305';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from('socket-chat-tui history v1');
/** What the check in meta.json seals: opening it proves the secret before any line is read. */
const CHECK = 'socket-chat-tui history key check';
/** An encrypted line starts with this (a plain one with `{`). */
const SEALED = '~';

/** What meta.json says of a private room's history key. */
export type HistoryKeyMeta = {readonly salt: string; readonly check: string};

/**
 * A private room's history at rest: every line of events.jsonl sealed (ChaCha20-Poly1305, a
 * random nonce) under a key derived from the room secret with scrypt and the room's salt, so the
 * DMs and messages in it are unreadable without the secret. A new room draws the salt and stores
 * a sealed check; an existing one opens only with the secret it was kept under.
 */
export class HistoryCipher {
	private constructor(private readonly key: Buffer) {}

	/** The cipher for `secret`: made (new salt and check) or checked against `meta`. Undefined: another secret. */
	static async forSecret(secret: string, meta: HistoryKeyMeta | undefined): Promise<{cipher: HistoryCipher; meta: HistoryKeyMeta} | undefined> {
		const salt = meta ? Buffer.from(meta.salt, 'base64') : randomBytes(16);
		const cipher = new HistoryCipher(await deriveRoomKey(secret, salt));
		if (!meta) {
			return {cipher, meta: {salt: salt.toString('base64'), check: cipher.seal(CHECK)}};
		}

		return cipher.open(meta.check) === CHECK ? {cipher, meta} : undefined;
	}

	seal(json: string): string {
		const nonce = randomBytes(NONCE_BYTES);
		const cipher = createCipheriv(ALGORITHM, this.key, nonce, {authTagLength: TAG_BYTES});
		cipher.setAAD(AAD, {plaintextLength: Buffer.byteLength(json)});
		return SEALED + Buffer.concat([nonce, cipher.update(json, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64url');
	}

	/** The line's JSON, or undefined when it is not sealed under this key (or torn). */
	open(line: string): string | undefined {
		if (!line.startsWith(SEALED)) {
			return undefined;
		}

		const bytes = Buffer.from(line.slice(1), 'base64url');
		if (bytes.length < NONCE_BYTES + TAG_BYTES) {
			return undefined;
		}

		try {
			const decipher = createDecipheriv(ALGORITHM, this.key, bytes.subarray(0, NONCE_BYTES), {authTagLength: TAG_BYTES});
			const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
			decipher.setAAD(AAD, {plaintextLength: body.length});
			decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
			return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
		} catch {
			return undefined;
		}
	}
}
