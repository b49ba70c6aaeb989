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
};

export type RelayStats = {forwarded: number; dropped: number; duplicated: number; reordered: number};

/**
 * A UDP relay between members and a hub on 127.0.0.1 that drops, duplicates and reorders
 * datagrams with a seeded random source. Each member gets its own upstream socket, so the hub
 * still sees one address per member. Loopback only.
 */
export class LossyRelay {
	readonly stats: RelayStats = {forwarded: 0, dropped: 0, duplicated: 0, reordered: 0};
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
				this.pass(target => socket.send(datagram, this.options.hubPort, '127.0.0.1', target));
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
				this.pass(target => this.front.send(datagram, rinfo.port, rinfo.address, target));
			});
			created.on('error', () => undefined);
			await new Promise<void>(resolve => {
				created.bind(0, '127.0.0.1', resolve);
			});
		}

		return socket;
	}

	private pass(send: (done: () => void) => void): void {
		if (this.closed) {
			return;
		}

		const ignore = () => undefined;
		if (this.blackout || this.random() < this.options.drop) {
			this.stats.dropped++;
			return;
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
	}
}
