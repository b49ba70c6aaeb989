/** What a pure connection offers its driver (quinn-proto's shape); `T` is what it transmits. */
export type Pollable<T> = {
	handleTimeout(now: number): void;
	pollTransmit(now: number): T | undefined;
	pollTimeout(): number | undefined;
};

/**
 * Drives a pure connection or endpoint on real time: after every input, `events` hands over what
 * it said; its datagrams go out together on the next turn of the event loop (a burst of input
 * packs into few datagrams), and one timer wakes it at the deadline it asks for (re-armed only
 * when that deadline moves, as inputs come thousands a second at the hub).
 */
export class ConnectionDriver<T = Uint8Array> {
	private timer: NodeJS.Timeout | undefined;
	private timerAt: number | undefined;
	private immediate: NodeJS.Immediate | undefined;
	private stopped = false;

	constructor(
		private readonly connection: Pollable<T>,
		private readonly transmit: (datagram: T) => void,
		private readonly events: () => void,
		private readonly now: () => number = Date.now,
	) {}

	/** Call after giving the connection any input. */
	drive(): void {
		this.events();
		if (this.stopped) {
			return;
		}

		this.immediate ??= setImmediate(() => {
			this.immediate = undefined;
			this.flush();
		});
		this.arm();
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.timer);
		clearImmediate(this.immediate);
	}

	private flush(): void {
		if (this.stopped) {
			return;
		}

		const now = this.now();
		for (let datagram = this.connection.pollTransmit(now); datagram; datagram = this.connection.pollTransmit(now)) {
			this.transmit(datagram);
		}

		this.events();
		this.arm();
	}

	private arm(): void {
		const at = this.stopped ? undefined : this.connection.pollTimeout();
		if (at === this.timerAt) {
			return;
		}

		clearTimeout(this.timer);
		this.timerAt = at;
		if (at === undefined) {
			return;
		}

		this.timer = setTimeout(
			() => {
				this.timerAt = undefined;
				this.connection.handleTimeout(this.now());
				this.drive();
			},
			Math.max(0, at - this.now()),
		);
		this.timer.unref();
	}
}
