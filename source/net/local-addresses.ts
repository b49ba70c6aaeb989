import {networkInterfaces} from 'node:os';
import {isIPv4} from 'node:net';
import type {InterfaceTable} from './discovery-targets.js';

/** One address of this machine, as a hub binds it. */
export type LocalAddress = {
	/** The address to bind and to tell others: a link-local IPv6 address carries its zone (`fe80::1%eth0`). */
	readonly address: string;
	readonly family: 'IPv4' | 'IPv6';
	/** The interface holding it (`eth0`, `lo`). */
	readonly interface: string;
	/** True for loopback addresses: they reach this machine only. */
	readonly internal: boolean;
};

/** Which families a hub bound to `bind` listens on, or undefined for one given address only. */
export function wildcardFamilies(bind: string | undefined): ReadonlyArray<'IPv4' | 'IPv6'> | undefined {
	if (bind === undefined || bind === '' || bind === '::') {
		return ['IPv4', 'IPv6'];
	}

	return bind === '0.0.0.0' ? ['IPv4'] : undefined;
}

/** fe80::/10: such an address means something only together with its interface. */
export function isLinkLocalV6(address: string): boolean {
	return /^fe[89ab][0-9a-f]:/i.test(address);
}

/** The interface table, or none where the platform refuses to list it. */
export function readInterfaces(): InterfaceTable {
	try {
		return networkInterfaces();
	} catch {
		return {};
	}
}

/**
 * Every address of the given families in the interface table (pure), loopback first, then IPv4,
 * then IPv6; link-local IPv6 addresses with their zone, duplicates once.
 */
export function localAddresses(interfaces: InterfaceTable, families: ReadonlyArray<'IPv4' | 'IPv6'>): LocalAddress[] {
	const found = new Map<string, LocalAddress>();
	for (const [name, infos] of Object.entries(interfaces)) {
		for (const info of infos ?? []) {
			const family = info.family === 'IPv4' || isIPv4(info.address) ? 'IPv4' : 'IPv6';
			if (!families.includes(family)) {
				continue;
			}

			const address = family === 'IPv6' && isLinkLocalV6(info.address) ? `${info.address.split('%')[0]!}%${name}` : info.address;
			if (!found.has(address)) {
				found.set(address, {address, family, interface: name, internal: info.internal});
			}
		}
	}

	const rank = (entry: LocalAddress) => (entry.internal ? 0 : 2) + (entry.family === 'IPv6' ? 1 : 0);
	return [...found.values()].sort((a, b) => rank(a) - rank(b));
}

/** The interface that holds `address` (without its zone), if any. */
export function interfaceOf(address: string, interfaces: InterfaceTable): string | undefined {
	const [plain, zone] = address.split('%');
	if (zone) {
		return zone;
	}

	for (const [name, infos] of Object.entries(interfaces)) {
		if ((infos ?? []).some(info => info.address === plain)) {
			return name;
		}
	}

	return undefined;
}
