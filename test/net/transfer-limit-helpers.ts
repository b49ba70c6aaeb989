import {randomBytes} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {afterEach, expect} from 'vitest';
import {TransferError} from '../../source/net/transfer-client.js';
import {ChunkReader} from '../../source/net/transfer-socket.js';
import {decodeResponse, encodeLine, WIRE_VERSION} from '../../source/protocol/transfer-wire.js';
import type {TransferServer, TransferServerOptions} from '../../source/net/transfer-server.js';
import {aliceToken, bobToken, rawUpload, Scratch, startServer, within} from './transfer-helpers.js';

/** A file of `size` random bytes in `dir`. */
export async function fileOf(dir: string, size: number, name = 'data.bin'): Promise<string> {
	const where = path.join(dir, name);
	await writeFile(where, randomBytes(size));
	return where;
}

/** The TransferError a transfer fails with (within 10 s). */
export async function refusal(promise: Promise<unknown>): Promise<TransferError> {
	const error = await within(10_000, promise.then(() => undefined, (error_: unknown) => error_));
	expect(error).toBeInstanceOf(TransferError);
	return error as TransferError;
}

/** Resolves with how long after `since` the socket closed; rejects after `ms`. */
export async function closedWithin(socket: net.Socket, ms: number, since = Date.now()): Promise<number> {
	return within(
		ms,
		new Promise<number>((resolve) => {
			if (socket.destroyed) resolve(Date.now() - since);
			socket.once('close', () => resolve(Date.now() - since));
		}),
		'waiting for the server to close the connection',
	);
}

/** Hand-driven connections to a transfer server on 127.0.0.1, all closed by `closeAll`. */
export class HeldSockets {
	readonly #sockets: net.Socket[] = [];

	closeAll(): void {
		for (const socket of this.#sockets.splice(0)) socket.destroy();
	}

	/** A connection, once connected, that sends nothing. */
	async connected(port: number): Promise<net.Socket> {
		const socket = this.#hold(net.connect({host: '127.0.0.1', port}));
		await within(5000, new Promise<void>((resolve) => socket.once('connect', () => resolve())), 'connecting');
		return socket;
	}

	/** An upload that declares `size` and sends nothing (the test may send its bytes). */
	async idleUpload(port: number, size: number, token = aliceToken) {
		const upload = await rawUpload(port, 'ghost.bin', size, token);
		this.#hold(upload.socket);
		return upload;
	}

	/** A download request sent and its first answer line read (the connection stays open). */
	async rawDownload(port: number, id: string, token = bobToken) {
		const socket = this.#hold(net.connect({host: '127.0.0.1', port}));
		socket.write(encodeLine({v: WIRE_VERSION, op: 'download', token, id, offset: 0}));
		const line = await within(10_000, new ChunkReader(socket).readLine(), 'reading the download answer');
		if (line?.kind !== 'line') throw new Error('no answer to the download request');
		const decoded = decodeResponse(line.line, 'download-accepted');
		if (!decoded.ok) throw new Error(decoded.error.reason);
		return decoded.value;
	}

	#hold(socket: net.Socket): net.Socket {
		this.#sockets.push(socket);
		socket.on('error', () => undefined);
		return socket;
	}
}

/**
 * What the limit tests share: a scratch folder, the servers they start and the sockets they hold,
 * all closed after each test; `setup` starts a server (with `overrides`) on 127.0.0.1.
 */
export function limitFixture() {
	const scratch = new Scratch();
	const servers: TransferServer[] = [];
	const held = new HeldSockets();
	afterEach(async () => {
		held.closeAll();
		await Promise.all(servers.splice(0).map(async (server) => server.close()));
		await scratch.cleanup();
	});

	const setup = async (overrides: Partial<TransferServerOptions> = {}) => {
		const started = await startServer(overrides);
		servers.push(started.server);
		return {...started, endpoint: {host: '127.0.0.1', port: started.port}, dir: await scratch.dir()};
	};

	return {scratch, servers, held, setup};
}

