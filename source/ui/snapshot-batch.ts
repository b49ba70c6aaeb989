import type {ChatSessionApi, SessionSnapshot} from '../session/types.js';

/**
 * At most this often the session's changes reach the screen while they keep coming. Every
 * render of the chat costs a full Ink frame (about 10 ms at 120x40: Ink tokenises every line
 * of every frame), so at 1,000 messages a second the frames, not the messages, are the cost:
 * a flood is drawn ten times a second. A change after a quiet tenth of a second is drawn at
 * once (a conversation waits for nothing); keys never wait (they do not go through the batch).
 */
export const snapshotIntervalMs = 100;

/** Whether `next` differs from `shown` in its entries only (the rest the same objects). */
function onlyEntriesChanged(shown: SessionSnapshot, next: SessionSnapshot): boolean {
	for (const key of new Set([...Object.keys(shown), ...Object.keys(next)]) as Set<keyof SessionSnapshot>) {
		if (key !== 'entries' && shown[key] !== next[key]) {
			return false;
		}
	}

	return true;
}

/**
 * The session's snapshot as the screen shows it, new entries handed on in batches: the first
 * after a quiet interval at once, those that follow within `intervalMs` together, at its end.
 * Any other change (status, members, files, a refusal...) is handed on at once, with the
 * entries so far: the screens that follow the connection's states see every one of them (a
 * wrong secret's refusal brings a fresh prompt). Subscribes to the session while it has
 * listeners; every listener sees the same snapshot.
 */
export class SnapshotBatch {
	#shown: SessionSnapshot;
	readonly #listeners = new Set<() => void>();
	#unsubscribe: (() => void) | undefined;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#last = Number.NEGATIVE_INFINITY;

	constructor(
		private readonly session: Pick<ChatSessionApi, 'getSnapshot' | 'subscribe'>,
		private readonly intervalMs = snapshotIntervalMs,
		private readonly now: () => number = () => performance.now(),
	) {
		this.#shown = session.getSnapshot();
	}

	/** The snapshot last handed on. */
	readonly getSnapshot = (): SessionSnapshot => this.#shown;

	/** Calls `listener` when a new snapshot is handed on. */
	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		if (this.#unsubscribe === undefined) {
			this.#unsubscribe = this.session.subscribe(this.#changed);
			// A change between the first read and the subscription.
			this.#changed();
		}

		return () => {
			this.#listeners.delete(listener);
			if (this.#listeners.size === 0) {
				this.#unsubscribe?.();
				this.#unsubscribe = undefined;
				clearTimeout(this.#timer);
				this.#timer = undefined;
			}
		};
	};

	/** Whether new entries are waiting for the end of the interval. */
	get pending(): boolean {
		return this.#timer !== undefined;
	}

	readonly #changed = (): void => {
		const next = this.session.getSnapshot();
		if (next === this.#shown) {
			return;
		}

		if (!onlyEntriesChanged(this.#shown, next)) {
			this.#publish();
			return;
		}

		if (this.#timer !== undefined) {
			return;
		}

		const wait = this.#last + this.intervalMs - this.now();
		if (wait <= 0) {
			this.#publish();
		} else {
			this.#timer = setTimeout(this.#publish, wait);
		}
	};

	readonly #publish = (): void => {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		const next = this.session.getSnapshot();
		if (next === this.#shown) {
			return;
		}

		this.#shown = next;
		this.#last = this.now();
		for (const listener of this.#listeners) {
			listener();
		}
	};
}
