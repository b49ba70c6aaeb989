import path from 'node:path';
import {z} from 'zod';
import {NAME_MAX_CHARS} from '../protocol/limits.js';
import type {IgnoreList} from '../session/ignore-list.js';
import type {IgnoreStore} from '../session/ports.js';
import {withFileLock} from './file-lock.js';
import {makePrivateDir, parseVersionOne, PrivateFileError, readPrivateFile, writePrivateFile} from './private-file.js';

/**
 * Who a member ignores, per room (keyed as known-rooms.json keys rooms: `roomKey(host, port)`),
 * in `<data>/ignored.json`, mode 0600:
 *
 *     {"version": 1, "rooms": {"192.168.1.5:9999": [{"name": "robert", "keys": ["bob", "robert"]}]}}
 *
 * `keys` are every name the member had while ignored (name keys: case folded). A file that is
 * not this is never overwritten: reading it fails with a message saying what to do.
 */

const nameText = z.string().min(1).max(NAME_MAX_CHARS * 4);
const fileSchema = z.object({
	version: z.literal(1),
	rooms: z.record(z.string(), z.array(z.strictObject({name: nameText, keys: z.array(nameText).min(1)}))),
});

type Rooms = Map<string, IgnoreList>;

async function readRooms(file: string): Promise<Rooms> {
	const content = await readPrivateFile(file);
	if (!content) return new Map();
	const fail = (why: string): never => {
		throw new PrivateFileError(
			file,
			`${file} is not a list of ignored members (${why}); it was left as it is. Repair or remove it (removing it forgets who you ignored in every room).`,
		);
	};

	const data = parseVersionOne(content, fileSchema, fail);

	return new Map(Object.entries(data.rooms));
}

function formatRooms(rooms: Rooms): string {
	const sorted = Object.fromEntries([...rooms].filter(([, list]) => list.length > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	return `${JSON.stringify({version: 1, rooms: sorted}, undefined, '\t')}\n`;
}

/** The ignore list of `room` (a `roomKey`) in `file`; each save reads the file again under a lock, so other rooms' lists are kept. */
export function ignoreFile(file: string, room: string): IgnoreStore {
	return {
		where: file,
		async load() {
			return (await readRooms(file)).get(room) ?? [];
		},
		async save(list) {
			await makePrivateDir(path.dirname(file));
			await withFileLock(`${file}.lock`, async () => {
				const rooms = await readRooms(file);
				rooms.set(room, list);
				await writePrivateFile(file, formatRooms(rooms));
			});
		},
	};
}
