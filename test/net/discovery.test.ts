/**
 * Discovery over real sockets, on loopback only: every socket binds 127.0.0.1 and every datagram
 * goes to 127.0.0.1 (nothing is ever sent to a LAN or broadcast address from a test).
 */
import dgram from 'node:dgram';
import {afterEach, describe, expect, test} from 'vitest';
import {findRooms, RoomAnnouncer, watchRooms, type AnnouncementFields, type RoomWatch} from '../../source/net/discovery.js';
import {encodeDiscovery} from '../../source/protocol/discovery-wire.js';
import {waitFor} from '../helpers/wait-for.js';
import {freeUdpPort} from '../helpers/free-port.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

function fields(overrides: Partial<AnnouncementFields> = {}): AnnouncementFields {
	return {room: 'lunch', host: 'laptop', port: 9999, transferPort: 22_222, members: 3, secret: false, version: 1, ...overrides};
}

async function announce(discoveryPort: number, info: () => AnnouncementFields, intervalMs = 100): Promise<RoomAnnouncer> {
	const announcer = new RoomAnnouncer({bind: '127.0.0.1', discoveryPort, intervalMs, info});
	await announcer.start();
	cleanups.push(async () => announcer.stop());
	return announcer;
}

async function watch(discoveryPort: number): Promise<RoomWatch> {
	const watcher = await watchRooms({discoveryPort, bind: '127.0.0.1'});
	cleanups.push(async () => watcher.close());
	return watcher;
}

describe('a room announced on 127.0.0.1', () => {
	test('announces only to 127.0.0.1', async () => {
		const announcer = await announce(await freeUdpPort(), () => fields());
		expect(announcer.targets).toEqual([{address: '127.0.0.1', kind: 'loopback'}]);
	});

	test('findRooms hears it within its timeout, with every field', async () => {
		const discoveryPort = await freeUdpPort();
		const announcer = await announce(discoveryPort, () => fields(), 300);
		const started = Date.now();
		const rooms = await findRooms({discoveryPort, bind: '127.0.0.1', timeoutMs: 1000});
		expect(Date.now() - started).toBeLessThan(2000);
		expect(rooms).toEqual([
			{
				address: '127.0.0.1',
				addresses: ['127.0.0.1'],
				port: 9999,
				name: 'lunch',
				host: 'laptop',
				members: 3,
				secret: false,
				transferPort: 22_222,
				version: 1,
				id: announcer.id,
				via: ['broadcast'],
			},
		]);
	});

	test('a private room\'s broadcast carries its key fingerprint (mDNS off), and findRooms gives it', async () => {
		const discoveryPort = await freeUdpPort();
		const fingerprint = 'k3xq-7a2m-p4fd-9zbe';
		const announcer = new RoomAnnouncer({bind: '127.0.0.1', discoveryPort, intervalMs: 100, mdns: false, fingerprint, info: () => fields({secret: true})});
		await announcer.start();
		cleanups.push(async () => announcer.stop());
		const rooms = await findRooms({discoveryPort, bind: '127.0.0.1', timeoutMs: 1000, mdns: false});
		expect(rooms).toMatchObject([{name: 'lunch', secret: true, fingerprint, via: ['broadcast']}]);
	});

	test('two hubs on different ports are both found, sorted by name', async () => {
		const discoveryPort = await freeUdpPort();
		const watcher = await watch(discoveryPort);
		await announce(discoveryPort, () => fields({room: 'b-room', port: 10_001, secret: true}));
		await announce(discoveryPort, () => fields({room: 'a-room', port: 10_002, transferPort: undefined}));
		const rooms = await waitFor(() => (watcher.rooms().length === 2 ? watcher.rooms() : undefined), {what: 'two rooms'});
		expect(rooms.map(room => [room.name, room.port, room.secret, room.transferPort])).toEqual([
			['a-room', 10_002, false, undefined],
			['b-room', 10_001, true, 22_222],
		]);
	});

	test('a change in the member count is seen at once after poke()', async () => {
		const discoveryPort = await freeUdpPort();
		const watcher = await watch(discoveryPort);
		let members = 1;
		const announcer = await announce(discoveryPort, () => fields({members}), 60_000);
		await waitFor(() => watcher.rooms()[0]?.members === 1, {what: 'the first announcement'});
		members = 4;
		announcer.poke();
		await waitFor(() => watcher.rooms()[0]?.members === 4, {what: 'the poked announcement', timeoutMs: 2000});
	});

	test('a change in the member count is seen on the next periodic announcement', async () => {
		const discoveryPort = await freeUdpPort();
		const watcher = await watch(discoveryPort);
		let members = 1;
		await announce(discoveryPort, () => fields({members}), 100);
		await waitFor(() => watcher.rooms()[0]?.members === 1, {what: 'the first announcement'});
		members = 2;
		await waitFor(() => watcher.rooms()[0]?.members === 2, {what: 'the next announcement'});
		expect(watcher.rooms()).toHaveLength(1);
	});

	test('subscribers are told when the list changes, and the snapshot is stable otherwise', async () => {
		const discoveryPort = await freeUdpPort();
		let heard = 0;
		const watcher = await watchRooms({discoveryPort, bind: '127.0.0.1', onMessage: () => heard++});
		cleanups.push(async () => watcher.close());
		let calls = 0;
		const unsubscribe = watcher.subscribe(() => calls++);
		await announce(discoveryPort, () => fields(), 30);
		await waitFor(() => calls >= 1, {what: 'a change'});
		const first = watcher.rooms();
		const seen = heard;
		await waitFor(() => heard >= seen + 3, {what: 'three more identical announcements'});
		expect(watcher.rooms()).toBe(first);
		expect(calls).toBe(1);
		unsubscribe();
	});

	test('after stop() nothing is announced any more', async () => {
		const discoveryPort = await freeUdpPort();
		const announcer = await announce(discoveryPort, () => fields(), 50);
		expect(await findRooms({discoveryPort, bind: '127.0.0.1', timeoutMs: 300})).toHaveLength(1);
		await announcer.stop();
		expect(await findRooms({discoveryPort, bind: '127.0.0.1', timeoutMs: 400})).toEqual([]);
	});

	test('a watcher forgets a room it stops hearing', async () => {
		const discoveryPort = await freeUdpPort();
		const watcher = await watchRooms({discoveryPort, bind: '127.0.0.1', expireMs: 300});
		cleanups.push(async () => watcher.close());
		const announcer = await announce(discoveryPort, () => fields(), 50);
		await waitFor(() => watcher.rooms().length === 1, {what: 'the room'});
		await announcer.stop();
		await waitFor(() => watcher.rooms().length === 0, {what: 'the room to expire'});
	});

	test('an invalid info() is not sent, and says why in failures', async () => {
		const discoveryPort = await freeUdpPort();
		const watcher = await watch(discoveryPort);
		let port = 0;
		const announcer = await announce(discoveryPort, () => fields({port}), 50);
		expect(announcer.failures.get('info')).toMatch(/port/);
		port = 9999;
		await waitFor(() => watcher.rooms().length === 1, {what: 'the corrected announcement'});
		expect(announcer.failures.has('info')).toBe(false);
	});
});

describe('the discovery port', () => {
	test('garbage and probes are ignored and counted; a good announcement still gets through', async () => {
		const discoveryPort = await freeUdpPort();
		const watcher = await watch(discoveryPort);
		const sender = dgram.createSocket('udp4');
		await new Promise<void>(resolve => {
			sender.bind(0, '127.0.0.1', resolve);
		});
		cleanups.push(async () => new Promise(resolve => {
			sender.close(() => resolve());
		}));
		const send = async (bytes: Uint8Array) => new Promise<void>(resolve => {
			sender.send(bytes, discoveryPort, '127.0.0.1', () => resolve());
		});
		await send(Buffer.from('hello, world'));
		await send(Buffer.from('SCD\u0001{"k":"room"}'));
		await send(Buffer.from('SCD\u0009{}'));
		await send(encodeDiscovery({k: 'probe', nonce: 'n-1'}));
		await send(encodeDiscovery({k: 'room', id: 'abc', ...fields({room: 'real'})}));
		const rooms = await waitFor(() => (watcher.rooms().length === 1 ? watcher.rooms() : undefined), {what: 'the real room'});
		expect(rooms[0]!.name).toBe('real');
		expect(watcher.ignored).toEqual({'bad-magic': 1, 'bad-message': 1, version: 1});
	});

	test('two listeners share the port (reuseAddr), and the room reaches them', async () => {
		const discoveryPort = await freeUdpPort();
		const first = await watchRooms({discoveryPort, bind: '127.0.0.1'});
		const second = await watchRooms({discoveryPort, bind: '127.0.0.1'});
		cleanups.push(async () => first.close());
		await announce(discoveryPort, () => fields(), 50);
		// A loopback announcement is unicast: the kernel hands each datagram to one of the sockets
		// sharing the port (Linux: the one bound last). Broadcasts reach all of them.
		const [heard, other] = await waitFor(() =>
			second.rooms().length === 1 ? [second, first] : (first.rooms().length === 1 ? [first, second] : undefined), {what: 'either listener to hear'});
		await heard.close();
		// When the listener that heard goes away (a --list exiting), the other one hears the room.
		await waitFor(() => other.rooms().length === 1, {what: 'the remaining listener to hear'});
		if (heard !== second) {
			await second.close();
		}
	});

	test('findRooms rejects when the port is held by a socket that does not share it', async () => {
		const holder = dgram.createSocket({type: 'udp4', reuseAddr: false});
		await new Promise<void>(resolve => {
			holder.bind(0, '127.0.0.1', resolve);
		});
		cleanups.push(async () => new Promise(resolve => {
			holder.close(() => resolve());
		}));
		await expect(findRooms({discoveryPort: holder.address().port, bind: '127.0.0.1', timeoutMs: 100})).rejects.toMatchObject({code: 'EADDRINUSE'});
	});
});
