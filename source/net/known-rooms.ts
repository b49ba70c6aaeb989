import {isIPv6} from 'node:net';
import path from 'node:path';
import {z} from 'zod';
import {normalizeAddress} from '../protocol/peer.js';
import {identityFingerprint, PUBLIC_KEY_BYTES} from '../protocol/secure/identity.js';
import {formatHostPort, parseHostPort} from './address.js';
import {withFileLock} from './file-lock.js';
import {makePrivateDir, parseVersionOne, PrivateFileError, readPrivateFile, writePrivateFile} from './private-file.js';

/**
 * A member's pins of the rooms' hub keys, as ssh's known_hosts: the first key a room shows is
 * remembered, and a different one later is refused until the person accepts it on purpose. The
 * file (e.g. `<data>/known-rooms.json`, mode 0600) is JSON:
 *
 *     {"version": 1, "rooms": {"192.168.1.5:4000": {"key": "<public key, base64>", "pinnedAt": "<ISO date>"}}}
 */

/** The flag with which a person accepts a room's new key on purpose. */
export const ACCEPT_NEW_KEY_FLAG = '--accept-new-key';

/** What the pins say of a room's key. */
export type KnownRoomCheck = {status: 'new'} | {status: 'same'} | {status: 'changed'; pinned: string; pinnedAt: string};

type Pin = {key: string; pinnedAt: string};

const base64Key = /^[A-Za-z\d+/]{43}=$/;
const fileSchema = z.object({
	version: z.literal(1),
	rooms: z.record(z.string(), z.strictObject({key: z.string().regex(base64Key), pinnedAt: z.iso.datetime()})),
});

/**
 * The room key of a hub's address: "host:port", the host lower case without a trailing dot,
 * IPv6 in brackets in its canonical (RFC 5952) form and an IPv4-mapped IPv6 address as IPv4, so
 * that each room has one key however its address is written.
 */
export function roomKey(host: string, port: number): string {
	if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError(`${port} is not a port (1-65535)`);
	let name = host.trim().toLowerCase();
	if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
	if (isIPv6(name)) {
		name = normalizeAddress(canonicalIPv6(name));
	} else if (name.endsWith('.')) {
		name = name.slice(0, -1);
	}

	if (name === '' || /[\s[\]/]/.test(name) || (name.includes(':') && !isIPv6(name))) {
		throw new RangeError(`"${host}" is not a host name or address`);
	}

	return formatHostPort(name, port);
}

function canonicalIPv6(address: string): string {
	const at = address.indexOf('%');
	const zone = at === -1 ? '' : address.slice(at);
	const canonical = new URL(`http://[${at === -1 ? address : address.slice(0, at)}]/`).hostname.slice(1, -1);
	const mapped = /^::ffff:([\da-f]{1,4}):([\da-f]{1,4})$/.exec(canonical);
	if (!mapped || zone) return canonical + zone;
	const [high, low] = [Number.parseInt(mapped[1]!, 16), Number.parseInt(mapped[2]!, 16)];
	return `::ffff:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The pins in the known-rooms file, read at `open` and again before every write. */
export class KnownRooms {
	#writing: Promise<unknown> = Promise.resolve();

	private constructor(
		/** The known-rooms file. */
		readonly file: string,
		private pins: Map<string, Pin>,
	) {}

	/**
	 * The pins in `file` (none if it does not exist yet; nothing is written until the first pin).
	 * A file group or others may read is given mode 0600. Throws a PrivateFileError naming the file
	 * if it is not a known-rooms file: it is never reset silently.
	 */
	static async open(file: string): Promise<KnownRooms> {
		return new KnownRooms(file, await readPins(file));
	}

	/** Whether `publicKey` is the key pinned for `room` (a `roomKey`), a different one, or the first seen. */
	/** The key pinned for a room, and when, if one is. */
	pinned(room: string): {key: Uint8Array; pinnedAt: string} | undefined {
		const pin = this.pins.get(room);
		return pin && {key: new Uint8Array(Buffer.from(pin.key, 'base64')), pinnedAt: pin.pinnedAt};
	}

	check(room: string, publicKey: Uint8Array): KnownRoomCheck {
		assertRoomKey(room);
		const pin = this.pins.get(room);
		if (!pin) return {status: 'new'};
		if (pin.key === encodeKey(publicKey)) return {status: 'same'};
		return {status: 'changed', pinned: identityFingerprint(Buffer.from(pin.key, 'base64')), pinnedAt: pin.pinnedAt};
	}

	/**
	 * Pin `publicKey` for `room` as of `now`, replacing its pin if it had another (the person
	 * accepted the new key on purpose). The file is read again under a lock first, so that pins
	 * made meanwhile by other processes are kept, then replaced atomically.
	 */
	async pin(room: string, publicKey: Uint8Array, now: Date): Promise<void> {
		assertRoomKey(room);
		const pin = {key: encodeKey(publicKey), pinnedAt: now.toISOString()};
		const write = this.#writing.then(async () => {
			await makePrivateDir(path.dirname(this.file));
			await withFileLock(`${this.file}.lock`, async () => {
				const pins = await readPins(this.file);
				pins.set(room, pin);
				await writePrivateFile(this.file, formatPins(pins));
				this.pins = pins;
			});
		});
		this.#writing = write.catch(() => undefined);
		await write;
	}
}

/**
 * The fingerprint of the key pinned for each address and port, as the pins in `file` are now:
 * what marks the rooms discovery lists (`--list`, the start screen). Throws as `KnownRooms.open`.
 */
export async function pinnedFingerprints(file: string): Promise<(address: string, port: number) => string | undefined> {
	const rooms = await KnownRooms.open(file);
	return (address, port) => {
		let room: string;
		try {
			room = roomKey(address, port);
		} catch {
			return undefined;
		}

		const pin = rooms.pinned(room);
		return pin && identityFingerprint(pin.key);
	};
}

/**
 * What a person reads when `room` shows another key than the one pinned for it: what it may
 * mean, how to tell, and how to accept the new key on purpose.
 */
export function describeChange(room: string, pinnedFingerprint: string, newFingerprint: string, pinnedAt?: string): string {
	return [
		`The room at ${room} shows a different key from the one you pinned${pinnedAt ? ` on ${pinnedAt}` : ''}:`,
		`  pinned key:  ${pinnedFingerprint}`,
		`  key now:     ${newFingerprint}`,
		'Either the host reinstalled or lost its data folder (a new key is made then), or someone is',
		'posing as the host to read and change what you send. Not joined: neither your name nor',
		'anything you typed was sent. Ask the host in person, or by a channel you trust (not this',
		`chat), which fingerprint its room shows. Only if it is ${newFingerprint}, accept the new key on`,
		`purpose: join again with ${ACCEPT_NEW_KEY_FLAG}.`,
	].join('\n');
}

function assertRoomKey(room: string): void {
	if (!isRoomKey(room)) throw new RangeError(`"${room}" is not a room key: make it with roomKey(host, port)`);
}

function isRoomKey(room: string): boolean {
	const parsed = parseHostPort(room, 0);
	if ('error' in parsed || parsed.port === 0) return false;
	try {
		return roomKey(parsed.host, parsed.port) === room;
	} catch {
		return false;
	}
}

function encodeKey(publicKey: Uint8Array): string {
	if (publicKey.length !== PUBLIC_KEY_BYTES) throw new RangeError(`an Ed25519 public key has ${PUBLIC_KEY_BYTES} bytes, not ${publicKey.length}`);
	return Buffer.from(publicKey).toString('base64');
}

async function readPins(file: string): Promise<Map<string, Pin>> {
	const content = await readPrivateFile(file);
	if (!content) return new Map();
	const fail = (why: string): never => {
		throw new PrivateFileError(file, `${file} is not a known-rooms file (${why}); it was left as it is. Repair or remove it (removing it forgets every pinned room key).`);
	};

	const data = parseVersionOne(content, fileSchema, fail);

	const pins = new Map<string, Pin>();
	for (const [room, pin] of Object.entries(data.rooms)) {
		if (!isRoomKey(room)) fail(`"${room}" is not a normalised host:port`);
		if (Buffer.from(pin.key, 'base64').toString('base64') !== pin.key) fail(`the key of ${room} is not valid base64`);
		pins.set(room, pin);
	}

	return pins;
}

function formatPins(pins: Map<string, Pin>): string {
	const rooms = Object.fromEntries([...pins].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	return `${JSON.stringify({version: 1, rooms}, undefined, '\t')}\n`;
}
