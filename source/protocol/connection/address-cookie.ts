import {createHmac, timingSafeEqual} from 'node:crypto';
import {COOKIE_PERIOD_MS} from '../limits.js';
import {fromBase64, toBase64} from '../secure/base64.js';

/** Bytes of the MAC a cookie carries (128 bits: guessing one is hopeless). */
const MAC_BYTES = 16;
const LABEL = 'socket-chat-tui v3 address cookie';

/**
 * Stateless address validation, as QUIC's Retry token and DTLS's HelloVerifyRequest cookie: a
 * cookie is an HMAC-SHA256, under a key the hub draws at start, over the peer's address and port
 * and the time period it was made in. Only a peer that receives datagrams at that address can
 * show it, so a query carrying a valid one did not come from a forged source, and the hub keeps
 * nothing for a peer before it shows one. The period's low byte rides in the clear, so checking
 * takes one HMAC; a cookie is good for its period and the next (30 to 60 s).
 */
export class AddressCookies {
	constructor(private readonly key: Uint8Array) {}

	/** A cookie for `peer` (Peer.key: normalised address and port), made now. */
	make(peer: string, now: number): string {
		const period = Math.floor(now / COOKIE_PERIOD_MS);
		return toBase64(Buffer.concat([Buffer.of(period & 0xff), this.mac(peer, period)]));
	}

	/** Whether `cookie` was made for `peer` in this period or the last. */
	valid(peer: string, cookie: string | undefined, now: number): boolean {
		const bytes = cookie === undefined ? undefined : fromBase64(cookie);
		if (bytes?.length !== 1 + MAC_BYTES) {
			return false;
		}

		const current = Math.floor(now / COOKIE_PERIOD_MS);
		const period = (current & 0xff) === bytes[0] ? current : ((current - 1) & 0xff) === bytes[0] ? current - 1 : undefined;
		return period !== undefined && timingSafeEqual(this.mac(peer, period), bytes.subarray(1));
	}

	private mac(peer: string, period: number): Buffer {
		return createHmac('sha256', this.key).update(`${LABEL}\n${peer}\n${period}`).digest().subarray(0, MAC_BYTES);
	}
}
