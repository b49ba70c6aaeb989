/** `--list` and the pins: a room whose address has a pinned key is listed first and marked. */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {PassThrough} from 'node:stream';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {PIN_NOTES, runList} from '../../source/cli/list.js';
import type {FindRoomsOptions, FoundRoom} from '../../source/net/discovery.js';
import {RoomTable} from '../../source/net/discovery-rooms.js';
import {KnownRooms, pinnedFingerprints, roomKey} from '../../source/net/known-rooms.js';
import {PROTOCOL_VERSION} from '../../source/protocol/limits.js';
import {identityFingerprint} from '../../source/protocol/secure/identity.js';

let work: string;
let file: string;
beforeEach(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'list-pins-'));
	file = path.join(work, 'known-rooms.json');
});
afterEach(async () => {
	await rm(work, {recursive: true, force: true});
});

const key = new Uint8Array(32).fill(9);
const other = new Uint8Array(32).fill(10);

function capture(): {stream: PassThrough; text: () => string} {
	const stream = new PassThrough();
	let text = '';
	stream.on('data', (chunk: Buffer) => {
		text += chunk.toString('utf8');
	});
	return {stream, text: () => text};
}

/** A `find` that hears the rooms through a RoomTable with the pins `runList` hands it, as findRooms does. */
function hearing(...rooms: Array<{name: string; address: string; fingerprint?: string}>): (options: FindRoomsOptions) => Promise<FoundRoom[]> {
	return async options => {
		const table = new RoomTable(options.pins ? {pins: options.pins} : {});
		for (const [index, room] of rooms.entries()) {
			table.add({k: 'room', id: `id${index}`, room: room.name, host: 'box', port: 9999, members: 1, secret: room.fingerprint !== undefined, version: PROTOCOL_VERSION}, room.address, 0, room.fingerprint ? 'mdns' : 'broadcast', room.fingerprint);
		}

		return [...table.rooms()];
	};
}

describe('pinnedFingerprints', () => {
	test('the fingerprint of the key pinned at an address and port, however the address is written', async () => {
		await (await KnownRooms.open(file)).pin(roomKey('192.168.1.9', 9999), key, new Date());
		const pins = await pinnedFingerprints(file);
		expect(pins('192.168.1.9', 9999)).toBe(identityFingerprint(key));
		expect(pins('::ffff:192.168.1.9', 9999)).toBe(identityFingerprint(key));
		expect(pins('192.168.1.9', 9998)).toBeUndefined();
		expect(pins('not an address', 9999)).toBeUndefined();
	});

	test('no file: nothing pinned', async () => {
		expect((await pinnedFingerprints(file))('192.168.1.9', 9999)).toBeUndefined();
	});
});

describe('--list with pins', () => {
	test('plain: the pinned room first, marked; one listed with another key marked as a warning', async () => {
		const rooms = await KnownRooms.open(file);
		await rooms.pin(roomKey('192.168.1.9', 9999), key, new Date());
		await rooms.pin(roomKey('192.168.1.7', 9999), key, new Date());
		const out = capture();
		const find = hearing(
			{name: 'alpha', address: '192.168.1.8'},
			{name: 'omega', address: '192.168.1.9'},
			{name: 'beta', address: '192.168.1.7', fingerprint: identityFingerprint(other)},
		);
		expect(await runList({discoveryPort: 9997, json: false, output: out.stream, knownRoomsFile: file, find})).toBe(0);
		const lines = out.text().split('\n');
		expect(lines[0]).toBe('3 rooms found:');
		expect(lines[2]).toMatch(new RegExp(`^ {2}omega .*--join 192\\.168\\.1\\.9:9999 +\\(${PIN_NOTES.pinned}\\)$`));
		expect(lines[3]).toMatch(/^ {2}alpha .*--join 192\.168\.1\.8:9999$/);
		expect(lines[4]).toMatch(new RegExp(`^ {2}beta .*--join 192\\.168\\.1\\.7:9999 +\\(${PIN_NOTES.mismatch}; secret`));
	});

	test('json: "pin" says which', async () => {
		await (await KnownRooms.open(file)).pin(roomKey('192.168.1.9', 9999), key, new Date());
		const out = capture();
		const find = hearing({name: 'alpha', address: '192.168.1.8'}, {name: 'omega', address: '192.168.1.9', fingerprint: identityFingerprint(key)});
		expect(await runList({discoveryPort: 9997, json: true, output: out.stream, errors: capture().stream, knownRoomsFile: file, find})).toBe(0);
		const lines = out.text().trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
		expect(lines.map(line => [line.name, line.pin])).toEqual([['omega', 'pinned'], ['alpha', undefined]]);
	});

	test('a pins file that cannot be read: said on the error stream, and the rooms are listed all the same', async () => {
		await writeFile(file, 'not json');
		const out = capture();
		const errors = capture();
		expect(await runList({discoveryPort: 9997, json: true, output: out.stream, errors: errors.stream, knownRoomsFile: file, find: hearing({name: 'alpha', address: '192.168.1.8'})})).toBe(0);
		expect(JSON.parse(out.text())).toMatchObject({name: 'alpha'});
		expect(errors.text()).toContain('is not a known-rooms file');
		expect(errors.text()).toContain('listed without their pins');
	});
});
