import dgram from 'node:dgram';
import {seededRandom} from './seeded-random.js';

export type LossyOptions = {
	/** The hub's port on 127.0.0.1. */
	readonly hubPort: number;
	readonly seed: number;
	/** Probability a datagram is dropped (each direction). */
	readonly drop: number;
	/** Probability a datagram is delivered twice. */
	readonly duplicate: number;
	/** Probability a datagram is held back and delivered late (reordered). */
	readonly reorder: number;
	/** Longest hold for a reordered datagram, ms. */
	readonly maxDelayMs?: number;
	/** Datagrams larger than this are dropped, as a link of a smaller MTU drops them (IP's don't-fragment). */
	readonly maxDatagram?: number;
};

export type RelayStats = {forwarded: number; dropped: number; duplicated: number; reordered: number; tooLarge: number; largestToMember: number};

/**
 * A UDP relay between members and a hub on 127.0.0.1 that drops, duplicates and reorders
 * datagrams with a seeded random source. Each member gets its own upstream socket, so the hub
 * still sees one address per member. Loopback only.
 */
export class LossyRelay {
	readonly stats: RelayStats = {forwarded: 0, dropped: 0, duplicated: 0, reordered: 0, tooLarge: 0, largestToMember: 0};
	private readonly random: () => number;
	private readonly front = dgram.createSocket('udp4');
	private readonly upstreams = new Map<string, dgram.Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private closed = false;
	/** While true, nothing passes in either direction (a blackout). */
	blackout = false;

	constructor(private readonly options: LossyOptions) {
		this.random = seededRandom(options.seed);
	}

	async start(): Promise<number> {
		await new Promise<void>(resolve => {
			this.front.bind(0, '127.0.0.1', resolve);
		});
		this.front.on('message', (datagram, rinfo) => {
			this.upstream(rinfo).then(socket => {
				this.pass(target => socket.send(datagram, this.options.hubPort, '127.0.0.1', target), datagram.length);
			}, () => undefined);
		});
		return this.front.address().port;
	}

	async close(): Promise<void> {
		this.closed = true;
		for (const timer of this.timers) {
			clearTimeout(timer);
		}

		for (const socket of this.upstreams.values()) {
			socket.close();
		}

		await new Promise<void>(resolve => {
			this.front.close(() => resolve());
		});
	}

	private async upstream(rinfo: dgram.RemoteInfo): Promise<dgram.Socket> {
		const key = `${rinfo.address}:${rinfo.port}`;
		let socket = this.upstreams.get(key);
		if (!socket) {
			const created = dgram.createSocket('udp4');
			socket = created;
			this.upstreams.set(key, created);
			created.on('message', datagram => {
				if (this.pass(target => this.front.send(datagram, rinfo.port, rinfo.address, target), datagram.length)) {
					this.stats.largestToMember = Math.max(this.stats.largestToMember, datagram.length);
				}
			});
			created.on('error', () => undefined);
			await new Promise<void>(resolve => {
				created.bind(0, '127.0.0.1', resolve);
			});
		}

		return socket;
	}

	/** Passes a datagram of `bytes` on (maybe late, maybe twice); false when it was dropped. */
	private pass(send: (done: () => void) => void, bytes: number): boolean {
		if (this.closed) {
			return false;
		}

		const ignore = () => undefined;
		if (this.options.maxDatagram !== undefined && bytes > this.options.maxDatagram) {
			this.stats.tooLarge++;
			return false;
		}

		if (this.blackout || this.random() < this.options.drop) {
			this.stats.dropped++;
			return false;
		}

		const copies = this.random() < this.options.duplicate ? 2 : 1;
		if (copies === 2) {
			this.stats.duplicated++;
		}

		for (let copy = 0; copy < copies; copy++) {
			if (this.random() < this.options.reorder) {
				this.stats.reordered++;
				const timer = setTimeout(() => {
					this.timers.delete(timer);
					if (!this.closed) {
						send(ignore);
					}
				}, 1 + Math.floor(this.random() * (this.options.maxDelayMs ?? 30)));
				this.timers.add(timer);
			} else {
				this.stats.forwarded++;
				send(ignore);
			}
		}

		return true;
	}
}
