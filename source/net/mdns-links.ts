import type {RemoteInfo} from 'node:dgram';
import makeMdns from 'multicast-dns';
import type {Answer, Packet, Question} from 'dns-packet';
import type {InterfaceTable} from './discovery-targets.js';
import {isLoopback, isWildcard} from './discovery-targets.js';
import {readInterfaces} from './local-addresses.js';
import {ADDRESS_POLL_MS} from './hub-sockets.js';

/** The mDNS port (RFC 6762); tests use another so as to stay apart from the machine's own responder. */
export const MDNS_PORT = 5353;

/** Where mDNS runs: the IPv4 addresses of the interfaces to use (default: every non-loopback one), and the port. */
export type MdnsOptions = {
	readonly port?: number;
	/** IPv4 addresses of the interfaces to speak on, e.g. ['127.0.0.1'] in tests. */
	readonly interfaces?: readonly string[];
	readonly table?: () => InterfaceTable;
};

/** One interface's mDNS socket: joined to 224.0.0.251 on it, sending out of it. */
export type MdnsLink = {
	readonly address: string;
	readonly netmask: string;
	readonly interface: string;
	/** Other addresses of the same interface (for A/AAAA records), this one first. */
	readonly addresses: readonly string[];
	respond(answers: Answer[], to?: RemoteInfo): void;
	query(questions: Question[]): void;
	/** True when `from` is on this link's subnet (so this link should answer it). */
	hasPeer(from: string): boolean;
};

type Entry = MdnsLink & {destroy(): void};

function toInt(address: string): number {
	return address.split('.').reduce((value, part) => (value * 256) + Number(part), 0);
}

function sameSubnet(a: string, b: string, netmask: string): boolean {
	const mask = toInt(netmask);
	return !a.includes(':') && !b.includes(':') && Math.floor(toInt(a) / (2 ** 32 - mask)) === Math.floor(toInt(b) / (2 ** 32 - mask));
}

/** The IPv4 interface addresses mDNS runs on, for a hub bound to `bind` (none for loopback or IPv6 binds). */
export function mdnsInterfaces(bind: string | undefined, table: InterfaceTable, only?: readonly string[]): Array<{address: string; netmask: string; interface: string; addresses: string[]}> {
	const found = [];
	for (const [name, infos] of Object.entries(table)) {
		const all = (infos ?? []).map(info => info.address);
		for (const info of infos ?? []) {
			const wanted = only ? only.includes(info.address) : isWildcard(bind) ? !info.internal : info.address === bind && !isLoopback(bind!);
			if (info.family === 'IPv4' && wanted) {
				found.push({address: info.address, netmask: info.netmask, interface: name, addresses: [info.address, ...all.filter(address => address !== info.address)]});
			}
		}
	}

	return found;
}

/**
 * mDNS sockets, one per IPv4 interface (multicast leaves by one interface unless told which:
 * docs/discovery.md), following interfaces that come and go. Every socket hears every datagram
 * to the group on any interface; `hasPeer` tells which link a query came over.
 */
export class MdnsLinks {
	/** The last error per interface address, for /netinfo; cleared once that link works. */
	readonly failures = new Map<string, string>();
	private readonly links = new Map<string, Entry>();
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly bind: string | undefined,
		private readonly options: MdnsOptions,
		private readonly handlers: {
			readonly onQuery?: (query: Packet, from: RemoteInfo, link: MdnsLink) => void;
			readonly onResponse?: (response: Packet, from: RemoteInfo, link: MdnsLink) => void;
			readonly onLink?: (link: MdnsLink) => void;
		},
	) {}

	/** The links open now. */
	current(): readonly MdnsLink[] {
		return [...this.links.values()];
	}

	start(): void {
		this.refresh();
		this.timer = setInterval(() => {
			this.refresh();
		}, ADDRESS_POLL_MS);
		this.timer.unref();
	}

	stop(): void {
		clearInterval(this.timer);
		for (const link of this.links.values()) {
			link.destroy();
		}

		this.links.clear();
	}

	private refresh(): void {
		const wanted = mdnsInterfaces(this.bind, (this.options.table ?? readInterfaces)(), this.options.interfaces);
		const keep = new Set(wanted.map(info => info.address));
		for (const [address, link] of this.links) {
			if (!keep.has(address)) {
				link.destroy();
				this.links.delete(address);
			}
		}

		for (const info of wanted) {
			if (!this.links.has(info.address)) {
				const link = this.open(info);
				this.links.set(info.address, link);
				this.handlers.onLink?.(link);
			}
		}
	}

	private open(info: {address: string; netmask: string; interface: string; addresses: string[]}): Entry {
		const port = this.options.port ?? MDNS_PORT;
		const mdns = makeMdns({port, interface: info.address, bind: '0.0.0.0', reuseAddr: true, loopback: true});
		const fail = (error: Error) => {
			this.failures.set(info.address, `${(error as NodeJS.ErrnoException).code ?? error.message} (${info.interface})`);
		};

		const sent = (error: Error | null) => {
			if (error) {
				fail(error);
			} else {
				this.failures.delete(info.address);
			}
		};

		mdns.on('error', fail);
		mdns.on('warning', fail);
		const link: Entry = {
			...info,
			respond(answers, to) {
				mdns.respond({answers}, to && to.port !== port ? {port: to.port, address: to.address} : undefined, sent);
			},
			query(questions) {
				mdns.query({questions}, sent);
			},
			hasPeer: from => sameSubnet(from, info.address, info.netmask),
			destroy() {
				mdns.destroy();
			},
		};
		mdns.on('query', (query, rinfo) => this.handlers.onQuery?.(query, rinfo, link));
		mdns.on('response', (response, rinfo) => this.handlers.onResponse?.(response, rinfo, link));
		return link;
	}
}
