import type {RemoteInfo} from 'node:dgram';
import {SERVICE_TYPE, asksForRoom, serviceRecords, servicesIn, type HeardService, type ServiceRoom} from '../protocol/dns-sd.js';
import {normalizeAddress} from './address.js';
import {MdnsLinks, type MdnsLink, type MdnsOptions} from './mdns-links.js';

export {MDNS_PORT, type MdnsOptions} from './mdns-links.js';

/** Whether mDNS runs by default: everywhere unless SOCKET_CHAT_MDNS=off (the test suite sets it; tests that want mDNS say where). */
export function mdnsDefault(): MdnsOptions | false {
	return process.env.SOCKET_CHAT_MDNS === 'off' ? false : {};
}

/**
 * Announces a room as a DNS-SD service over mDNS, on each IPv4 interface the hub answers on:
 * twice at start (RFC 6762 section 8.3), again after `poke()`, in answer to every query for it
 * (from the link the query came over), and a goodbye (TTL 0) at `stop()`.
 */
export class MdnsAnnouncer {
	private readonly links: MdnsLinks;
	private timer: NodeJS.Timeout | undefined;

	constructor(bind: string | undefined, private readonly room: () => ServiceRoom, options: MdnsOptions = {}) {
		this.links = new MdnsLinks(bind, options, {
			onQuery: (query, from, link) => {
				const info = this.safeRoom();
				const mine = this.links.current();
				// Every link's socket hears every query: the one on the querier's subnet answers (all of them if none is).
				if (info && asksForRoom(query, info) && (link.hasPeer(from.address) || !mine.some(other => other.hasPeer(from.address)))) {
					link.respond(serviceRecords(info, link.addresses), from);
				}
			},
			onLink: link => {
				this.announceOn(link);
			},
		});
	}

	/** Interface addresses announced on, and the last error on each (for /netinfo). */
	status(): {readonly interfaces: readonly string[]; readonly failures: ReadonlyMap<string, string>} {
		return {interfaces: this.links.current().map(link => `${link.address} (${link.interface})`), failures: new Map(this.links.failures)};
	}

	start(): void {
		this.links.start();
		this.timer = setTimeout(() => {
			this.poke();
		}, 1000);
		this.timer.unref();
	}

	/** Announces again (the member count changed). */
	poke(): void {
		for (const link of this.links.current()) {
			this.announceOn(link);
		}
	}

	/** Says goodbye on every link, then closes the sockets. */
	async stop(): Promise<void> {
		clearTimeout(this.timer);
		const info = this.safeRoom();
		if (info) {
			for (const link of this.links.current()) {
				link.respond(serviceRecords(info, link.addresses, 0));
			}

			// The goodbyes are handed to the sockets; give them a moment to leave before closing.
			await new Promise(resolve => {
				setTimeout(resolve, 50);
			});
		}

		this.links.stop();
	}

	private announceOn(link: MdnsLink): void {
		const info = this.safeRoom();
		if (info) {
			link.respond(serviceRecords(info, link.addresses));
		}
	}

	private safeRoom(): ServiceRoom | undefined {
		try {
			return this.room();
		} catch {
			return undefined;
		}
	}
}

/** A room heard over mDNS, with the address its answer came from (where the hub answers too). */
export type MdnsHeard = HeardService & {readonly from: string};

/**
 * Browses for rooms over mDNS: asks for `_socket-chat._udp.local` on each interface at once, a
 * second later, then every `intervalMs`, and hands every room in every answer to `onHeard`.
 */
export class MdnsBrowser {
	private readonly links: MdnsLinks;
	private timers: NodeJS.Timeout[] = [];

	constructor(private readonly onHeard: (heard: MdnsHeard) => void, options: MdnsOptions = {}, private readonly intervalMs = 4000) {
		this.links = new MdnsLinks(undefined, options, {
			onResponse: (response, from: RemoteInfo) => {
				for (const service of servicesIn(response)) {
					this.onHeard({...service, from: normalizeAddress(from.address)});
				}
			},
			onLink: link => {
				link.query([{name: SERVICE_TYPE, type: 'PTR'}]);
			},
		});
	}

	/** Interfaces asked on and the last error on each (for /netinfo). */
	status(): {readonly interfaces: readonly string[]; readonly failures: ReadonlyMap<string, string>} {
		return {interfaces: this.links.current().map(link => `${link.address} (${link.interface})`), failures: new Map(this.links.failures)};
	}

	start(): void {
		this.links.start();
		const ask = () => {
			for (const link of this.links.current()) {
				link.query([{name: SERVICE_TYPE, type: 'PTR'}]);
			}
		};

		const second = setTimeout(ask, 1000);
		const every = setInterval(ask, this.intervalMs);
		second.unref();
		every.unref();
		this.timers = [second, every];
	}

	stop(): void {
		for (const timer of this.timers) {
			clearTimeout(timer);
		}

		this.links.stop();
	}
}
