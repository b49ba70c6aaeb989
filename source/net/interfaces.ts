import {networkInterfaces} from 'node:os';
import {formatHostPort} from './address.js';

/**
 * The addresses others can use to reach a hub bound to `bind` on `port`: every non-internal
 * IPv4 and IPv6 address when bound to all interfaces, or just the bound address.
 */
export function shareAddresses(bind: string | undefined, port: number): string[] {
	if (bind !== undefined && bind !== '0.0.0.0' && bind !== '::') {
		return [formatHostPort(bind, port)];
	}

	const found: string[] = [];
	for (const addresses of Object.values(networkInterfaces())) {
		for (const address of addresses ?? []) {
			if (address.internal || (bind === '0.0.0.0' && address.family !== 'IPv4')) {
				continue;
			}

			const host = address.family === 'IPv6' && address.scopeid ? `${address.address}%${address.scopeid}` : address.address;
			found.push(formatHostPort(host, port));
		}
	}

	return found.sort((a, b) => Number(a.startsWith('[')) - Number(b.startsWith('[')));
}

/** Where the host's own member reaches its hub: the bound address, or loopback. */
export function loopbackFor(bind: string | undefined): string {
	if (bind === undefined || bind === '0.0.0.0') {
		return '127.0.0.1';
	}

	return bind === '::' ? '::1' : bind;
}
