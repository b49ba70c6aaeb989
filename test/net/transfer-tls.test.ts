import {randomBytes} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import {afterEach, expect, test, vi} from 'vitest';
import {TransferError, uploadFile} from '../../source/net/transfer-client.js';
import type {TransferServer} from '../../source/net/transfer-server.js';
import {aliceToken, Scratch, startServer, within} from './transfer-helpers.js';

// A self-signed certificate for 127.0.0.1 (valid 2000-2099), made for this test only: the
// impostor's. The test makes every TLS client of this process trust it, as a certificate from a
// public CA is trusted by the default store.
const fixtures = new URL('../fixtures/', import.meta.url);
const cert = readFileSync(new URL('impostor-cert.pem', fixtures), 'utf8');
const key = readFileSync(new URL('impostor-key.pem', fixtures), 'utf8');

const scratch = new Scratch();
const servers: TransferServer[] = [];
const impostors: Array<{server: tls.Server; sockets: Set<net.Socket>}> = [];

afterEach(async () => {
	vi.restoreAllMocks();
	vi.unstubAllEnvs();
	await Promise.all(servers.splice(0).map(async (server) => server.close()));
	await Promise.all(
		impostors.splice(0).map(async ({server, sockets}) => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}),
	);
	await scratch.cleanup();
});

/** Every secure context made from now on also trusts the impostor's certificate. */
function trustImpostor(): void {
	const original = tls.createSecureContext;
	vi.spyOn(tls, 'createSecureContext').mockImplementation((options) => {
		const context = original(options);
		(context.context as {addCACert(pem: string): void}).addCACert(cert);
		return context;
	});
}

/**
 * A TLS server with the impostor's certificate and no PSK that plays the transfer server: it
 * accepts the upload request and keeps every byte it receives.
 */
async function startImpostor(): Promise<{port: number; received: Buffer[]}> {
	const received: Buffer[] = [];
	const sockets = new Set<net.Socket>();
	const server = tls.createServer({key, cert, minVersion: 'TLSv1.3', allowHalfOpen: true}, (socket) => {
		let answered = false;
		socket.on('data', (chunk: Buffer) => {
			received.push(chunk);
			const request = Buffer.concat(received).toString('utf8');
			if (answered || !request.includes('\n')) return;
			answered = true;
			const {name, size} = JSON.parse(request.slice(0, request.indexOf('\n'))) as {name: string; size: number};
			socket.write(`${JSON.stringify({v: 1, ok: true, stage: 'accepted', id: 'k3xq7a2m', name, size})}\n`);
		});
		socket.on('end', () => socket.destroy());
		socket.on('error', () => undefined);
	});
	server.on('connection', (socket: net.Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('tlsClientError', () => undefined);
	impostors.push({server, sockets});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {port: (server.address() as net.AddressInfo).port, received};
}

/** Whether a default TLS client (the system's CA store, host name checked) accepts the impostor. */
async function defaultClientAccepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = tls.connect({host: '127.0.0.1', port, minVersion: 'TLSv1.3'}, () => {
			socket.destroy();
			resolve(true);
		});
		socket.on('error', () => resolve(false));
	});
}

test.each([
	['the default settings', false],
	['NODE_TLS_REJECT_UNAUTHORIZED=0', true],
])('a transfer server with a trusted certificate instead of the room key gets no upload byte (%s)', async (_label, lax) => {
	trustImpostor();
	const impostor = await startImpostor();
	// The harness works: an ordinary TLS client does trust the impostor.
	expect(await defaultClientAccepts(impostor.port)).toBe(true);
	if (lax) vi.stubEnv('NODE_TLS_REJECT_UNAUTHORIZED', '0');
	const dir = await scratch.dir();
	const file = path.join(dir, 'report.txt');
	await writeFile(file, randomBytes(64 * 1024));

	const upload = uploadFile({host: '127.0.0.1', port: impostor.port, token: aliceToken, psk: {identity: aliceToken, key: randomBytes(32)}, path: file, timeoutMs: 3000});
	const error = await within(10_000, upload.then(() => undefined, (error: unknown) => error), 'the upload');
	expect(Buffer.concat(impostor.received).byteLength, 'bytes the impostor received').toBe(0);
	expect(error).toBeInstanceOf(TransferError);
	expect((error as TransferError).message).toMatch(/certificate/);
});

test('the same client still uploads to a transfer server that holds the room key', async () => {
	trustImpostor();
	const psk = randomBytes(32);
	const {server, port, events} = await startServer({psk: identity => (identity === aliceToken ? psk : undefined)});
	servers.push(server);
	const dir = await scratch.dir();
	const file = path.join(dir, 'report.txt');
	await writeFile(file, randomBytes(64 * 1024));
	const sent = await uploadFile({host: '127.0.0.1', port, token: aliceToken, psk: {identity: aliceToken, key: psk}, path: file});
	expect((await events.next('done', sent.id)).detail).toBe(sent.sha256);
});
