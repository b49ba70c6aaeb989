import type {RoomEvent} from '../protocol/items.js';
import {Hub, type HubOptions} from './hub.js';
import {TransferServer} from './transfer-server.js';

export type RoomHostOptions = Omit<HubOptions, 'transferPort'> & {
	readonly transferPort: number;
	readonly maxFileSize?: number;
	readonly spoolQuota?: number;
};

type OfferEvent = Extract<RoomEvent, {k: 'offer'}>;
type OfferFields = Omit<OfferEvent, 'k' | 'seq' | 'time'>;

/**
 * Everything a host serves: the UDP hub and the TCP transfer server, joined so that uploads
 * are authenticated by chat session and every offer is a room event (announced when the upload
 * starts, and again when it completes or fails).
 */
export class RoomHost {
	private server: TransferServer | undefined;
	private readonly offers = new Map<string, OfferFields>();
	private started: Hub | undefined;

	constructor(private readonly options: RoomHostOptions) {}

	private createTransferServer(): TransferServer {
		return new TransferServer({
			// Transfers run in TLS under the member's own session key, in an open room as in a private
			// one: its key exchange gives every session one, and a passive listener reads no file.
			psk: identity => this.started?.transferPskOf(identity),
			host: this.options.bind,
			port: this.options.transferPort,
			maxFileSize: this.options.maxFileSize,
			spoolQuota: this.options.spoolQuota,
			authorize: (token, remoteAddress) => this.started?.memberByToken(token, remoteAddress),
			senderPresent: sender => this.started?.transferSenderPresent(sender) ?? true,
			onOffer: ({id, name, size, from, files}) => {
				this.announce({id, name, size, from, complete: false, ...(files === undefined ? {} : {files})});
			},
			onUploadDone: (id, sha256) => {
				this.update(id, {sha256, complete: true});
			},
			onUploadFailed: (id, reason) => {
				this.update(id, {failed: reason.slice(0, 500)});
				this.offers.delete(id);
			},
			// Announced as failed, with the reason ("expired 10 minutes after alice left the room").
			onOfferExpired: (id, reason) => {
				this.update(id, {failed: reason.slice(0, 500)});
				this.offers.delete(id);
			},
		});
	}

	/** The transfer server; there once `start` resolved. */
	get transfers(): TransferServer {
		if (!this.server) {
			throw new Error('the room is not open yet');
		}

		return this.server;
	}

	/** The hub; there once `start` resolved. */
	get hub(): Hub {
		if (!this.started) {
			throw new Error('the room is not open yet');
		}

		return this.started;
	}

	/**
	 * Binds the transfer server, then the hub (whose welcome announces the transfer port).
	 * Rejects with the system error, its `what` naming which of the two failed.
	 */
	async start(): Promise<{port: number; transferPort: number}> {
		const server = this.createTransferServer();
		this.server = server;
		const {port: transferPort} = await server.listen().catch((error: unknown) => {
			throw Object.assign(error as Error, {what: 'tcp'});
		});
		const hub = new Hub({...this.options, transferPort});
		await hub.start().catch(async (error: unknown) => {
			await server.close();
			throw Object.assign(error as Error, {what: 'udp'});
		});
		this.started = hub;
		return {port: hub.port, transferPort};
	}

	async close(): Promise<void> {
		await Promise.all([this.started?.close(), this.server?.close()]);
		await this.options.store?.close();
	}

	private announce(fields: OfferFields): void {
		this.offers.set(fields.id, fields);
		this.hub.announce({k: 'offer', ...fields});
	}

	private update(id: string, change: Partial<OfferFields>): void {
		const offer = this.offers.get(id);
		if (offer) {
			this.announce({...offer, ...change});
		}
	}
}
