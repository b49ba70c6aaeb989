import {createHash, randomBytes} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {TransferError, uploadFile} from '../../source/net/transfer-client.js';
import {maxPeekBytes, peekFile} from '../../source/net/transfer-client-peek.js';
import type {TransferServer} from '../../source/net/transfer-server.js';
import {aliceToken, bobToken, cuttingRelay, Scratch, startServer, within} from './transfer-helpers.js';

const scratch = new Scratch();
const servers: TransferServer[] = [];
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
	await Promise.all(closers.splice(0).map(async close => close()));
	await Promise.all(servers.splice(0).map(async server => server.close()));
	await scratch.cleanup();
});

/** A server holding one uploaded file of `size` random bytes. */
async function offered(size: number) {
	const started = await startServer();
	servers.push(started.server);
	const bytes = randomBytes(size);
	const file = path.join(await scratch.dir(), 'pic.png');
	await writeFile(file, bytes);
	const endpoint = {host: '127.0.0.1', port: started.port};
	const {id, sha256} = await uploadFile({...endpoint, token: aliceToken, path: file});
	return {endpoint, id, sha256, bytes};
}

/**
 * A relay to `port` that flips one bit of the byte at `at` in what the server sends: a host,
 * or anyone on the path, handing over other bytes than were offered.
 */
async function flippingRelay(port: number, at: number): Promise<number> {
	const sockets = new Set<net.Socket>();
	const relay = net.createServer(client => {
		const upstream = net.connect({host: '127.0.0.1', port});
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('error', () => undefined);
		}

		let seen = 0;
		client.pipe(upstream);
		upstream.on('data', (chunk: Buffer) => {
			if (seen <= at && at < seen + chunk.length) chunk[at - seen]! ^= 0x01;
			seen += chunk.length;
			client.write(chunk);
		});
		upstream.on('end', () => client.end());
	});
	await new Promise<void>(resolve => relay.listen(0, '127.0.0.1', resolve));
	closers.push(async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise(resolve => relay.close(resolve));
	});
	return (relay.address() as net.AddressInfo).port;
}

const failure = async (promise: Promise<unknown>) => within(20_000, promise.then(() => undefined, (error: unknown) => error as TransferError));

describe('an offer fetched into memory (an image previewed before a download)', () => {
	test('gives the offered bytes exactly, up to 512 kB, with the offer and the host checked for the same sha256', async () => {
		for (const size of [0, 1, 300_000, maxPeekBytes]) {
			const {endpoint, id, sha256, bytes} = await offered(size);
			const got = await within(20_000, peekFile({...endpoint, token: bobToken, id, size, sha256}));
			expect(got.length).toBe(size);
			expect(createHash('sha256').update(got).digest('hex')).toBe(sha256);
			expect(Buffer.from(got).equals(bytes)).toBe(true);
		}
	});

	test('refuses more than 512 kB before it connects', async () => {
		// Port 9 on loopback: nothing listens; a connection attempt would fail as "interrupted".
		const error = await failure(peekFile({host: '127.0.0.1', port: 9, token: bobToken, id: 'k3xq7a2m', size: maxPeekBytes + 1}));
		expect(error).toBeInstanceOf(TransferError);
		expect(error?.kind).toBe('refused');
		expect(error?.message).toContain(`at most ${maxPeekBytes}`);
	});

	test('hands over nothing when the bytes differ from the offer, or the host sends other bytes, or the connection is cut', async () => {
		const {endpoint, id, sha256} = await offered(300_000);
		const wrongOffer = await failure(peekFile({...endpoint, token: bobToken, id, size: 300_000, sha256: 'ab'.repeat(32)}));
		expect(wrongOffer?.kind).toBe('hash-mismatch');
		const port = await flippingRelay(endpoint.port, 200_000);
		const altered = await failure(peekFile({...endpoint, port, token: bobToken, id, size: 300_000}));
		expect(altered?.kind).toBe('hash-mismatch');
		const relay = await cuttingRelay(endpoint.port, 100_000);
		closers.push(relay.close);
		const cut = await failure(peekFile({...endpoint, port: relay.port, token: bobToken, id, size: 300_000, sha256}));
		expect(cut?.kind).toBe('interrupted');
		// A wrong size is the host's answer contradicted: refused as a protocol error.
		const wrongSize = await failure(peekFile({...endpoint, token: bobToken, id, size: 299_999, sha256}));
		expect(wrongSize?.kind).toBe('protocol');
	});
});
