import {formatHostPort} from './address.js';
import type {LocalAddress} from './local-addresses.js';

/** An address others can type to reach the hub, with the interface that holds it. */
export type ShareAddress = {
	/** `HOST:PORT`, IPv6 in brackets, a link-local address with its zone: `[fe80::1%eth0]:9999`. */
	readonly address: string;
	readonly interface: string;
};

/**
 * The addresses others can use to reach a hub on `port`, from the addresses it has a socket on
 * (so only ones that answer): every non-loopback one, IPv4 first; loopback ones only when there
 * is nothing else (a hub bound to 127.0.0.1).
 */
export function shareAddresses(bound: readonly LocalAddress[], port: number): ShareAddress[] {
	const reachable = bound.filter(local => !local.internal && local.address !== '::');
	const chosen = reachable.length > 0 ? reachable : bound.filter(local => local.internal);
	return chosen
		.map(local => ({address: formatHostPort(local.address, port), interface: local.interface, v6: local.family === 'IPv6'}))
		.sort((a, b) => Number(a.v6) - Number(b.v6))
		.map(({address, interface: name}) => ({address, interface: name}));
}

/** "10.0.0.5:9999 (eth0)": what the host's screen shows after `--join`. */
export function shareLabel(share: ShareAddress): string {
	return `${share.address} (${share.interface})`;
}

/** Where the host's own member reaches its hub: the bound address, or loopback. */
export function loopbackFor(bind: string | undefined): string {
	if (bind === undefined || bind === '0.0.0.0') {
		return '127.0.0.1';
	}

	return bind === '::' ? '::1' : bind;
}
