import {readFileSync} from 'node:fs';
import {BASE_DATAGRAM, PROBE_SIZES} from '../protocol/connection/path-mtu.js';

/** IPv4's and UDP's headers (20 + 8 bytes), and IPv6's and UDP's (40 + 8). */
const HEADERS = {IPv4: 28, IPv6: 48} as const;

/**
 * The largest datagram this machine sends on `interfaceName` without fragmenting it: the
 * interface's MTU less the IP and UDP headers, read from /sys/class/net on Linux, and capped at
 * the largest size the hub probes (loopback's 65,536 would otherwise invite 64 KB datagrams that
 * no real link carries). Where the MTU cannot be read (another system, a wildcard socket), 1,200:
 * no probing, as before path MTU discovery.
 */
export function largestDatagramOn(interfaceName: string, family: 'IPv4' | 'IPv6', read: (file: string) => string = file => readFileSync(file, 'utf8')): number {
	if (!/^[\w.@:-]{1,15}$/.test(interfaceName)) return BASE_DATAGRAM;
	let mtu: number;
	try {
		mtu = Number.parseInt(read(`/sys/class/net/${interfaceName}/mtu`).trim(), 10);
	} catch {
		return BASE_DATAGRAM;
	}

	if (!Number.isInteger(mtu) || mtu <= 0) return BASE_DATAGRAM;
	return Math.max(BASE_DATAGRAM, Math.min(mtu - HEADERS[family], PROBE_SIZES[0]!));
}
