import {createContext, useContext, type ReactNode} from 'react';
import {plainTerminal, type TerminalFeatures} from './notify-escapes.js';

const TerminalFeaturesContext = createContext<TerminalFeatures>(plainTerminal);

/** Makes what the terminal can do (notifications, hyperlinks) known below. */
export function TerminalFeaturesProvider({features, children}: {readonly features: TerminalFeatures | undefined; readonly children: ReactNode}) {
	return <TerminalFeaturesContext.Provider value={features ?? plainTerminal}>{children}</TerminalFeaturesContext.Provider>;
}

/** What the terminal can do; plain text only outside a provider. */
export function useTerminalFeatures(): TerminalFeatures {
	return useContext(TerminalFeaturesContext);
}
