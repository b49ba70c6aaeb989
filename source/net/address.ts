import {isIPv6} from 'node:net';

export {normalizeAddress} from '../protocol/peer.js';

/** "host:port", with IPv6 hosts in brackets. */
export function formatHostPort(host: string, port: number): string {
	return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

export type HostPort = {readonly host: string; readonly port: number};

/** Parses HOST, HOST:PORT, [V6] or [V6]:PORT; a bare IPv6 address is taken whole. */
export function parseHostPort(text: string, defaultPort: number): HostPort | {readonly error: string} {
	const value = text.trim();
	if (value === '') {
		return {error: 'no address given'};
	}

	let host = value;
	let portText: string | undefined;
	const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
	if (bracketed) {
		host = bracketed[1]!;
		portText = bracketed[2];
	} else if (!isIPv6(value) && value.includes(':')) {
		const at = value.lastIndexOf(':');
		host = value.slice(0, at);
		portText = value.slice(at + 1);
	}

	if (host === '' || /\s/.test(host)) {
		return {error: `"${text}" is not a host name or address`};
	}

	if (portText === undefined) {
		return {host, port: defaultPort};
	}

	const port = Number(portText);
	if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) {
		return {error: `"${portText}" is not a port (1-65535)`};
	}

	return {host, port};
}
