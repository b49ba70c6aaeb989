/** `--list` and `--join` without an address: what is printed and picked. */
import dgram from 'node:dgram';
import {PassThrough} from 'node:stream';
import {describe, expect, test} from 'vitest';
import {formatRoomTable, pickRoom, runList} from '../../source/cli/list.js';
import {PROTOCOL_VERSION} from '../../source/protocol/limits.js';
import {RoomAnnouncer, type FoundRoom} from '../../source/net/discovery.js';

const lunch: FoundRoom = {
	address: '192.168.1.8', addresses: ['192.168.1.8'], port: 9999, name: 'lunch', host: 'laptop', members: 3, secret: false, transferPort: 22_222, version: PROTOCOL_VERSION, id: 'a', via: ['broadcast'],
};
const ops: FoundRoom = {
	address: 'fd00::9', addresses: ['fd00::9'], port: 10_000, name: 'ops', host: 'box', members: 1, secret: true, version: PROTOCOL_VERSION, id: 'b', via: ['mdns'],
};
const future: FoundRoom = {...lunch, name: 'next', address: '192.168.1.10', addresses: ['192.168.1.10'], version: PROTOCOL_VERSION + 1, id: 'c'};

function capture(): {stream: PassThrough; text: () => string} {
	const stream = new PassThrough();
	let text = '';
	stream.on('data', (chunk: Buffer) => {
		text += chunk.toString('utf8');
	});
	return {stream, text: () => text};
}

describe('pickRoom', () => {
	test('exactly one room is the one', () => {
		expect(pickRoom([lunch])).toEqual({room: lunch});
	});

	test('no room: an error with what to do instead', () => {
		const picked = pickRoom([], 9997);
		expect('error' in picked && picked.error).toMatch(/^no room found/);
		expect('error' in picked && picked.error).toContain('UDP port 9997');
		expect('error' in picked && picked.error).toContain('--join ADDR[:PORT]');
	});

	test('a private room announced with its key fingerprint: the row shows it, to compare with the host\'s', () => {
		const lines = formatRoomTable([{...ops, fingerprint: 'k3xq-7a2m-p4fd-9zbe'}]);
		expect(lines[1]).toMatch(/\(secret: add --secret-file PATH; key k3xq-7a2m-p4fd-9zbe\)$/);
	});

	test('several rooms: an error listing each with the exact command to type', () => {
		const picked = pickRoom([lunch, ops]);
		expect('error' in picked).toBe(true);
		const lines = 'error' in picked ? picked.error.split('\n') : [];
		expect(lines[0]).toBe('2 rooms found; say which one to join:');
		expect(lines[1]).toMatch(/^ {2}ROOM +HOST +MEMBERS +JOIN WITH$/);
		expect(lines[2]).toMatch(/^ {2}lunch +laptop +3 +npx socket-chat-tui --join 192\.168\.1\.8:9999$/);
		expect(lines[3]).toMatch(/^ {2}ops +box +1 +npx socket-chat-tui --join \[fd00::9\]:10000 +\(secret: add --secret-file PATH\)$/);
	});
});

describe('runList', () => {
	test('plain: a table with the commands to type; exit 0', async () => {
		const out = capture();
		const code = await runList({discoveryPort: 9997, json: false, output: out.stream, find: async () => [lunch, future]});
		expect(code).toBe(0);
		expect(out.text()).toContain('2 rooms found:\n');
		expect(out.text()).toContain('npx socket-chat-tui --join 192.168.1.8:9999\n');
		expect(out.text()).toMatch(new RegExp(`--join 192\\.168\\.1\\.10:9999 +\\(speaks protocol ${PROTOCOL_VERSION + 1}, this is ${PROTOCOL_VERSION}`));
	});

	test('json: one object per room and line, nothing else on stdout', async () => {
		const out = capture();
		const errors = capture();
		expect(await runList({discoveryPort: 9997, json: true, output: out.stream, errors: errors.stream, find: async () => [lunch, ops]})).toBe(0);
		const lines = out.text().trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
		expect(lines).toEqual([
			{type: 'room', address: '192.168.1.8', port: 9999, name: 'lunch', host: 'laptop', members: 3, secret: false, version: PROTOCOL_VERSION, transferPort: 22_222, via: ['broadcast'], join: 'npx socket-chat-tui --join 192.168.1.8:9999'},
			{type: 'room', address: 'fd00::9', port: 10_000, name: 'ops', host: 'box', members: 1, secret: true, version: PROTOCOL_VERSION, via: ['mdns'], join: 'npx socket-chat-tui --join [fd00::9]:10000'},
		]);
		expect(errors.text()).toBe('');
	});

	test('none found: a message and hints, exit 0 (in JSON mode on the error stream)', async () => {
		const out = capture();
		const errors = capture();
		expect(await runList({discoveryPort: 9997, json: true, output: out.stream, errors: errors.stream, find: async () => []})).toBe(0);
		expect(out.text()).toBe('');
		expect(errors.text()).toMatch(/^no rooms found within 3 s \(listening on UDP port 9997\):\n {2}- /);
	});

	test('the port cannot be bound: exit 1 with the reason', async () => {
		const out = capture();
		const failure = Object.assign(new Error('bind EADDRINUSE'), {code: 'EADDRINUSE'});
		expect(await runList({discoveryPort: 9997, json: false, output: out.stream, find: async () => Promise.reject(failure)})).toBe(1);
		expect(out.text()).toContain('cannot listen for rooms on UDP port 9997 (EADDRINUSE)');
	});

	test('for real, on loopback: a room announced on 127.0.0.1 is listed', async () => {
		const probe = dgram.createSocket('udp4');
		await new Promise<void>(resolve => {
			probe.bind(0, '127.0.0.1', resolve);
		});
		const discoveryPort = probe.address().port;
		probe.close();
		const announcer = new RoomAnnouncer({
			bind: '127.0.0.1',
			discoveryPort,
			intervalMs: 100,
			info: () => ({room: 'lunch', host: 'laptop', port: 4321, members: 2, secret: false, version: PROTOCOL_VERSION}),
		});
		await announcer.start();
		try {
			const out = capture();
			expect(await runList({discoveryPort, json: true, output: out.stream, bind: '127.0.0.1', timeoutMs: 600})).toBe(0);
			expect(JSON.parse(out.text())).toMatchObject({address: '127.0.0.1', port: 4321, name: 'lunch', members: 2});
		} finally {
			await announcer.stop();
		}
	});
});
