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
