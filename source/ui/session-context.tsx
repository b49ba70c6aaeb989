import {createContext, useContext, useMemo, useSyncExternalStore, type ReactNode} from 'react';
import type {ChatSessionApi, SessionSnapshot} from '../session/types.js';
import {SnapshotBatch} from './snapshot-batch.js';

/** The session the TUI shows; provided once a session exists. */
export const SessionContext = createContext<ChatSessionApi | undefined>(undefined);

/** The session's snapshots as the screen takes them (a burst of changes at a time). */
const SnapshotContext = createContext<SnapshotBatch | undefined>(undefined);

type SessionProviderProps = {
	readonly session: ChatSessionApi;
	readonly children: ReactNode;
};

/** Makes `session` available to `useSession` and `useSnapshot` below it. */
export function SessionProvider({session, children}: SessionProviderProps) {
	const batch = useMemo(() => new SnapshotBatch(session), [session]);
	return (
		<SessionContext.Provider value={session}>
			<SnapshotContext.Provider value={batch}>{children}</SnapshotContext.Provider>
		</SessionContext.Provider>
	);
}

/** The current session. Throws outside a SessionProvider. */
export function useSession(): ChatSessionApi {
	const session = useContext(SessionContext);
	if (session === undefined) {
		throw new Error('useSession must be used inside a SessionProvider');
	}

	return session;
}

/**
 * The session's snapshot; re-renders when the session publishes a new one, a burst of changes
 * (a flood of messages) at a time: see SnapshotBatch.
 */
export function useSnapshot(): SessionSnapshot {
	const batch = useContext(SnapshotContext);
	if (batch === undefined) {
		throw new Error('useSnapshot must be used inside a SessionProvider');
	}

	return useSyncExternalStore(batch.subscribe, batch.getSnapshot);
}
