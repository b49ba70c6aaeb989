import type dgram from 'node:dgram';
import {isIPv6} from 'node:net';
import {normalizeAddress} from './address.js';
import {isLoopback, type InterfaceTable} from './discovery-targets.js';
import {interfaceOf, localAddresses, readInterfaces, wildcardFamilies, type LocalAddress} from './local-addresses.js';
import {largestDatagramOn} from './link-mtu.js';
import {BASE_DATAGRAM} from '../protocol/connection/path-mtu.js';
import {bindUdp} from './udp.js';

/** How often the interface list is read again for addresses that came or went. */
export const ADDRESS_POLL_MS = 3000;

/** Options of `HubSockets`. */
export type HubSocketsOptions = {
	/** One address only; all of this machine's addresses (of both families, or IPv4 for 0.0.0.0) when absent. */
	readonly bind?: string;
	readonly port: number;
	readonly pollMs?: number;
	/** The interface table (default `os.networkInterfaces()`). */
	readonly interfaces?: () => InterfaceTable;
	readonly onMessage: (datagram: Buffer, rinfo: dgram.RemoteInfo, socket: dgram.Socket) => void;
	/** A socket was closed (its address went away): whoever sent through it needs another. */
	readonly onClosed?: (socket: dgram.Socket, family: 'IPv4' | 'IPv6') => void;
};

type Entry = {readonly local: LocalAddress; readonly socket: dgram.Socket};

/**
 * The hub's UDP sockets, one per local address, so that every reply leaves from the address its
 * request came to (a socket bound to 0.0.0.0 answers from the address the routing table prefers,
 * and a member rightly ignores that). Addresses that come and go are followed: the interface list
 * is read every few seconds, and at once after a send error. With `bind` set to one address, that
 * address only. Where the machine lists no address at all, one socket on all interfaces.
 */
export class HubSockets {
	private readonly entries = new Map<string, Entry>();
	private boundPort = 0;
	private timer: NodeJS.Timeout | undefined;
	private refreshing: Promise<void> | undefined;
	private again = false;
	private closed = false;

	constructor(private readonly options: HubSocketsOptions) {}

	/** Binds every address; rejects with the system error when the port is taken (EADDRINUSE) or the bind address is not ours. */
	async start(): Promise<number> {
		const families = wildcardFamilies(this.options.bind);
		if (!families) {
			const bind = this.options.bind!;
			const socket = await bindUdp(bind, this.options.port);
			const address = normalizeAddress(bind);
			const local: LocalAddress = {
				address,
				family: isIPv6(address) ? 'IPv6' : 'IPv4',
				interface: interfaceOf(address, this.table()) ?? '?',
				internal: isLoopback(address),
			};
			this.add(local, socket);
			return this.boundPort;
		}

		const wanted = localAddresses(this.table(), families);
		if (wanted.length === 0) {
			this.add({address: '::', family: 'IPv6', interface: '*', internal: false}, await bindUdp(undefined, this.options.port));
			return this.boundPort;
		}

		for (let attempt = 0; ; attempt++) {
			try {
				await this.bindAll(wanted, true);
				break;
			} catch (error) {
				await this.closeAll();
				this.boundPort = 0;
				// With port 0 the port is chosen on the first address; another program may hold it on another.
				if (this.options.port !== 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 4) {
					throw error;
				}
			}
		}

		this.timer = setInterval(() => this.refreshSoon(), this.options.pollMs ?? ADDRESS_POLL_MS);
		this.timer.unref();
		return this.boundPort;
	}

	get port(): number {
		return this.boundPort;
	}

	/** The addresses with a bound socket: the ones that answer. */
	addresses(): LocalAddress[] {
		return [...this.entries.values()].map(entry => entry.local);
	}

	/** The largest datagram `socket` sends without fragmenting it (net/link-mtu.ts); 1,200 where unknown. */
	largestDatagram(socket: dgram.Socket): number {
		for (const {local, socket: own} of this.entries.values()) {
			if (own === socket) return largestDatagramOn(local.interface, local.family);
		}

		return BASE_DATAGRAM;
	}

	/** An open socket of that family, for members whose own socket went away. */
	anyOf(family: 'IPv4' | 'IPv6'): dgram.Socket | undefined {
		for (const entry of this.entries.values()) {
			if (entry.local.family === family || entry.local.address === '::') {
				return entry.socket;
			}
		}

		return undefined;
	}

	/** Reads the interface list again now (after a send error), binding new addresses and closing gone ones. */
	refreshSoon(): Promise<void> {
		if (this.closed || !this.timer) {
			return Promise.resolve();
		}

		if (this.refreshing) {
			this.again = true;
			return this.refreshing;
		}

		this.refreshing = this.refresh().finally(() => {
			this.refreshing = undefined;
			if (this.again) {
				this.again = false;
				void this.refreshSoon();
			}
		});
		return this.refreshing;
	}

	async close(): Promise<void> {
		this.closed = true;
		clearInterval(this.timer);
		await this.refreshing;
		await this.closeAll();
	}

	private table(): InterfaceTable {
		return (this.options.interfaces ?? readInterfaces)();
	}

	private async refresh(): Promise<void> {
		const wanted = localAddresses(this.table(), wildcardFamilies(this.options.bind)!);
		const keep = new Set(wanted.map(local => local.address));
		for (const [address, entry] of this.entries) {
			if (!keep.has(address)) {
				this.entries.delete(address);
				entry.socket.close();
				this.options.onClosed?.(entry.socket, entry.local.family);
			}
		}

		await this.bindAll(wanted.filter(local => !this.entries.has(local.address)), false).catch(() => undefined);
	}

	/** Binds each address; at start a taken port fails it all, other errors (an address still tentative) skip that address. */
	private async bindAll(wanted: readonly LocalAddress[], starting: boolean): Promise<void> {
		for (const local of wanted) {
			try {
				const socket = await bindUdp(local.address, this.boundPort || this.options.port);
				if (this.closed) {
					socket.close();
					return;
				}

				this.add(local, socket);
			} catch (error) {
				if (starting && ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' || (error as NodeJS.ErrnoException).code === 'EACCES')) {
					throw error;
				}
			}
		}
	}

	private add(local: LocalAddress, socket: dgram.Socket): void {
		this.boundPort ||= socket.address().port;
		// The room stream's group sends leave by this address's interface, and stay on its link
		// (TTL 1; on udp6 the same call sets IPV6_MULTICAST_HOPS), copied to members on this machine.
		const multicastInterface = local.family === 'IPv4' ? local.address : local.interface === '*' ? undefined : `::%${local.interface}`;
		if (multicastInterface !== undefined) {
			try {
				socket.setMulticastInterface(multicastInterface);
				socket.setMulticastTTL(1);
				socket.setMulticastLoopback(true);
			} catch {}
		}

		socket.on('message', (datagram, rinfo) => {
			this.options.onMessage(datagram, rinfo, socket);
		});
		// A send without a callback reports its failure here: an address may have gone.
		socket.on('error', () => {
			void this.refreshSoon();
		});
		this.entries.set(local.address, {local, socket});
	}

	private async closeAll(): Promise<void> {
		const sockets = [...this.entries.values()].map(entry => entry.socket);
		this.entries.clear();
		await Promise.all(sockets.map(async socket => new Promise<void>(resolve => {
			socket.close(() => resolve());
		})));
	}
}
