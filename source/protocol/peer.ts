/**
 * Where a datagram came from, as the hub knows a member by it: an address (normalised, so an
 * IPv4 peer seen on an IPv6 socket is still its IPv4 address), a port, and a key for maps.
 */
export type Peer = {readonly address: string; readonly port: number; readonly key: string};

export function peerOf(address: string, port: number): Peer {
	return {address, port, key: `${address}|${port}`};
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d; identity uses the plain form. */
export function normalizeAddress(address: string): string {
	return address.startsWith('::ffff:') && IPV4.test(address.slice(7)) ? address.slice(7) : address;
}
