import {RTO_INITIAL_MS, RTO_MAX_MS, RTO_MIN_MS} from './limits.js';

/**
 * Round-trip estimate and retransmission timeout, after RFC 6298 / KCP:
 * srtt = 7/8 srtt + 1/8 sample, rttvar = 3/4 rttvar + 1/4 |srtt - sample|,
 * rto = srtt + max(4 rttvar, 10 ms), clamped, doubled per unanswered timeout.
 */
export class RttEstimator {
	srtt: number | undefined;
	rttvar = 0;
	backoff = 0;

	constructor(
		private readonly minRto = RTO_MIN_MS,
		private readonly maxRto = RTO_MAX_MS,
	) {}

	sample(rttMs: number): void {
		const rtt = Math.max(0, rttMs);
		if (this.srtt === undefined) {
			this.srtt = rtt;
			this.rttvar = rtt / 2;
		} else {
			this.rttvar = (3 * this.rttvar + Math.abs(this.srtt - rtt)) / 4;
			this.srtt = (7 * this.srtt + rtt) / 8;
		}
	}

	/** The timeout for a send made now. */
	rto(): number {
		const base = this.srtt === undefined ? RTO_INITIAL_MS : this.srtt + Math.max(4 * this.rttvar, 10);
		const clamped = Math.min(this.maxRto, Math.max(this.minRto, base));
		return Math.min(this.maxRto, clamped * 2 ** this.backoff);
	}
}
