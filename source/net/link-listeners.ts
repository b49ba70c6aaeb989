import type {LinkState, MemberEvent} from '../protocol/connection/member-connection.js';
import type {JoinOutcome} from '../protocol/connection/outcomes.js';
import type {HubItem} from '../protocol/items.js';

/** The listeners a member link's users register, and the connection's events handed to them. */
export class LinkListeners {
	readonly items = new Set<(item: HubItem) => void>();
	readonly status = new Set<(state: LinkState, detail?: string) => void>();
	readonly lost = new Set<(reason: string) => void>();
	/** Waiting for everything sent to be acknowledged (they check again when called). */
	readonly idle = new Set<() => void>();

	/** Settles the handshake under way (the link's own promise). */
	answered: ((answer: JoinOutcome) => void) | undefined;
	/** The room has a multicast group: the link opens its socket. */
	group: ((group: string, port: number) => void) | undefined;

	/** Takes every event the connection has said: the handshake's answer, then the rest to their listeners. */
	drain(connection: {pollEvent(): MemberEvent | undefined} | undefined): void {
		for (let event = connection?.pollEvent(); event; event = connection?.pollEvent()) {
			if (event.type === 'answer') {
				const answered = this.answered;
				this.answered = undefined;
				answered?.(event.answer);
			} else if (event.type === 'group') {
				this.group?.(event.group, event.port);
			} else {
				this.dispatch(event);
			}
		}
	}

	/** Adds `listener` to `set`; the returned function removes it. */
	static add<T>(set: Set<T>, listener: T): () => void {
		set.add(listener);
		return () => set.delete(listener);
	}

	/** Hands one event (not the handshake's answer, which the link settles itself) to its listeners. */
	dispatch(event: Exclude<MemberEvent, {type: 'answer' | 'group'}>): void {
		switch (event.type) {
			case 'item': {
				for (const listener of this.items) {
					listener(event.item);
				}

				break;
			}

			case 'state': {
				for (const listener of this.status) {
					listener(event.state, event.detail);
				}

				break;
			}

			case 'lost': {
				for (const listener of this.lost) {
					listener(event.reason);
				}

				break;
			}

			case 'idle': {
				this.wakeIdle();
				break;
			}
		}
	}

	/**
	 * Resolves with `idle()` once it holds, or once `timeoutMs` passes or the link wakes its
	 * waiters on closing (then with what `idle()` says at that moment).
	 */
	async whenIdle(idle: () => boolean, timeoutMs?: number): Promise<boolean> {
		if (idle()) {
			return true;
		}

		return new Promise(resolve => {
			const done = () => {
				clearTimeout(timer);
				this.idle.delete(done);
				resolve(idle());
			};

			const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
			this.idle.add(done);
		});
	}

	wakeIdle(): void {
		for (const waiter of [...this.idle]) {
			waiter();
		}
	}
}
