/**
 * The simulator's one source of chance: a seeded PRNG (sfc32, seeded by splitmix32 from a 32-bit
 * seed), so a scenario run twice from its seed makes the same choices in the same order.
 */
export class Random {
	private a: number;
	private b: number;
	private c: number;
	private d: number;

	constructor(readonly seed: number) {
		let state = seed >>> 0;
		const next = () => {
			state = (state + 0x9e_37_79_b9) >>> 0;
			let z = state;
			z = Math.imul(z ^ (z >>> 16), 0x85_eb_ca_6b);
			z = Math.imul(z ^ (z >>> 13), 0xc2_b2_ae_35);
			return (z ^ (z >>> 16)) >>> 0;
		};

		this.a = next();
		this.b = next();
		this.c = next();
		this.d = next();
		for (let index = 0; index < 12; index++) {
			this.next();
		}
	}

	/** A float in [0, 1). */
	next(): number {
		const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
		this.d = (this.d + 1) >>> 0;
		this.a = this.b ^ (this.b >>> 9);
		this.b = (this.c + (this.c << 3)) >>> 0;
		this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
		this.c = (this.c + t) >>> 0;
		return t / 4_294_967_296;
	}

	/** An integer in [low, high]. */
	int(low: number, high: number): number {
		return low + Math.floor(this.next() * (high - low + 1));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)]!;
	}

	/** Exponentially distributed, with this mean. */
	exponential(mean: number): number {
		return -Math.log(1 - this.next()) * mean;
	}

	bytes(count: number): Uint8Array {
		const out = new Uint8Array(count);
		for (let index = 0; index < count; index++) {
			out[index] = Math.floor(this.next() * 256);
		}

		return out;
	}

	/** A generator of its own, derived from this one (so one part's draws do not shift another's). */
	fork(): Random {
		return new Random(Math.floor(this.next() * 4_294_967_296));
	}
}
