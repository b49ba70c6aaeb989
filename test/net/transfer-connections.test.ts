import {randomBytes} from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import {afterEach, expect, test, vi} from 'vitest';
import type {TransferServer, TransferServerOptions} from '../../source/net/transfer-server.js';
import {ChunkReader} from '../../source/net/transfer-socket.js';
import {startServer, within} from './transfer-helpers.js';
import {closedWithin, HeldSockets} from './transfer-limit-helpers.js';

const servers: TransferServer[] = [];
const held = new HeldSockets();

afterEach(async () => {
	vi.restoreAllMocks();
	held.closeAll();
	await Promise.all(servers.splice(0).map(async (server) => server.close()));
});

async function setup(overrides: Partial<TransferServerOptions> = {}) {
	const started = await startServer(overrides);
	servers.push(started.server);
	return started;
}

test('a silent TLS connection is closed at the handshake timeout', async () => {
	const {port} = await setup({psk: () => randomBytes(32), handshakeTimeoutMs: 300});
	const silent = await held.connected(port);
	const since = Date.now();
	const elapsed = await closedWithin(silent, 5000, since);
	expect(elapsed).toBeGreaterThanOrEqual(250);
});

test('by default the TLS handshake has 10 s and each listener holds at most 128 connections', async () => {
	const createTls = vi.spyOn(tls, 'createServer');
	const createTcp = vi.spyOn(net, 'createServer');
	await setup({psk: () => randomBytes(32)});
	await setup();
	expect(createTls).toHaveBeenCalledTimes(1);
	expect(createTls.mock.calls[0]![0]).toMatchObject({handshakeTimeout: 10_000});
	expect(createTls.mock.results[0]!.value).toMatchObject({maxConnections: 128});
	expect(createTcp).toHaveBeenCalledTimes(1);
	expect(createTcp.mock.results[0]!.value).toMatchObject({maxConnections: 128});
});

test('close() does not wait for a TLS handshake in progress', async () => {
	const {server, port} = await setup({psk: () => randomBytes(32)});
	const silent = await held.connected(port);
	await within(3000, server.close(), 'closing the server');
	servers.length = 0;
	await closedWithin(silent, 3000);
});

test('an address holding its share of connections gets no more until one closes', async () => {
	const {port} = await setup({connectionsPerAddress: 2});
	const first = await held.connected(port);
	await held.connected(port);
	const third = await held.connected(port);
	await closedWithin(third, 5000);
	expect(first.destroyed).toBe(false);

	first.destroy();
	// The server sees the close a moment later: a bounded number of tries, each a full round trip.
	let answered = false;
	for (let attempt = 0; attempt < 50 && !answered; attempt++) {
		const socket = await held.connected(port);
		socket.write('hello\n');
		const line = await within(5000, new ChunkReader(socket).readLine().catch(() => null));
		answered = line?.kind === 'line';
		socket.destroy();
	}

	expect(answered).toBe(true);
});
