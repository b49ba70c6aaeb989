/**
 * Where a datagram came from, as the hub knows a member by it: an address (normalised, so an
 * IPv4 peer seen on an IPv6 socket is still its IPv4 address), a port, and a key for maps.
 */
export type Peer = {readonly address: string; readonly port: number; readonly key: string};

export function peerOf(address: string, port: number): Peer {
	return {address, port, key: `${address}|${port}`};
}
