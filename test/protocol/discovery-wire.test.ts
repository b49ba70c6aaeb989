import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {
	decodeDiscovery,
	DISCOVERY_NAME_MAX_CHARS,
	encodeDiscovery,
	MAX_BUILT_DISCOVERY_BYTES,
	tidyName,
	type Announcement,
	type DiscoveryMessage,
} from '../../source/protocol/discovery-wire.js';

const header = Buffer.from([0x53, 0x43, 0x44, 1]);
const datagram = (value: unknown) => Buffer.concat([header, Buffer.from(JSON.stringify(value))]);
const room: Announcement = {k: 'room', id: 'a1b2c3', room: 'lunch', host: 'laptop', port: 9999, transferPort: 22_222, members: 3, secret: false, version: 1};

describe('round trips', () => {
	const valid: DiscoveryMessage[] = [
		room,
		{k: 'room', id: 'x', room: '', host: '', port: 1, members: 0, secret: true, version: 0},
		{k: 'room', id: 'z'.repeat(32), room: 'Café ☕ 会議室', host: 'box.local', port: 65_535, members: 256, secret: false, version: 255},
		{k: 'probe', nonce: 'abc-0'},
		{...room, secret: true, fingerprint: 'k3xq-7a2m-p4fd-9zbe'},
	];

	test.each(valid)('%j', message => {
		const encoded = encodeDiscovery(message);
		expect(encoded.subarray(0, 4)).toEqual(header);
		expect(decodeDiscovery(encoded)).toEqual({ok: true, message});
	});

	test('a fingerprint that is not one (wrong alphabet, wrong shape, not a string) is dropped, the announcement kept', () => {
		for (const fingerprint of ['k3xq-7a2m-p4fd-9zb0', 'k3xq7a2mp4fd9zbe', 'K3XQ-7A2M-P4FD-9ZBE', 'k3xq-7a2m-p4fd-9zbe-aaaa', 'k3xq-7a2m', 42]) {
			expect(decodeDiscovery(datagram({...room, fingerprint}))).toEqual({ok: true, message: room});
		}
	});

	test('unknown fields are ignored (a later version may add some)', () => {
		expect(decodeDiscovery(datagram({...room, motd: 'hi'}))).toEqual({ok: true, message: room});
	});

	test('long names are cut to 64 characters, and the datagram stays small', () => {
		const encoded = encodeDiscovery({...room, room: 'r'.repeat(5000), host: '😀'.repeat(5000)});
		expect(encoded.length).toBeLessThanOrEqual(MAX_BUILT_DISCOVERY_BYTES);
		const decoded = decodeDiscovery(encoded);
		expect(decoded.ok && decoded.message.k === 'room' && [decoded.message.room, decoded.message.host]).toEqual([
			'r'.repeat(DISCOVERY_NAME_MAX_CHARS),
			'😀'.repeat(DISCOVERY_NAME_MAX_CHARS),
		]);
	});

	test('escape sequences and controls in names from the network are removed on decoding', () => {
		const decoded = decodeDiscovery(datagram({...room, room: '\u001B[2J\u001B]0;pwned\u0007evil\u202E room', host: 'a\nb'}));
		expect(decoded.ok && decoded.message.k === 'room' && [decoded.message.room, decoded.message.host]).toEqual(['evil room', 'a b']);
	});
});

describe('typed errors', () => {
	test.each([
		['empty', Buffer.alloc(0), 'too-short'],
		['a header alone', header, 'too-short'],
		['too long', Buffer.concat([header, Buffer.alloc(1300, 0x20)]), 'too-long'],
		['a chat datagram', Buffer.from('SC\u0001\u0000........[]'), 'bad-magic'],
		['another wire version', Buffer.concat([Buffer.from('SCD\u0002'), Buffer.from(JSON.stringify(room))]), 'version'],
		['not JSON', Buffer.concat([header, Buffer.from('hello')]), 'bad-json'],
		['invalid UTF-8', Buffer.concat([header, Buffer.from([0x7B, 0xFF, 0x7D])]), 'bad-json'],
		['JSON null', datagram(null), 'bad-message'],
		['an array', datagram([room]), 'bad-message'],
		['an unknown kind', datagram({...room, k: 'party'}), 'bad-message'],
		['no port', datagram({...room, port: undefined}), 'bad-message'],
		['port 0', datagram({...room, port: 0}), 'bad-message'],
		['port 65536', datagram({...room, port: 65_536}), 'bad-message'],
		['a fractional port', datagram({...room, port: 99.5}), 'bad-message'],
		['a string port', datagram({...room, port: '9999'}), 'bad-message'],
		['negative members', datagram({...room, members: -1}), 'bad-message'],
		['secret as a string', datagram({...room, secret: 'no'}), 'bad-message'],
		['a bad id', datagram({...room, id: '../x'}), 'bad-message'],
		['a name that is not a string', datagram({...room, room: 42}), 'bad-message'],
		['a probe without nonce', datagram({k: 'probe'}), 'bad-message'],
	])('%s', (_, bytes, code) => {
		const decoded = decodeDiscovery(bytes);
		expect(decoded.ok).toBe(false);
		expect(!decoded.ok && decoded.code).toBe(code);
	});
});

const announcement = fc.record({
	k: fc.constant('room' as const),
	id: fc.stringMatching(/^[\w-]{1,32}$/),
	room: fc.string({unit: 'binary', maxLength: 300}),
	host: fc.string({unit: 'grapheme', maxLength: 300}),
	port: fc.integer({min: 1, max: 65_535}),
	transferPort: fc.option(fc.integer({min: 1, max: 65_535}), {nil: undefined}),
	members: fc.nat({max: 1_000_000}),
	secret: fc.boolean(),
	version: fc.integer({min: 0, max: 255}),
});

describe('properties', () => {
	test('arbitrary bytes never throw, and give a typed result', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 1500}), fc.boolean(), (bytes, withHeader) => {
				const input = withHeader ? Buffer.concat([header, bytes]) : bytes;
				const decoded = decodeDiscovery(input);
				expect(typeof decoded.ok).toBe('boolean');
			}),
			{numRuns: 2000},
		);
	});

	test('arbitrary JSON after a valid header never throws', () => {
		fc.assert(
			fc.property(fc.jsonValue(), value => {
				expect(typeof decodeDiscovery(datagram(value)).ok).toBe('boolean');
			}),
			{numRuns: 1000},
		);
	});

	test('any announcement round-trips, names tidied, within the size bound', () => {
		fc.assert(
			fc.property(announcement, value => {
				const message = value.transferPort === undefined ? (({transferPort: _, ...rest}) => rest)(value) : value;
				const encoded = encodeDiscovery(message);
				expect(encoded.length).toBeLessThanOrEqual(MAX_BUILT_DISCOVERY_BYTES);
				expect(decodeDiscovery(encoded)).toEqual({ok: true, message: {...message, room: tidyName(message.room), host: tidyName(message.host)}});
			}),
			{numRuns: 1000},
		);
	});

	test('tidying a name twice changes nothing', () => {
		fc.assert(
			fc.property(fc.string({unit: 'binary', maxLength: 200}), name => {
				expect(tidyName(tidyName(name))).toBe(tidyName(name));
				expect([...tidyName(name)].length).toBeLessThanOrEqual(DISCOVERY_NAME_MAX_CHARS);
			}),
		);
	});
});
