import {createContext, useCallback, useContext, useSyncExternalStore, type ReactNode} from 'react';
import type {ChatSessionApi, SessionSnapshot} from '../session/types.js';

/** The session the TUI shows; provided once a session exists. */
export const SessionContext = createContext<ChatSessionApi | undefined>(undefined);

type SessionProviderProps = {
	readonly session: ChatSessionApi;
	readonly children: ReactNode;
};

/** Makes `session` available to `useSession` and `useSnapshot` below it. */
export function SessionProvider({session, children}: SessionProviderProps) {
	return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The current session. Throws outside a SessionProvider. */
export function useSession(): ChatSessionApi {
	const session = useContext(SessionContext);
	if (session === undefined) {
		throw new Error('useSession must be used inside a SessionProvider');
	}

	return session;
}

/** The session's current snapshot; re-renders when the session publishes a new one. */
export function useSnapshot(): SessionSnapshot {
	const session = useSession();
	const subscribe = useCallback((listener: () => void) => session.subscribe(listener), [session]);
	const getSnapshot = useCallback(() => session.getSnapshot(), [session]);
	return useSyncExternalStore(subscribe, getSnapshot);
}
