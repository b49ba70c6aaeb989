import {useEffect, useRef, useState} from 'react';
import {Text} from 'ink';
import type {ChatSessionApi, RefusalCode, RoomList, StartChoice} from '../session/types.js';
import {ChatScreen} from './chat/chat-screen.js';
import {FatalScreen} from './fatal/fatal-screen.js';
import {NamePrompt} from './name/name-prompt.js';
import {SecretPrompt} from './name/secret-prompt.js';
import {SessionProvider, useSession, useSnapshot} from './session-context.js';
import {StartScreen} from './start/start-screen.js';
import {TerminalFeaturesProvider} from './terminal/features-context.js';
import type {TerminalFeatures} from './terminal/notify-escapes.js';
import {TextEventsProvider, type TextEvents} from './terminal/terminal-context.js';
import {useExitOnce} from './use-exit.js';
import {useQuit} from './use-quit.js';
import {useStableInput} from './use-stable-input.js';

/** What the composition root hands the TUI. */
export type AppProps = {
	/** Given when --host or --join was on the command line. */
	readonly session?: ChatSessionApi;
	/** For the start screen (neither --host nor --join). */
	readonly startSession?: (choice: StartChoice) => Promise<ChatSessionApi>;
	/** Rooms found on the network, for the start screen to offer (--join without an address). */
	readonly rooms?: RoomList;
	/** From --name; absent => name prompt. */
	readonly name?: string;
	/** The composition root unmounts and exits with this code. */
	readonly onExit: (code: number) => void;
	/** Pastes, line breaks and Delete from the terminal input layer. */
	readonly textEvents?: TextEvents;
	/** What the terminal can do: notifications while in the background, hyperlinks. Default: neither. */
	readonly features?: TerminalFeatures;
};

const nameProblems: ReadonlySet<RefusalCode> = new Set(['name-taken', 'name-invalid']);
const secretProblems: ReadonlySet<RefusalCode> = new Set(['secret-required', 'wrong-secret']);

/**
 * The full-screen TUI: the start screen until there is a session, the name prompt until a
 * name is accepted, then the chat. Ctrl+C leaves cleanly from anywhere.
 */
export function App({session, startSession, rooms, name, onExit, textEvents, features}: AppProps) {
	const exit = useExitOnce(onExit);
	const [started, setStarted] = useState<ChatSessionApi>();
	const active = session ?? started;
	return (
		<TerminalFeaturesProvider features={features}>
			<TextEventsProvider events={textEvents}>
				{active === undefined ? (
					<StartView startSession={startSession} rooms={rooms} onStarted={setStarted} exit={exit} />
				) : (
					<SessionProvider session={active}>
						<SessionView name={name} exit={exit} />
					</SessionProvider>
				)}
			</TextEventsProvider>
		</TerminalFeaturesProvider>
	);
}

type StartViewProps = {
	readonly startSession: AppProps['startSession'];
	readonly rooms: AppProps['rooms'];
	readonly onStarted: (session: ChatSessionApi) => void;
	readonly exit: (code: number) => void;
};

function StartView({startSession, rooms, onStarted, exit}: StartViewProps) {
	useStableInput((input, key) => {
		if (key.ctrl && input === 'c') {
			exit(0);
		}
	});
	if (startSession === undefined) {
		return <FatalScreen title="nothing to show" reason="the TUI needs a session or a way to start one" />;
	}

	return <StartScreen startSession={startSession} rooms={rooms} onStarted={onStarted} />;
}

type SessionViewProps = {
	readonly name: string | undefined;
	readonly exit: (code: number) => void;
};

function SessionView({name, exit}: SessionViewProps) {
	const session = useSession();
	const snapshot = useSnapshot();
	const [tried, setTried] = useState(name);
	const autoJoined = useRef(false);
	const {status, refusal} = snapshot;
	const nameProblem = status === 'refused' && refusal !== undefined && nameProblems.has(refusal.code);
	const secretProblem = status === 'refused' && refusal !== undefined && secretProblems.has(refusal.code) && tried !== undefined;
	const fatal = status === 'disconnected' || (status === 'refused' && !nameProblem && !secretProblem);
	const leaving = useQuit({session, status, fatal, exit});

	useEffect(() => {
		if (name !== undefined && status === 'idle' && !autoJoined.current) {
			autoJoined.current = true;
			session.join(name);
		}
	}, [name, status, session]);

	const join = (chosen: string) => {
		setTried(chosen);
		session.join(chosen);
	};

	if (status === 'left') {
		return <Text dimColor>left the room</Text>;
	}

	if (secretProblem) {
		return <SecretPrompt roomAddress={snapshot.roomAddress} problem={refusal.reason} onSubmit={secret => session.join(tried, secret)} />;
	}

	if (nameProblem || (status === 'idle' && tried === undefined)) {
		return <NamePrompt roomAddress={snapshot.roomAddress} problem={nameProblem ? refusal?.reason : undefined} initialName={tried} onSubmit={join} />;
	}

	if (status === 'refused') {
		return <FatalScreen title={`could not join ${snapshot.roomAddress}`} reason={refusal?.reason ?? 'the room refused us'} />;
	}

	const banner = status === 'disconnected' ? `disconnected: ${snapshot.statusDetail ?? 'lost contact with the room'}` : undefined;
	return <ChatScreen banner={banner} note={leaving ? 'leaving…' : undefined} />;
}
