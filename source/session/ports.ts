import type {HubItem, MemberRequest, Welcome} from '../protocol/items.js';

export type JoinOutcome =
	| {readonly ok: true; readonly welcome: Welcome}
	| {readonly ok: false; readonly code: string; readonly reason: string};

/**
 * What the session needs of the network to be in a room. The net layer's MemberLink implements
 * it over UDP; tests implement it in memory.
 */
export type RoomLink = {
	/** host:port of the hub. */
	readonly address: string;
	readonly rttMs: number | undefined;
	join(name: string): Promise<JoinOutcome>;
	/** Queues a request; delivered reliably and in order. */
	send(request: MemberRequest): void;
	/** True once everything sent was acknowledged; false if the wait ran out. */
	flushed(timeoutMs: number): Promise<boolean>;
	/** Sends an explicit leave (acknowledged, bounded) and closes. */
	leave(timeoutMs?: number): Promise<void>;
	/** Every item the hub sends, in order, the welcome included. */
	onItem(listener: (item: HubItem) => void): () => void;
	onLost(listener: (reason: string) => void): () => void;
	close(): void;
};
