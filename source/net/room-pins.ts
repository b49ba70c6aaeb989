import type {JoinOutcome} from '../protocol/connection/outcomes.js';
import {identityFingerprint} from '../protocol/secure/identity.js';
import {describeChange, KnownRooms, roomKey} from './known-rooms.js';

/** What a member link asks of the pins for the room it joins. */
export type RoomPins = {
	/** The hub key pinned for the room (undefined: none, or a new one is accepted on purpose). */
	pinned(): Promise<Uint8Array | undefined>;
	/** Pins the key a join was accepted under. */
	remember(key: Uint8Array): Promise<void>;
	/** What a person reads when the room shows another key than the pinned one. */
	explain(pinned: Uint8Array, shown: Uint8Array): string;
};

/** The pins of the room at `host`:`port` in the known-rooms file; `acceptNewKey`: a changed key is taken and pinned. */
export function knownRoomPins(file: string, host: string, port: number, acceptNewKey: boolean): RoomPins {
	const room = roomKey(host, port);
	let pinnedAt: string | undefined;
	return {
		async pinned() {
			const pin = (await KnownRooms.open(file)).pinned(room);
			pinnedAt = pin?.pinnedAt;
			return acceptNewKey ? undefined : pin?.key;
		},
		async remember(key) {
			const rooms = await KnownRooms.open(file);
			if (rooms.check(room, key).status !== 'same') {
				await rooms.pin(room, key, new Date());
			}
		},
		explain: (pinned, shown) => describeChange(room, identityFingerprint(pinned), identityFingerprint(shown), pinnedAt),
	};
}

/** The key a join must find, or why it cannot start (the known-rooms file cannot be read). */
export async function lookUpPin(pins: RoomPins | undefined): Promise<{key?: Uint8Array; failed?: JoinOutcome}> {
	try {
		return {key: await pins?.pinned()};
	} catch (error) {
		return {failed: {ok: false, code: 'other', reason: (error as Error).message}};
	}
}

/** What the connection saw of the hub's key in a join. */
export type KeySeen = {readonly hubKey?: Uint8Array; readonly shownKey?: Uint8Array; readonly pinnedKey?: Uint8Array; readonly hubKeyEphemeral: boolean};

/** After a join: a changed key explained in full (with the pin's date), a new key pinned (unless the hub's is this run's only). */
export async function settlePin(pins: RoomPins | undefined, outcome: JoinOutcome, seen: KeySeen): Promise<JoinOutcome> {
	if (!pins) {
		return outcome;
	}

	if (!outcome.ok && outcome.code === 'hub-key-changed' && seen.shownKey && seen.pinnedKey) {
		return {...outcome, reason: pins.explain(seen.pinnedKey, seen.shownKey)};
	}

	if (outcome.ok && seen.hubKey && !seen.hubKeyEphemeral) {
		await pins.remember(seen.hubKey).catch(() => undefined);
	}

	return outcome;
}
