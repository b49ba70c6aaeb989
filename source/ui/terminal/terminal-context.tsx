import {createContext, useContext, useEffect, useRef, type ReactNode} from 'react';
import type {TextEvent} from './terminal-input.js';

/** Where the TUI hears pastes, line breaks and Delete: the terminal input layer, or a test's stand-in. */
export type TextEvents = {
	onText(listener: (event: TextEvent) => void): () => void;
};

const TextEventsContext = createContext<TextEvents | undefined>(undefined);

/** Makes the terminal input layer's text events available below. */
export function TextEventsProvider({events, children}: {readonly events: TextEvents | undefined; readonly children: ReactNode}) {
	return <TextEventsContext.Provider value={events}>{children}</TextEventsContext.Provider>;
}

/** Calls the latest `handler` for every text event while `isActive`. */
export function useTextEvents(handler: (event: TextEvent) => void, isActive = true): void {
	const events = useContext(TextEventsContext);
	const latest = useRef(handler);
	latest.current = handler;
	useEffect(() => {
		if (!events || !isActive) {
			return undefined;
		}

		return events.onText(event => {
			latest.current(event);
		});
	}, [events, isActive]);
}
