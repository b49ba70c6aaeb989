/**
 * A flood of fake rooms on the discovery port, over real sockets on loopback only: the fakes come
 * from 127.0.0.2 and up (on Linux every 127.x address is this machine's) and go to 127.0.0.1; the
 * real hub binds 127.0.0.1. Its room must still be listed by the real `--list`, and a hub's own
 * schedule of announcements must never be limited.
 */
import {spawn} from 'node:child_process';
import dgram from 'node:dgram';
import {mkdtemp, readFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {RoomAnnouncer, watchRooms} from '../../source/net/discovery.js';
import type {Hub} from '../../source/net/hub.js';
import {KnownRooms, roomKey} from '../../source/net/known-rooms.js';
import {encodeDiscovery} from '../../source/protocol/discovery-wire.js';
import {PROTOCOL_VERSION} from '../../source/protocol/limits.js';
import {cliPath, watchProcess, type CliProcess} from '../helpers/cli-process.js';
import {freeUdpPort} from '../helpers/free-port.js';
import {startHub} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

/** UDP sockets bound to 127.0.0.2, 127.0.0.3 ...: the fake announcers' source addresses. */
async function fakeSources(count: number): Promise<dgram.Socket[]> {
	const sockets = await Promise.all(Array.from({length: count}, async (_, index) => {
		const socket = dgram.createSocket('udp4');
		await new Promise<void>((resolve, reject) => {
			socket.once('error', reject);
			socket.bind(0, `127.0.${(index + 2) >> 8}.${(index + 2) & 0xff}`, () => {
				socket.off('error', reject);
				resolve();
			});
		});
		return socket;
	}));
	cleanups.push(async () => {
		await Promise.all(sockets.map(async socket => new Promise<void>(resolve => {
			socket.close(() => resolve());
		})));
	});
	return sockets;
}

/** `count` announcements of rooms that do not exist, spread over `sources`, to 127.0.0.1:`port`. */
async function flood(sources: readonly dgram.Socket[], count: number, port: number): Promise<void> {
	for (let index = 0; index < count; index++) {
		const datagram = encodeDiscovery({
			k: 'room', id: `ghost-${index}`, room: `ghost ${index}`, host: 'nowhere', port: 20_000 + index, members: 0, secret: false, version: PROTOCOL_VERSION,
		});
		await new Promise<void>((resolve, reject) => {
			sources[index % sources.length]!.send(datagram, port, '127.0.0.1', error => (error ? reject(error) : resolve()));
		});
	}
}

/**
 * The socket bound to 0.0.0.0:`port` as /proc/net/udp tells it (Linux): whether it exists, the
 * bytes waiting in its receive queue, and the datagrams the kernel dropped for want of room.
 */
async function wildcardSocket(port: number): Promise<{queued: number; drops: number} | undefined> {
	const local = `00000000:${port.toString(16).toUpperCase().padStart(4, '0')}`;
	for (const line of (await readFile('/proc/net/udp', 'utf8')).split('\n').slice(1)) {
		const fields = line.trim().split(/\s+/);
		if (fields[1] === local) {
			return {queued: Number.parseInt(fields[4]!.split(':')[1]!, 16), drops: Number(fields.at(-1))};
		}
	}

	return undefined;
}

/** The real `--list --json`, with a data folder (and so pins) of its own. */
async function list(discoveryPort: number, data: string): Promise<CliProcess> {
	const child = spawn(process.execPath, [cliPath, '--list', '--json', '--discovery-port', String(discoveryPort)], {
		stdio: 'pipe',
		env: {...process.env, XDG_DATA_HOME: data, FORCE_COLOR: '0'},
	});
	const listing = watchProcess(child, '--list');
	cleanups.push(() => {
		child.kill('SIGKILL');
	});
	// Flood only once it listens, or the fakes would fall on a closed port.
	await waitFor(async () => wildcardSocket(discoveryPort), {what: () => `--list to bind UDP ${discoveryPort}\nstderr: ${listing.stderr}`});
	return listing;
}

/** The hub's announcer, as `--host` runs one: on 127.0.0.1, every 2 s and at once at start. */
async function announce(hub: Hub, discoveryPort: number, room: string): Promise<RoomAnnouncer> {
	const announcer = new RoomAnnouncer({
		bind: '127.0.0.1',
		discoveryPort,
		info: () => ({room, host: 'real-host', port: hub.port, members: hub.memberNames().length, secret: false, version: PROTOCOL_VERSION}),
	});
	await announcer.start();
	cleanups.push(async () => announcer.stop());
	return announcer;
}

async function realHub(): Promise<Hub> {
	const hub = await startHub();
	cleanups.push(async () => hub.close());
	return hub;
}

describe.skipIf(process.platform !== 'linux')('--list during a flood of 1,000 fake rooms', () => {
	test('from 127.0.0.2-127.0.0.5: the real hub announced after them is still listed', async () => {
		const discoveryPort = await freeUdpPort();
		const hub = await realHub();
		const sources = await fakeSources(4);
		const data = await mkdtemp(path.join(process.env.XDG_DATA_HOME ?? tmpdir(), 'flood-'));
		const listing = await list(discoveryPort, data);
		await flood(sources, 1000, discoveryPort);
		// Every fake read by --list before the real room is announced.
		await waitFor(async () => (await wildcardSocket(discoveryPort))?.queued === 0, {what: 'the fakes to be read'});
		await announce(hub, discoveryPort, 'the real one');
		expect(await listing.exited()).toBe(0);
		const rooms = listing.json();
		expect(rooms).toContainEqual(expect.objectContaining({type: 'room', address: '127.0.0.1', port: hub.port, name: 'the real one'}));
		// The fakes got a burst each, not the table.
		expect(rooms.length).toBeLessThan(100);
	});

	test('from 125 addresses (the table fills): the real hub, whose key is pinned, is still listed, first and marked', async () => {
		const discoveryPort = await freeUdpPort();
		const hub = await realHub();
		const sources = await fakeSources(125);
		const data = await mkdtemp(path.join(process.env.XDG_DATA_HOME ?? tmpdir(), 'flood-'));
		const pins = await KnownRooms.open(path.join(data, 'socket-chat-tui', 'known-rooms.json'));
		await pins.pin(roomKey('127.0.0.1', hub.port), new Uint8Array(32).fill(7), new Date());
		const listing = await list(discoveryPort, data);
		await flood(sources, 1000, discoveryPort);
		await waitFor(async () => (await wildcardSocket(discoveryPort))?.queued === 0, {what: 'the fakes to be read'});
		const drops = (await wildcardSocket(discoveryPort))!.drops;
		await announce(hub, discoveryPort, 'zz the real one');
		expect(await listing.exited()).toBe(0);
		const rooms = listing.json();
		// The table was full of fakes when the real room came (unless the kernel dropped many of them).
		expect(rooms.length + drops).toBeGreaterThanOrEqual(256);
		expect(rooms[0]).toMatchObject({type: 'room', address: '127.0.0.1', port: hub.port, name: 'zz the real one', pin: 'pinned'});
		expect(rooms.filter(room => room.pin !== undefined)).toHaveLength(1);
	});
});

describe('a well-behaved hub is never limited', () => {
	test('every announcement of a hub poked at every join, during a flood from another address, is taken', async () => {
		const discoveryPort = await freeUdpPort();
		const heard: number[] = [];
		const watch = await watchRooms({
			discoveryPort,
			bind: '127.0.0.1',
			onMessage: (message, from) => {
				if (message.k === 'room' && from === '127.0.0.1') {
					heard.push(message.members);
				}
			},
		});
		cleanups.push(async () => watch.close());
		const seen = new Set<number>();
		watch.subscribe(() => {
			const real = watch.rooms().find(room => room.address === '127.0.0.1');
			if (real) {
				seen.add(real.members);
			}
		});
		// Each announcement says one member more, as if someone joined just before each.
		let members = 0;
		const announcer = new RoomAnnouncer({
			bind: '127.0.0.1',
			discoveryPort,
			info: () => ({room: 'busy', host: 'real-host', port: 4321, members: members++, secret: false, version: PROTOCOL_VERSION}),
		});
		await announcer.start();
		cleanups.push(async () => announcer.stop());
		const [fake] = await fakeSources(1);
		let ghosts = 0;
		const flooding = setInterval(() => {
			for (let burst = 0; burst < 20; burst++, ghosts++) {
				fake!.send(encodeDiscovery({k: 'room', id: `ghost-${ghosts}`, room: 'ghost', host: 'nowhere', port: 20_000 + ghosts, members: 0, secret: false, version: PROTOCOL_VERSION}), discoveryPort, '127.0.0.1');
			}
		}, 20);
		// People join all the time: the hub pokes its announcer at each join (at most every 250 ms).
		const joining = setInterval(() => {
			announcer.poke();
		}, 10);
		cleanups.push(() => {
			clearInterval(flooding);
			clearInterval(joining);
		});
		await waitFor(() => heard.length >= 12 && (watch.ignored['rate-limited'] ?? 0) > 0, {
			timeoutMs: 15_000,
			what: () => `a dozen announcements and a limited flood (heard ${heard.length}, ignored ${JSON.stringify(watch.ignored)})`,
		});
		clearInterval(flooding);
		clearInterval(joining);
		expect(heard.filter(count => !seen.has(count))).toEqual([]);
	});
});
