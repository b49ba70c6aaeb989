/** A RoomList for UI tests: rooms the test sets, and subscribers told about each change. */
import type {DiscoveredRoom, RoomList} from '../../source/session/types.js';

/** A room with sensible defaults. */
export function discoveredRoom(overrides: Partial<DiscoveredRoom> = {}): DiscoveredRoom {
	return {address: '192.168.1.20', port: 7777, name: 'kitchen', host: 'alice-laptop', members: 3, secret: false, ...overrides};
}

/** A live room list whose rooms the test changes. */
export class FakeRoomList implements RoomList {
	#rooms: readonly DiscoveredRoom[];
	readonly #listeners = new Set<() => void>();

	constructor(rooms: readonly DiscoveredRoom[] = []) {
		this.#rooms = rooms;
	}

	readonly rooms = (): readonly DiscoveredRoom[] => this.#rooms;

	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	};

	/** How many listeners are subscribed (to check the UI cleans up). */
	get listenerCount(): number {
		return this.#listeners.size;
	}

	/** Replaces the rooms (a new array, as discovery gives) and notifies subscribers. */
	set(rooms: readonly DiscoveredRoom[]): void {
		this.#rooms = [...rooms];
		for (const listener of this.#listeners) {
			listener();
		}
	}

	/** Adds one room. */
	add(room: DiscoveredRoom): void {
		this.set([...this.#rooms, room]);
	}
}
