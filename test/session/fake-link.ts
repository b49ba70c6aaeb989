import type {HubItem, MemberRequest, Welcome} from '../../source/protocol/items.js';
import type {RefusalCode} from '../../source/protocol/connection/outcomes.js';
import type {JoinOutcome, RoomLink} from '../../source/session/ports.js';

type Deferred<T> = {readonly promise: Promise<T>; resolve(value: T): void};

function deferred<T>(): Deferred<T> {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>(r => {
		resolve = r;
	});
	return {promise, resolve};
}

export type FakeLinkOptions = {
	readonly address?: string;
	/** Settle every join at once with this outcome (a welcome is also delivered as an item). */
	readonly outcome?: JoinOutcome;
	/** What `flushed()` resolves to (default true); see also `holdFlush`. */
	readonly flushed?: boolean;
};

/**
 * An in-memory RoomLink. Like the real MemberLink, a welcome settles the pending join and is
 * then delivered to the item listeners too. Everything the session does to it is recorded.
 */
export class FakeLink implements RoomLink {
	readonly address: string;
	rttMs: number | undefined = undefined;
	/** Requests sent, in order. */
	readonly sent: MemberRequest[] = [];
	/** What typing() was told, in order. */
	readonly typings: boolean[] = [];

	typing(active: boolean): void {
		this.typings.push(active);
	}
	/** Names join() was called with, in order. */
	readonly joins: string[] = [];
	/** Timeouts flushed() was called with; the leave/close calls; and everything in one log. */
	readonly flushCalls: number[] = [];
	readonly leaveCalls: Array<number | undefined> = [];
	closeCalls = 0;
	readonly log: string[] = [];
	/** Set to a value to settle the next joins at once; undefined makes the test settle them. */
	outcome: JoinOutcome | undefined;
	flushResult: boolean;
	/** What `unacknowledged` answers (a test sets it). */
	unacknowledged = 0;
	private pendingJoin: Deferred<JoinOutcome> | undefined;
	private heldFlush: Deferred<boolean> | undefined;
	private readonly itemListeners = new Set<(item: HubItem) => void>();
	private readonly lostListeners = new Set<(reason: string) => void>();

	constructor(options: FakeLinkOptions = {}) {
		this.address = options.address ?? '127.0.0.1:9999';
		this.outcome = options.outcome;
		this.flushResult = options.flushed ?? true;
	}

	/** A join is waiting for the test to settle it. */
	get joinPending(): boolean {
		return this.pendingJoin !== undefined;
	}

	async join(name: string): Promise<JoinOutcome> {
		this.joins.push(name);
		this.log.push(`join ${name}`);
		const outcome = this.outcome;
		if (outcome) {
			if (outcome.ok) {
				queueMicrotask(() => {
					this.deliver(outcome.welcome);
				});
			}

			return outcome;
		}

		this.pendingJoin = deferred();
		return this.pendingJoin.promise;
	}

	/** Settles the pending join with this welcome, then delivers it as an item (as MemberLink does). */
	welcome(welcome: Welcome): void {
		const pending = this.takeJoin();
		pending.resolve({ok: true, welcome});
		this.deliver(welcome);
	}

	/** Settles the pending join with a refusal. */
	refuse(code: RefusalCode, reason: string): void {
		this.takeJoin().resolve({ok: false, code, reason});
	}

	/** Delivers an item from the hub to every listener. */
	push(...items: HubItem[]): void {
		for (const item of items) {
			this.deliver(item);
		}
	}

	lose(reason: string): void {
		for (const listener of this.lostListeners) {
			listener(reason);
		}
	}

	/** Makes the next flushed() wait until `releaseFlush` is called. */
	holdFlush(): void {
		this.heldFlush = deferred();
	}

	releaseFlush(result = this.flushResult): void {
		this.heldFlush?.resolve(result);
		this.heldFlush = undefined;
	}

	send(request: MemberRequest): void {
		this.sent.push(request);
		this.log.push(`send ${request.k}`);
	}

	async flushed(timeoutMs?: number): Promise<boolean> {
		this.flushCalls.push(timeoutMs ?? Number.POSITIVE_INFINITY);
		this.log.push('flushed');
		const result = await (this.heldFlush?.promise ?? Promise.resolve(this.flushResult));
		this.log.push(`flushed -> ${result}`);
		return result;
	}

	async leave(timeoutMs?: number): Promise<void> {
		this.leaveCalls.push(timeoutMs);
		this.log.push('leave');
	}

	onItem(listener: (item: HubItem) => void): () => void {
		this.itemListeners.add(listener);
		return () => this.itemListeners.delete(listener);
	}

	onLost(listener: (reason: string) => void): () => void {
		this.lostListeners.add(listener);
		return () => this.lostListeners.delete(listener);
	}

	private readonly statusListeners = new Set<(state: 'connected' | 'reconnecting', detail?: string) => void>();

	onStatus(listener: (state: 'connected' | 'reconnecting', detail?: string) => void): () => void {
		this.statusListeners.add(listener);
		return () => this.statusListeners.delete(listener);
	}

	/** Test side: the link starts reconnecting, or is back. */
	status(state: 'connected' | 'reconnecting', detail?: string): void {
		for (const listener of this.statusListeners) {
			listener(state, detail);
		}
	}

	close(): void {
		this.closeCalls++;
		this.log.push('close');
	}

	private takeJoin(): Deferred<JoinOutcome> {
		const pending = this.pendingJoin;
		if (!pending) {
			throw new Error('FakeLink: no join is pending');
		}

		this.pendingJoin = undefined;
		return pending;
	}

	private deliver(item: HubItem): void {
		for (const listener of this.itemListeners) {
			listener(item);
		}
	}
}

/** A welcome for `you` into a room of `others` (the first of them the host unless `host` says). */
export function makeWelcome(you: string, others: readonly string[] = [], options: {host?: string; history?: Welcome['history']} = {}): Welcome {
	const host = options.host ?? others[0] ?? you;
	const names = [...others, you];
	return {
		k: 'welcome',
		you,
		members: names.map(name => (name === host ? {name, host: true} : {name})),
		history: options.history ?? [],
	};
}
