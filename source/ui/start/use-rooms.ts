import {useCallback, useSyncExternalStore} from 'react';
import type {DiscoveredRoom, RoomList} from '../../session/types.js';

const none: readonly DiscoveredRoom[] = [];
const unsubscribed = () => undefined;

/** The rooms discovery has found so far, live; undefined when there is no list to show. */
export function useRooms(list: RoomList | undefined): readonly DiscoveredRoom[] | undefined {
	const subscribe = useCallback((listener: () => void) => list?.subscribe(listener) ?? unsubscribed, [list]);
	const getSnapshot = useCallback(() => list?.rooms() ?? none, [list]);
	const rooms = useSyncExternalStore(subscribe, getSnapshot);
	return list === undefined ? undefined : rooms;
}
