import {randomBytes} from 'node:crypto';
import {readdir, rename, rm, stat} from 'node:fs/promises';
import path from 'node:path';
import {identityFingerprint} from '../protocol/secure/identity.js';
import {loadOrCreateIdentity} from './hub-identity-file.js';
import {errorCode, makePrivateDir, readPrivateFile, writePrivateFile} from './private-file.js';
import {HistoryKeyError, RoomStore} from './room-store.js';

/**
 * Where a host keeps its rooms: `DATA/rooms/FINGERPRINT/`, one folder per room, named by the
 * room's identity (the fingerprint of its hub key, the one members pin and compare aloud), each
 * with a manifest (`room.json`) that says whether the room is private and on which port it was
 * opened. A host started again on the same port, with or without a secret as before, goes on with
 * the same room; a private room is the one its secret opens, so two private rooms with different
 * secrets on one port are two rooms, each with its own key and sealed history.
 *
 * Folders of older versions (`DATA/room-PORT`, `DATA/room-PORT-private`) are moved into this
 * layout the first time a host opens that port again, key and history kept.
 */

/** The manifest's name inside a room's folder. */
export const MANIFEST_FILE = 'room.json';
/** The folder, inside the data folder, holding one folder per room. */
export const ROOMS_DIR = 'rooms';
const FORMAT = 1;
/** The longest manifest read; anything longer is not one of ours. */
const MAX_MANIFEST_BYTES = 4096;

export type RoomManifest = {
	readonly format: 1;
	/** The fingerprint of the room's hub key: also the folder's name. */
	readonly fingerprint: string;
	/** Whether the room needs a secret (its history is then sealed under it). */
	readonly private: boolean;
	/** The UDP port the room was opened on. */
	readonly port: number;
	/** When the room was made, and when a host last opened it (ISO 8601). */
	readonly created: string;
	readonly used: string;
};

export type OpenedRoom = {
	readonly store: RoomStore;
	readonly manifest: RoomManifest;
	/** True when this start made the room (a new key: members who pinned another see a changed key). */
	readonly created: boolean;
	/** The folder of an older version this start moved into the room's folder. */
	readonly movedFrom?: string;
};

/** The port's private rooms are kept under other secrets: this one opens none of them. */
export class OtherSecretError extends Error {
	override readonly name = 'OtherSecretError';
	constructor(
		readonly port: number,
		readonly kept: readonly RoomManifest[],
		readonly roomsDir: string,
	) {
		const keys = kept.map(room => room.fingerprint).join(', ');
		super(
			`the private room${kept.length === 1 ? '' : 's'} kept for port ${port} in ${roomsDir} (key ${keys}) ` +
				`${kept.length === 1 ? 'was' : 'were'} opened with another secret, and this one opens none. ` +
				'Give the room\'s own secret to go on with it, or add --new-room to open another private room on this port (with a key of its own: members will see a new room).',
		);
	}
}

/**
 * Opens the room a host asks for: on `port`, private when `secret` is given. Without `fresh`, the
 * room last used on that port with the same privacy (for a private room: among those its secret
 * opens); with `fresh`, or when there is none, a new room (a new key) is made.
 */
export async function openRoomFolder(dataDir: string, want: {port: number; secret?: string; fresh?: boolean}, now: Date = new Date()): Promise<OpenedRoom> {
	const roomsDir = path.join(dataDir, ROOMS_DIR);
	await makePrivateDir(roomsDir);
	const isPrivate = want.secret !== undefined;
	const movedFrom = await adoptOldFolder(dataDir, roomsDir, want.port, isPrivate, now);
	if (!want.fresh) {
		const candidates = (await readManifests(roomsDir))
			.filter(room => room.private === isPrivate && room.port === want.port)
			.sort((a, b) => b.used.localeCompare(a.used));
		for (const manifest of candidates) {
			const dir = path.join(roomsDir, manifest.fingerprint);
			try {
				const store = await RoomStore.open(dir, {secret: want.secret});
				const used = {...manifest, used: now.toISOString()};
				await writeManifest(dir, used);
				return {store, manifest: used, created: false, ...(movedFrom ? {movedFrom} : {})};
			} catch (error) {
				// Another private room on this port, under another secret: try the next.
				if (!(error instanceof HistoryKeyError) || !isPrivate) throw error;
			}
		}

		if (isPrivate && candidates.length > 0) throw new OtherSecretError(want.port, candidates, roomsDir);
	}

	const manifest = await makeRoom(roomsDir, want.port, isPrivate, now);
	const store = await RoomStore.open(path.join(roomsDir, manifest.fingerprint), {secret: want.secret});
	return {store, manifest, created: true, ...(movedFrom ? {movedFrom} : {})};
}

/** Every room's manifest in `roomsDir` (folders without a readable one of ours are left alone). */
export async function readManifests(roomsDir: string): Promise<RoomManifest[]> {
	const names = await readdir(roomsDir).catch((error: unknown) => {
		if (errorCode(error) === 'ENOENT') return [];
		throw error;
	});
	const manifests: RoomManifest[] = [];
	for (const name of names) {
		if (name.startsWith('.')) continue;
		const manifest = parseManifest(await readPrivateFile(path.join(roomsDir, name, MANIFEST_FILE)).catch(() => undefined));
		if (manifest?.fingerprint === name) manifests.push(manifest);
	}

	return manifests;
}

/** A manifest's content, or undefined for anything that is not one. */
export function parseManifest(content: Uint8Array | undefined): RoomManifest | undefined {
	if (!content || content.length > MAX_MANIFEST_BYTES) return undefined;
	try {
		const value = JSON.parse(Buffer.from(content).toString('utf8')) as Partial<RoomManifest>;
		if (
			value.format !== FORMAT ||
			typeof value.fingerprint !== 'string' ||
			!/^[a-z0-9-]{1,64}$/.test(value.fingerprint) ||
			typeof value.private !== 'boolean' ||
			!Number.isInteger(value.port) ||
			value.port! < 0 ||
			value.port! > 65_535 ||
			typeof value.created !== 'string' ||
			typeof value.used !== 'string'
		) {
			return undefined;
		}

		return value as RoomManifest;
	} catch {
		return undefined;
	}
}

async function writeManifest(dir: string, manifest: RoomManifest): Promise<void> {
	await writePrivateFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, undefined, '\t')}\n`);
}

/** Makes a room's folder: its key first (in a folder of its own), then named by that key's fingerprint. */
async function makeRoom(roomsDir: string, port: number, isPrivate: boolean, now: Date): Promise<RoomManifest> {
	const making = path.join(roomsDir, `.new-${randomBytes(6).toString('hex')}`);
	try {
		const {identity} = await loadOrCreateIdentity(making);
		const fingerprint = identityFingerprint(identity.publicKey);
		identity.secretKey.fill(0);
		const manifest: RoomManifest = {format: FORMAT, fingerprint, private: isPrivate, port, created: now.toISOString(), used: now.toISOString()};
		await writeManifest(making, manifest);
		await rename(making, path.join(roomsDir, fingerprint));
		return manifest;
	} finally {
		await rm(making, {recursive: true, force: true});
	}
}

/** Moves an older version's folder for this port and privacy into `rooms/`, key and history kept. */
async function adoptOldFolder(dataDir: string, roomsDir: string, port: number, isPrivate: boolean, now: Date): Promise<string | undefined> {
	const old = path.join(dataDir, `room-${port}${isPrivate ? '-private' : ''}`);
	const found = await stat(old).catch(() => undefined);
	if (!found?.isDirectory()) return undefined;
	// A folder made before hub keys were kept gets one now: it was never pinned by anyone.
	const {identity} = await loadOrCreateIdentity(old);
	const fingerprint = identityFingerprint(identity.publicKey);
	identity.secretKey.fill(0);
	const target = path.join(roomsDir, fingerprint);
	if (await stat(target).catch(() => undefined)) {
		throw new Error(`both ${old} and ${target} hold the room with key ${fingerprint}; keep the one you want and remove the other`);
	}

	const stamp = (await stat(path.join(old, 'events.jsonl')).catch(() => found)).mtime.toISOString();
	await writeManifest(old, {format: FORMAT, fingerprint, private: isPrivate, port, created: stamp, used: now.toISOString()});
	await rename(old, target);
	return old;
}
