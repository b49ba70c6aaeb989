import {createHash, randomBytes} from 'node:crypto';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {castSigner, roomGroup, roomGroup6} from '../../../source/protocol/cast/cast-wire.js';
import {castGroup} from '../../../source/protocol/cast/member-cast.js';
import {RoomCast} from '../../../source/protocol/cast/room-cast.js';
import {decodeHubItem} from '../../../source/protocol/items.js';
import type {HubMember} from '../../../source/protocol/room/hub-room-member.js';
import {generateIdentity} from '../../../source/protocol/secure/identity.js';

/** The 16 bytes of an IPv6 address, read by the URL parser (not by our code). */
function bytesOf(address: string): Buffer {
	const host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
	const [head = '', tail = ''] = host.split('::');
	const words = (text: string) => (text === '' ? [] : text.split(':').map(word => Number.parseInt(word, 16)));
	const left = words(head);
	const right = host.includes('::') ? words(tail) : [];
	const all = [...left, ...Array.from({length: 8 - left.length - right.length}, () => 0), ...right];
	return Buffer.from(all.flatMap(word => [word >> 8, word & 0xff]));
}

describe("the room's IPv6 group (docs/protocol.md, \"The group\")", () => {
	test('a fixed key gives the documented address: ff15::, then 0x80000000 + bytes 2-5 of SHA-256(key) mod 0x7f000000', () => {
		const key = Buffer.alloc(32, 1);
		const digest = createHash('sha256').update(key).digest();
		const id = 0x80_00_00_00 + (digest.readUInt32BE(2) % 0x7f_00_00_00);
		expect(bytesOf(roomGroup6(key)).toString('hex')).toBe(`ff15${'00'.repeat(10)}${id.toString(16).padStart(8, '0')}`);
		// The vector itself, so the derivation cannot drift with its test.
		expect(roomGroup6(key)).toBe('ff15::ee84:22c4');
	});

	test('any key: in ff15::/16 (transient, site scope), zeros up to the 32-bit group id, which is in 0x80000000-0xfeffffff; written as RFC 5952 says; the same every time', () => {
		fc.assert(
			fc.property(fc.uint8Array({minLength: 32, maxLength: 32}), key => {
				const group = roomGroup6(key);
				const bytes = bytesOf(group);
				expect(bytes[0]).toBe(0xff);
				expect(bytes[1]).toBe(0x15);
				expect(bytes.subarray(2, 12).every(byte => byte === 0)).toBe(true);
				const id = bytes.readUInt32BE(12);
				// Never a permanent id (below 0x80000000), never a solicited-node one's link-layer address (0xffxxxxxx).
				expect(id).toBeGreaterThanOrEqual(0x80_00_00_00);
				expect(id).toBeLessThan(0xff_00_00_00);
				// Canonical: what the URL parser writes back is the same text.
				expect(new URL(`http://[${group}]/`).hostname).toBe(`[${group}]`);
				expect(roomGroup6(key)).toBe(group);
				// A welcome carrying it decodes (the schema's pattern holds for every group we make).
				const welcome = {k: 'welcome', you: 'bob', members: [], history: [], cast: {g: roomGroup(key), g6: group, p: 9999, e: 1, key: 'k'.repeat(43)}};
				expect(decodeHubItem(welcome).ok).toBe(true);
			}),
			{numRuns: 2000},
		);
	});

	test('a welcome with some other IPv6 group, or a group outside ff15::, does not decode', () => {
		for (const g6 of ['ff12::8abc:de', 'ff15::1', 'ff15::ff00:1', 'ff15::8abc:00de', 'ff15::1:8abc:de', 'FF15::8ABC:DE']) {
			const welcome = {k: 'welcome', you: 'bob', members: [], history: [], cast: {g: '239.255.1.1', g6, p: 9999, e: 1, key: 'k'.repeat(43)}};
			expect(decodeHubItem(welcome).ok, g6).toBe(false);
		}
	});
});

describe('which group a member is offered, by how it came', () => {
	const identity = generateIdentity();
	const cast = (group6?: string) =>
		new RoomCast({random: bytes => new Uint8Array(randomBytes(bytes)), signer: castSigner(identity.secretKey, identity.publicKey), version: 4, rto: () => 100, group: '239.255.1.1', group6, port: 9999});
	const member = (address: string) => ({name: address, peer: {address, port: 1, key: `${address}:1`}}) as unknown as HubMember;

	test('IPv4: the IPv4 group alone; IPv6: the IPv6 group too (the one it opens), and the group its datagrams go to is of its family', () => {
		const room = cast('ff15::8abc:de');
		expect(room.info(member('10.0.0.2'))).toMatchObject({g: '239.255.1.1', p: 9999});
		expect(room.info(member('10.0.0.2'))).not.toHaveProperty('g6');
		expect(room.info(member('fd77::21'))).toMatchObject({g: '239.255.1.1', g6: 'ff15::8abc:de', p: 9999});
		expect(castGroup(room.info(member('fd77::21'))!)).toBe('ff15::8abc:de');
		expect(castGroup(room.info(member('10.0.0.2'))!)).toBe('239.255.1.1');
		expect(room.info(member('fe80::21%eth0'))?.g6).toBe('ff15::8abc:de');
		expect(room.groupOf(member('fd77::21'))).toBe('ff15::8abc:de');
		expect(room.groupOf(member('10.0.0.2'))).toBe('239.255.1.1');
	});

	test('IPv6 loopback, or a room without an IPv6 group: no group offered, and the reason says which', () => {
		const room = cast('ff15::8abc:de');
		expect(room.info(member('::1'))).toBeUndefined();
		expect(room.notOffered(member('::1'))).toMatch(/IPv6 loopback/);
		expect(room.notOffered(member('fd77::21'))).toBeUndefined();
		expect(cast().info(member('fd77::21'))).toBeUndefined();
		expect(cast().notOffered(member('fd77::21'))).toMatch(/no IPv6 group/);
	});
});
