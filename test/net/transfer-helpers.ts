import {createHash, randomBytes} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {mkdtemp, open, rm} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
	decodeResponse,
	encodeLine,
	type Failure,
	type TransferDone,
	type UploadAccepted,
	WIRE_VERSION,
} from '../../source/protocol/transfer-wire.js';
import {TransferServer, type TransferServerOptions} from '../../source/net/transfer-server.js';
import {ChunkReader} from '../../source/net/transfer-socket.js';

export const aliceToken = '0123456789abcdef';
export const bobToken = 'fedcba9876543210';
const members = new Map([
	[aliceToken, 'alice'],
	[bobToken, 'bob'],
]);

/** Reject if `promise` takes longer than `ms`. */
export async function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** Everything a TransferServer reported, with bounded waits for what has not happened yet. */
export class ServerEvents {
	readonly log: Array<{kind: string; id: string; detail?: unknown}> = [];
	readonly #waiters = new Set<() => void>();

	push(kind: string, id: string, detail?: unknown): void {
		this.log.push({kind, id, detail});
		for (const waiter of [...this.#waiters]) waiter();
	}

	/** The first event of this kind (and id), waiting at most `ms`. */
	async next(kind: string, id?: string, ms = 10_000): Promise<{kind: string; id: string; detail?: unknown}> {
		const find = () => this.log.find((event) => event.kind === kind && (id === undefined || event.id === id));
		return within(
			ms,
			new Promise((resolve) => {
				const check = () => {
					const found = find();
					if (found === undefined) return;
					this.#waiters.delete(check);
					resolve(found);
				};

				this.#waiters.add(check);
				check();
			}),
			`waiting for ${kind}`,
		);
	}
}

/** Temp folders removed by `cleanup()`. */
export class Scratch {
	readonly #dirs: string[] = [];

	async dir(prefix = 'transfer-test-'): Promise<string> {
		const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
		this.#dirs.push(dir);
		return dir;
	}

	async cleanup(): Promise<void> {
		await Promise.all(this.#dirs.splice(0).map(async (dir) => rm(dir, {recursive: true, force: true})));
	}
}

/** A listening server on 127.0.0.1 with alice and bob as members. */
export async function startServer(
	overrides: Partial<TransferServerOptions> = {},
): Promise<{server: TransferServer; port: number; events: ServerEvents}> {
	const events = new ServerEvents();
	const server = new TransferServer({
		host: '127.0.0.1',
		port: 0,
		authorize: (token) => (members.has(token) ? {name: members.get(token)!} : undefined),
		onOffer: (offer) => events.push('offer', offer.id, offer),
		onUploadDone: (id, sha256) => events.push('done', id, sha256),
		onUploadFailed: (id, reason) => events.push('failed', id, reason),
		onDownload: (start) => events.push('download', start.id, start),
		...overrides,
	});
	const {port} = await server.listen();
	return {server, port, events};
}

/** A file of random bytes, written in 1 MiB pieces; returns its path and sha256. */
export async function randomFile(dir: string, size: number, name = 'random.bin'): Promise<{path: string; sha256: string}> {
	const where = path.join(dir, name);
	const file = await open(where, 'w');
	const hash = createHash('sha256');
	try {
		for (let done = 0; done < size; ) {
			const piece = randomBytes(Math.min(1024 * 1024, size - done));
			hash.update(piece);
			await file.write(piece, 0, piece.length, done);
			done += piece.length;
		}
	} finally {
		await file.close();
	}

	return {path: where, sha256: hash.digest('hex')};
}

/** Hex sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

/** A hand-driven upload: the header is sent and accepted; the test writes the body itself. */
export async function rawUpload(
	port: number,
	name: string,
	size: number,
	token = aliceToken,
): Promise<{socket: net.Socket; reply: UploadAccepted | Failure; answer: () => Promise<TransferDone | Failure | null>}> {
	const socket = net.connect({host: '127.0.0.1', port});
	socket.on('error', () => undefined);
	const reader = new ChunkReader(socket);
	socket.write(encodeLine({v: WIRE_VERSION, op: 'upload', token, name, size}));
	const readReply = async <K extends 'upload-accepted' | 'done'>(kind: K) => {
		const line = await within(10_000, reader.readLine(), 'reading a reply');
		if (line?.kind !== 'line') return null;
		const decoded = decodeResponse(line.line, kind);
		if (!decoded.ok) throw new Error(decoded.error.reason);
		return decoded.value;
	};

	const reply = await readReply('upload-accepted');
	if (reply === null) throw new Error('no reply to the upload request');
	return {socket, reply: reply as UploadAccepted | Failure, answer: async () => readReply('done').catch(() => null) as Promise<TransferDone | Failure | null>};
}

/**
 * A TCP relay to `port` that cuts the first connection (both ways) once `cutAfter` bytes went from
 * the server to the client; later connections pass untouched.
 */
export async function cuttingRelay(port: number, cutAfter: number): Promise<{port: number; close: () => Promise<void>}> {
	let first = true;
	const sockets = new Set<net.Socket>();
	const relay = net.createServer((client) => {
		const upstream = net.connect({host: '127.0.0.1', port});
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('error', () => undefined);
			socket.on('close', () => sockets.delete(socket));
		}

		const cutting = first;
		first = false;
		let forwarded = 0;
		client.pipe(upstream);
		upstream.on('data', (chunk: Buffer) => {
			if (!cutting) {
				client.write(chunk);
				return;
			}

			const room = cutAfter - forwarded;
			client.write(chunk.subarray(0, Math.max(0, room)));
			forwarded += chunk.length;
			if (forwarded >= cutAfter) {
				upstream.destroy();
				client.end(() => client.destroy());
			}
		});
		upstream.on('end', () => client.end());
	});
	await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
	return {
		port: (relay.address() as net.AddressInfo).port,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => relay.close(() => resolve()));
		},
	};
}
