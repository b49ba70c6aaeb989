import type net from 'node:net';
import {
	OFFER_GRACE_MS,
	OFFER_MAX_AGE_MS,
	TRANSFER_CONNECTIONS_PER_ADDRESS,
	TRANSFER_DOWNLOADS_PER_MEMBER,
	TRANSFER_HANDSHAKE_TIMEOUT_MS,
	TRANSFER_MAX_CONNECTIONS,
	TRANSFER_MEMORY_BYTES,
	TRANSFER_UPLOADS_PER_MEMBER,
} from '../protocol/limits.js';
import {type OfferSender, OfferTerms} from '../protocol/room/hub-room-transfers.js';
import {decodeRequest, encodeLine, failureOf} from '../protocol/transfer-wire.js';
import {MemoryBudget, Spool} from './spool.js';
import type {ServeContext, TransferDownloadStart, TransferOffer} from './transfer-server-context.js';
import {serveDownload} from './transfer-server-download.js';
import {serveUpload} from './transfer-server-upload.js';
import {ChunkReader, endWithLine} from './transfer-socket.js';
import {transferListener} from './transfer-tls.js';
import {normalizeAddress} from './address.js';

export type {TransferDownloadStart, TransferOffer} from './transfer-server-context.js';
export type {OfferSender} from '../protocol/room/hub-room-transfers.js';

/** The port a host's transfer server listens on unless told otherwise. */
export const DEFAULT_TRANSFER_PORT = 22_222;

/** How often the server looks for offers whose term is over. */
const SWEEP_MS = 30_000;

/** How a TransferServer listens, its limits, and the hooks that tie it to the chat hub. */
export type TransferServerOptions = {
	/** Address to bind; all interfaces when absent. */
	readonly host?: string;
	/** 0 picks a free port. */
	readonly port: number;
	/** Folder in which the spool folder is created (the system temp folder by default). */
	readonly spoolDir?: string;
	/** Largest upload accepted, in bytes (default 1 GiB). */
	readonly maxFileSize?: number;
	/** Total size of the bytes received by spooled uploads, running or complete (default 4 GiB). */
	readonly spoolQuota?: number;
	/** Limit for reading a request line, in ms (default 10 s). */
	readonly headerTimeoutMs?: number;
	/** A transfer with no traffic for this long is dropped, in ms (default 60 s). */
	readonly idleTimeoutMs?: number;
	/** Limit for a TLS handshake, in ms (default TRANSFER_HANDSHAKE_TIMEOUT_MS, 10 s). */
	readonly handshakeTimeoutMs?: number;
	/** Connections held at once (default TRANSFER_MAX_CONNECTIONS, 128). */
	readonly maxConnections?: number;
	/** Connections held at once from one address (default TRANSFER_CONNECTIONS_PER_ADDRESS, 16). */
	readonly connectionsPerAddress?: number;
	/** Uploads one member (session token) runs at once (default TRANSFER_UPLOADS_PER_MEMBER, 4). */
	readonly uploadsPerMember?: number;
	/** Downloads one member (session token) runs at once (default TRANSFER_DOWNLOADS_PER_MEMBER, 8). */
	readonly downloadsPerMember?: number;
	/** Upload bytes held in memory at once, over all uploads (default TRANSFER_MEMORY_BYTES, 128 MiB). */
	readonly memoryBudget?: number;
	/** An offer's file is dropped this long after its sender left (default OFFER_GRACE_MS, 10 min)... */
	readonly offerGraceMs?: number;
	/** ... or this long after it was offered, whichever first (default OFFER_MAX_AGE_MS, 1 day). */
	readonly offerMaxAgeMs?: number;
	/** A member's name for a session token, or undefined to refuse. */
	authorize(token: string, remoteAddress: string): {readonly name: string} | undefined;
	/**
	 * Whether an offer's sender is still in the room (the hub's `transferSenderPresent`); when
	 * absent, whether its token still authorizes from the address it uploaded from.
	 */
	senderPresent?(sender: OfferSender): boolean;
	/** An upload was accepted: announce the offer now (its bytes are still on their way). */
	onOffer(offer: TransferOffer): void;
	onUploadDone(id: string, sha256: string): void;
	onUploadFailed(id: string, reason: string): void;
	/** An offer expired: its file is gone, its downloads are refused (optional). */
	onOfferExpired?(id: string, reason: string): void;
	/** A download starts (optional; for logs and notices). */
	onDownload?(start: TransferDownloadStart): void;
	/** In a room with a secret, each session's transfer key by its token: connections are then TLS 1.3 with it. */
	readonly psk?: (identity: string) => Buffer | undefined;
};

type Sender = OfferSender & {readonly address: string};

/**
 * The host's TCP file-transfer server: members upload into a spool folder and download from it,
 * even while the upload is still running. Wire format and limits: docs/transfer.md.
 */
export class TransferServer {
	readonly #options: TransferServerOptions;
	readonly #server: net.Server;
	readonly #sockets = new Set<net.Socket>();
	readonly #tasks = new Set<Promise<void>>();
	/** Every connection held, a TLS handshake running included. */
	readonly #connections = new Set<net.Socket>();
	/** Connections held, by remote address. */
	readonly #perAddress = new Map<string, number>();
	/** Transfers running, by member token. */
	readonly #running = new Map<string, {upload: number; download: number}>();
	readonly #terms: OfferTerms<Sender>;
	readonly #memory: MemoryBudget;
	#spool: Spool | undefined;
	#sweeper: NodeJS.Timeout | undefined;
	#closed = false;

	constructor(options: TransferServerOptions) {
		this.#options = options;
		this.#terms = new OfferTerms({graceMs: options.offerGraceMs ?? OFFER_GRACE_MS, maxAgeMs: options.offerMaxAgeMs ?? OFFER_MAX_AGE_MS});
		this.#memory = new MemoryBudget(options.memoryBudget ?? TRANSFER_MEMORY_BYTES);
		this.#server = transferListener(
			options.psk,
			(socket) => {
				this.#accept(socket);
			},
			{
				handshakeTimeoutMs: options.handshakeTimeoutMs ?? TRANSFER_HANDSHAKE_TIMEOUT_MS,
				maxConnections: options.maxConnections ?? TRANSFER_MAX_CONNECTIONS,
			},
		);
		// Before TLS (or the request) begins: an address holding its share of connections gets no more.
		this.#server.prependListener('connection', (raw: net.Socket) => this.#countAddress(raw));
	}

	/** Create the spool folder and start listening. */
	async listen(): Promise<{port: number}> {
		this.#spool = await Spool.create(this.#options.spoolQuota ?? 4 * 1024 ** 3, this.#options.spoolDir, this.#memory);
		await new Promise<void>((resolve, reject) => {
			this.#server.once('error', reject);
			this.#server.listen(this.#options.port, this.#options.host, () => {
				this.#server.off('error', reject);
				resolve();
			});
		});
		this.#sweeper = setInterval(() => {
			void this.expireOffers().catch(() => undefined);
		}, SWEEP_MS);
		this.#sweeper.unref();
		return {port: (this.#server.address() as net.AddressInfo).port};
	}

	/** The spool folder, once listening. */
	get spoolDir(): string | undefined {
		return this.#spool?.dir;
	}

	/** Upload bytes held in memory now, and the budget. */
	get memory(): {readonly used: number; readonly limit: number} {
		return {used: this.#memory.used, limit: this.#memory.limit};
	}

	/** When an offer's file is dropped as things stand (its sender's absence as last seen). */
	offerEndsAt(id: string): number | undefined {
		return this.#terms.endsAt(id);
	}

	/**
	 * Drop the offers whose term is over at `now`: their files are removed, a running upload is
	 * cut, downloads are refused with `expired`. Runs every 30 s by itself; returns the ids dropped.
	 */
	async expireOffers(now = Date.now()): Promise<string[]> {
		const spool = this.#spool;
		if (spool === undefined || this.#closed) return [];
		const due = this.#terms.expire(now, (sender) => this.#present(sender));
		for (const {id, reason} of due) {
			const entry = spool.get(id);
			if (entry !== undefined) await spool.expire(entry, reason);
			this.#hook(() => this.#options.onOfferExpired?.(id, reason));
		}

		return due.map(({id}) => id);
	}

	/** Stop listening, cut every transfer, and remove the spool folder. */
	async close(): Promise<void> {
		this.#closed = true;
		clearInterval(this.#sweeper);
		const stopped = new Promise<void>((resolve) => {
			this.#server.close(() => resolve());
		});
		for (const socket of [...this.#sockets, ...this.#connections]) socket.destroy();
		await Promise.allSettled([...this.#tasks]);
		await stopped;
		await this.#spool?.destroy();
	}

	#countAddress(raw: net.Socket): void {
		if (this.#closed) {
			raw.destroy();
			return;
		}

		const address = normalizeAddress(raw.remoteAddress ?? '');
		const held = this.#perAddress.get(address) ?? 0;
		if (held >= (this.#options.connectionsPerAddress ?? TRANSFER_CONNECTIONS_PER_ADDRESS)) {
			raw.destroy();
			return;
		}

		this.#perAddress.set(address, held + 1);
		this.#connections.add(raw);
		raw.once('close', () => {
			this.#connections.delete(raw);
			const left = (this.#perAddress.get(address) ?? 1) - 1;
			if (left > 0) this.#perAddress.set(address, left);
			else this.#perAddress.delete(address);
		});
	}

	#present(sender: Sender): boolean {
		try {
			const {senderPresent, authorize} = this.#options;
			return senderPresent ? senderPresent({token: sender.token, name: sender.name}) : authorize(sender.token, sender.address) !== undefined;
		} catch (error) {
			process.emitWarning(`transfer server hook failed: ${String(error)}`);
			return true;
		}
	}

	#accept(socket: net.Socket): void {
		if (this.#closed || this.#spool === undefined || socket.destroyed) {
			socket.destroy();
			return;
		}

		this.#sockets.add(socket);
		socket.on('error', () => undefined);
		const task = this.#serve(socket, this.#spool)
			.catch(() => {
				socket.destroy();
			})
			.finally(() => {
				this.#sockets.delete(socket);
				this.#tasks.delete(task);
			});
		this.#tasks.add(task);
	}

	async #serve(socket: net.Socket, spool: Spool): Promise<void> {
		const {headerTimeoutMs = 10_000, idleTimeoutMs = 60_000} = this.#options;
		const lingerMs = 5000;
		socket.setTimeout(headerTimeoutMs, () => socket.destroy(new Error('no request in time')));
		const reader = new ChunkReader(socket);
		const line = await reader.readLine();
		if (line === null) {
			socket.destroy();
			return;
		}

		const request = line.kind === 'line' ? decodeRequest(line.line) : {ok: false as const, error: line.error};
		if (!request.ok) {
			endWithLine(socket, reader, encodeLine(failureOf(request.error.code, request.error.reason)), lingerMs);
			return;
		}

		socket.setTimeout(idleTimeoutMs, () => socket.destroy(new Error(`no traffic for ${idleTimeoutMs} ms`)));
		const context = this.#context(spool, lingerMs, normalizeAddress(socket.remoteAddress ?? ''), request.value.token);
		await (request.value.op === 'upload'
			? serveUpload(socket, reader, request.value, context)
			: serveDownload(socket, reader, request.value, context));
	}

	#hook(call: () => void): void {
		if (this.#closed) return;
		try {
			call();
		} catch (error) {
			process.emitWarning(`transfer server hook failed: ${String(error)}`);
		}
	}

	/** One more transfer of this kind for the member, or why not. */
	#begin(token: string, kind: 'upload' | 'download'): (() => void) | string {
		const limit =
			kind === 'upload'
				? (this.#options.uploadsPerMember ?? TRANSFER_UPLOADS_PER_MEMBER)
				: (this.#options.downloadsPerMember ?? TRANSFER_DOWNLOADS_PER_MEMBER);
		const running = this.#running.get(token) ?? {upload: 0, download: 0};
		if (running[kind] >= limit) {
			return `you already run ${running[kind]} ${kind}s on this host, the most at once; try again when one has ended`;
		}

		running[kind]++;
		this.#running.set(token, running);
		let ended = false;
		return () => {
			if (ended) return;
			ended = true;
			running[kind]--;
			if (running.upload === 0 && running.download === 0) this.#running.delete(token);
		};
	}

	#context(spool: Spool, lingerMs: number, remoteAddress: string, token: string): ServeContext {
		const options = this.#options;
		const hook = (call: () => void) => this.#hook(call);
		return {
			spool,
			maxFileSize: options.maxFileSize ?? 1024 ** 3,
			lingerMs,
			remoteAddress,
			authorize: (token_, address) => options.authorize(token_, address),
			onOffer: (offer) => {
				this.#terms.add(offer.id, {token, name: offer.from, address: remoteAddress}, Date.now());
				hook(() => options.onOffer(offer));
			},
			onUploadDone: (id, sha256) => hook(() => options.onUploadDone(id, sha256)),
			onUploadFailed: (id, reason) => {
				this.#terms.delete(id);
				hook(() => options.onUploadFailed(id, reason));
			},
			onDownload: (start) => hook(() => options.onDownload?.(start)),
			begin: (kind) => this.#begin(token, kind),
		};
	}
}
