/** What a pure connection offers its driver (quinn-proto's shape). */
export type Pollable = {
	handleTimeout(now: number): void;
	pollTransmit(now: number): Uint8Array | undefined;
	pollTimeout(): number | undefined;
};

/**
 * Drives a pure connection on real time: after every input, `events` hands over what it said;
 * its datagrams go out together on the next turn of the event loop (a burst of input packs into
 * few datagrams), and one timer wakes it at the deadline it asks for.
 */
export class ConnectionDriver {
	private timer: NodeJS.Timeout | undefined;
	private immediate: NodeJS.Immediate | undefined;
	private stopped = false;

	constructor(
		private readonly connection: Pollable,
		private readonly transmit: (datagram: Uint8Array) => void,
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
		clearTimeout(this.timer);
		const at = this.connection.pollTimeout();
		if (at === undefined || this.stopped) {
			return;
		}

		this.timer = setTimeout(
			() => {
				this.connection.handleTimeout(this.now());
				this.drive();
			},
			Math.max(0, at - this.now()),
		);
		this.timer.unref();
	}
}
