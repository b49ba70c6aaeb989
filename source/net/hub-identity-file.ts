import path from 'node:path';
import {generateIdentity, identityFromSecretKey, SECRET_KEY_BYTES, type HubIdentity} from '../protocol/secure/identity.js';
import type {RandomSource} from '../protocol/secure/random.js';
import {createPrivateFile, makePrivateDir, PrivateFileError, readPrivateFile} from './private-file.js';

/**
 * The hub's long-term identity on disk: `DIR/identity.key` in the room's data folder, one line
 *
 *     socket-chat-tui identity v1 <the 32-byte Ed25519 secret key in base64>
 *
 * of mode 0600. It is made once and never replaced by this program: members pin its public key,
 * so a changed key is exactly what they refuse. A file that is not such a line is an error, not
 * a reason to make a new key.
 */

/** The name of the key file inside the room's data folder. */
export const IDENTITY_FILE = 'identity.key';
const HEADER = 'socket-chat-tui identity';
const VERSION = 'v1';
/** The longest file read as a key file; anything longer is not one. */
const MAX_BYTES = 1024;

/** What `loadOrCreateIdentity` found or made. */
export type LoadedIdentity = {
	readonly identity: HubIdentity;
	/** True when this call made the key (the room's first start), false when it was read back. */
	readonly created: boolean;
};

/**
 * The identity kept in `dir/identity.key`, made (with `random`) if there is none yet. The folder
 * is made as `mkdir -p` (mode 0700). Calls racing on a fresh folder, in this process or others,
 * all end with the one key that reached the disk first. A key file readable by group or others
 * is given mode 0600. Throws a PrivateFileError naming the file for a file of the wrong format,
 * leaving it as it is.
 */
export async function loadOrCreateIdentity(dir: string, random?: RandomSource): Promise<LoadedIdentity> {
	const file = path.join(dir, IDENTITY_FILE);
	await makePrivateDir(dir);
	const existing = await readPrivateFile(file);
	if (existing) return {identity: parseIdentityFile(file, existing), created: false};

	const identity = generateIdentity(random);
	if (await createPrivateFile(file, formatIdentityFile(identity))) {
		return {identity, created: true};
	}

	// Someone else made it in the meantime: theirs is the room's key.
	identity.secretKey.fill(0);
	const theirs = await readPrivateFile(file);
	if (!theirs) throw new PrivateFileError(file, `${file} vanished while it was being read`);
	return {identity: parseIdentityFile(file, theirs), created: false};
}

/** The content of a key file for `identity` (one line, ending in a newline). */
export function formatIdentityFile(identity: HubIdentity): string {
	return `${HEADER} ${VERSION} ${Buffer.from(identity.secretKey).toString('base64')}\n`;
}

/** The identity in a key file's content; `file` names it in the errors. */
export function parseIdentityFile(file: string, content: Uint8Array): HubIdentity {
	const fail = (why: string): never => {
		throw new PrivateFileError(file, `${file} is not a usable hub identity (${why}); it was left as it is. ` +
			'Restore it from a backup if you have one; if you remove it, a new key is made and every member will refuse it until they accept it on purpose.');
	};

	if (content.length > MAX_BYTES) fail(`${content.length} bytes, too long for a key file`);
	const text = Buffer.from(content).toString('utf8');
	const match = /^(.*?) (v\d+) (\S*)\r?\n?$/.exec(text);
	if (match?.[1] !== HEADER) fail(`it does not start with "${HEADER} ${VERSION} "`);
	if (match![2] !== VERSION) fail(`format ${match![2]}, but this program reads only ${VERSION}`);
	const encoded = match![3]!;
	const key = Buffer.from(encoded, 'base64');
	if (key.toString('base64') !== encoded) fail('the key is not valid base64');
	if (key.length !== SECRET_KEY_BYTES) fail(`the key has ${key.length} bytes, not ${SECRET_KEY_BYTES}`);
	const identity = identityFromSecretKey(key);
	key.fill(0);
	return identity;
}
