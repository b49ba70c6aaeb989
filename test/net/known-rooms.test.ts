import {chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {ACCEPT_NEW_KEY_FLAG, describeChange, KnownRooms, roomKey} from '../../source/net/known-rooms.js';
import {identityFingerprint} from '../../source/protocol/secure/identity.js';

let work: string;
let file: string;

beforeEach(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'known-rooms-'));
	file = path.join(work, 'data', 'known-rooms.json');
});

afterEach(async () => {
	await rm(work, {recursive: true, force: true});
});

const key = (byte: number) => new Uint8Array(32).fill(byte);
const mode = async (where: string) => (await stat(where)).mode & 0o777;
const room = roomKey('192.168.1.5', 4000);
const monday = new Date('2025-03-03T10:00:00.000Z');

describe('roomKey: one key per room however its address is written', () => {
	test.each([
		['LocalHost', 'localhost:4000'],
		['Chat.Example.LOCAL.', 'chat.example.local:4000'],
		['192.168.1.5', '192.168.1.5:4000'],
		['::FFFF:192.168.1.5', '192.168.1.5:4000'],
		['0:0:0:0:0:ffff:c0a8:105', '192.168.1.5:4000'],
		['[::ffff:192.168.1.5]', '192.168.1.5:4000'],
		['2001:DB8:0:0:0:0:0:1', '[2001:db8::1]:4000'],
		['[FE80::0001]', '[fe80::1]:4000'],
		['fe80::1%eth0', '[fe80::1%eth0]:4000'],
		['::1', '[::1]:4000'],
	])('%s', (host, expected) => {
		expect(roomKey(host, 4000)).toBe(expected);
	});

	test.each([['', 4000], ['a b', 4000], ['a:b', 4000], ['host', 0], ['host', 65_536], ['host', 1.5]])('refuses %j port %d', (host, port) => {
		expect(() => roomKey(host, port)).toThrow(RangeError);
	});
});

test('a room first seen is new; once pinned its key is the same, in this and later opens', async () => {
	const rooms = await KnownRooms.open(file);
	expect(rooms.check(room, key(1))).toEqual({status: 'new'});
	await rooms.pin(room, key(1), monday);
	expect(rooms.check(room, key(1))).toEqual({status: 'same'});
	expect((await KnownRooms.open(file)).check(room, key(1))).toEqual({status: 'same'});
	expect(rooms.check(roomKey('192.168.1.5', 4001), key(1))).toEqual({status: 'new'});
});

test('another key for a pinned room is a change, with the pinned fingerprint and date', async () => {
	await (await KnownRooms.open(file)).pin(room, key(1), monday);
	const rooms = await KnownRooms.open(file);
	expect(rooms.check(room, key(2))).toEqual({status: 'changed', pinned: identityFingerprint(key(1)), pinnedAt: monday.toISOString()});
});

test('pinning a changed key on purpose replaces the old pin', async () => {
	const rooms = await KnownRooms.open(file);
	await rooms.pin(room, key(1), monday);
	const tuesday = new Date('2025-03-04T08:30:00.000Z');
	await rooms.pin(room, key(2), tuesday);
	const reopened = await KnownRooms.open(file);
	expect(reopened.check(room, key(2))).toEqual({status: 'same'});
	expect(reopened.check(room, key(1))).toMatchObject({status: 'changed', pinned: identityFingerprint(key(2)), pinnedAt: tuesday.toISOString()});
});

test('the file: versioned JSON of base64 keys and ISO dates, 0600 in a folder made 0700, nothing left beside it', async () => {
	const rooms = await KnownRooms.open(file);
	expect(await readdir(work)).toEqual([]); // Opening writes nothing.
	await rooms.pin(roomKey('::1', 4000), key(2), monday);
	expect(await mode(file)).toBe(0o600);
	const before = await stat(file);
	await rooms.pin(room, key(1), monday);
	expect((await stat(file)).ino).not.toBe(before.ino); // Replaced by a rename, not rewritten in place.
	expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
		version: 1,
		rooms: {
			'192.168.1.5:4000': {key: Buffer.from(key(1)).toString('base64'), pinnedAt: '2025-03-03T10:00:00.000Z'},
			'[::1]:4000': {key: Buffer.from(key(2)).toString('base64'), pinnedAt: '2025-03-03T10:00:00.000Z'},
		},
	});
	expect(await mode(file)).toBe(0o600);
	expect(await mode(path.dirname(file))).toBe(0o700);
	expect(await readdir(path.dirname(file))).toEqual(['known-rooms.json']);
});

test('a known-rooms file that group or others may read is given mode 0600', async () => {
	await (await KnownRooms.open(file)).pin(room, key(1), monday);
	await chmod(file, 0o644);
	expect((await KnownRooms.open(file)).check(room, key(1))).toEqual({status: 'same'});
	expect(await mode(file)).toBe(0o600);
});

test('a pin made by another writer since this one opened is kept (the file is read again before a write)', async () => {
	const first = await KnownRooms.open(file);
	const second = await KnownRooms.open(file);
	await first.pin(room, key(1), monday);
	await second.pin(roomKey('10.0.0.1', 4000), key(2), monday);
	const reopened = await KnownRooms.open(file);
	expect(reopened.check(room, key(1))).toEqual({status: 'same'});
	expect(reopened.check(roomKey('10.0.0.1', 4000), key(2))).toEqual({status: 'same'});
	expect(second.check(room, key(1))).toEqual({status: 'same'}); // The writer saw the other's pin too.
});

test('writers pinning at the same time lose none of each other’s pins', async () => {
	const writers = await Promise.all(Array.from({length: 8}, async () => KnownRooms.open(file)));
	await Promise.all(writers.flatMap((writer, n) => [1, 2].map(async port => writer.pin(roomKey(`10.0.0.${n + 1}`, port), key(n + 1), monday))));
	const reopened = await KnownRooms.open(file);
	for (let n = 0; n < 8; n++) {
		for (const port of [1, 2]) expect(reopened.check(roomKey(`10.0.0.${n + 1}`, port), key(n + 1))).toEqual({status: 'same'});
	}

	expect(await readdir(path.dirname(file))).toEqual(['known-rooms.json']);
});

describe('a file that is not a known-rooms file is an error naming it, and is left as it was', () => {
	const good = {key: Buffer.from(key(1)).toString('base64'), pinnedAt: monday.toISOString()};
	test.each([
		['not JSON', '{"version": 1, "rooms": {', /not JSON/],
		['a later version', JSON.stringify({version: 2, rooms: {}}), /version 2/],
		['no rooms', JSON.stringify({version: 1}), /rooms/],
		['a short key', JSON.stringify({version: 1, rooms: {[room]: {...good, key: Buffer.alloc(31).toString('base64')}}}), /key/],
		['a bad date', JSON.stringify({version: 1, rooms: {[room]: {...good, pinnedAt: 'monday'}}}), /pinnedAt/],
		['a room not normalised', JSON.stringify({version: 1, rooms: {'LocalHost:4000': good}}), /not a normalised host:port/],
		['no port', JSON.stringify({version: 1, rooms: {localhost: good}}), /not a normalised host:port/],
		['non-canonical base64', JSON.stringify({version: 1, rooms: {[room]: {...good, key: `${good.key.slice(0, 42)}B=`}}}), /not valid base64/],
	])('%s', async (_name, content, why) => {
		await (await KnownRooms.open(file)).pin(room, key(1), monday);
		await writeFile(file, content);
		const opening = KnownRooms.open(file);
		await expect(opening).rejects.toThrow(why);
		await expect(opening).rejects.toThrow(file);
		expect(await readFile(file, 'utf8')).toBe(content);
	});

	test('and a pin does not overwrite it either', async () => {
		const rooms = await KnownRooms.open(file);
		await mkdir(path.dirname(file));
		await writeFile(file, 'garbage');
		await expect(rooms.pin(room, key(1), monday)).rejects.toThrow(file);
		expect(await readFile(file, 'utf8')).toBe('garbage');
		expect(await readdir(path.dirname(file))).toEqual(['known-rooms.json']);
	});
});

test('check and pin refuse a room that is not a roomKey, and a key that is not 32 bytes', async () => {
	const rooms = await KnownRooms.open(file);
	expect(() => rooms.check('LocalHost:4000', key(1))).toThrow(/roomKey/);
	expect(() => rooms.check('::1:4000', key(1))).toThrow(/roomKey/);
	await expect(rooms.pin('192.168.1.5', key(1), monday)).rejects.toThrow(/roomKey/);
	await rooms.pin(room, key(1), monday);
	expect(() => rooms.check(room, new Uint8Array(31))).toThrow(/32 bytes/);
});

test('describeChange explains a changed key: both fingerprints, what it may mean, what to do', () => {
	const pinned = identityFingerprint(key(1));
	const now = identityFingerprint(key(2));
	const text = describeChange(room, pinned, now, monday.toISOString());
	expect(text).toContain(room);
	expect(text).toContain(`pinned key:  ${pinned}`);
	expect(text).toContain(`key now:     ${now}`);
	expect(text).toContain('2025-03-03T10:00:00.000Z');
	expect(text).toMatch(/reinstalled or lost its data folder/);
	expect(text).toMatch(/posing as the host/);
	expect(text).toMatch(/in person/);
	expect(text).toContain(`Only if it is ${now}`);
	expect(text).toContain(ACCEPT_NEW_KEY_FLAG);
	expect(ACCEPT_NEW_KEY_FLAG).toBe('--accept-new-key');
	expect(describeChange(room, pinned, now).split('\n')[0]).toBe(`The room at ${room} shows a different key from the one you pinned:`);
});
