import {useEffect, useReducer, useRef} from 'react';
import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import {useTextField} from '../common/use-text-field.js';
import type {ChatSessionApi, StartChoice} from '../../session/types.js';
import {useStableInput} from '../use-stable-input.js';
import {initialStartState, joinChoice, startOptions, startReducer} from './start-state.js';

type StartScreenProps = {
	readonly startSession: (choice: StartChoice) => Promise<ChatSessionApi>;
	readonly onStarted: (session: ChatSessionApi) => void;
};

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Neither --host nor --join: choose to host or to join (and where), then start the session. */
export function StartScreen({startSession, onStarted}: StartScreenProps) {
	const [state, dispatch] = useReducer(startReducer, initialStartState);
	const address = useTextField('', () => {
		submitAddress();
	});
	const mounted = useRef(true);
	useEffect(
		() => () => {
			mounted.current = false;
		},
		[],
	);

	const start = (choice: StartChoice) => {
		dispatch({type: 'started'});
		startSession(choice).then(
			session => {
				if (mounted.current) {
					onStarted(session);
				}
			},
			(error: unknown) => {
				if (mounted.current) {
					dispatch({type: 'failed', error: message(error)});
				}
			},
		);
	};

	const submitAddress = () => {
		const choice = joinChoice(address.latest());
		if ('problem' in choice) {
			dispatch({type: 'failed', error: choice.problem});
		} else {
			start(choice);
		}
	};

	useStableInput(
		(input, key) => {
			if (state.step === 'address') {
				if (key.escape) {
					dispatch({type: 'back'});
				}

				return;
			}

			if (key.upArrow || key.downArrow) {
				dispatch({type: 'move', by: key.upArrow ? -1 : 1});
			} else if (input === 'h' || (key.return && state.selected === 0)) {
				start({mode: 'host'});
			} else if (input === 'j' || (key.return && state.selected === 1)) {
				dispatch({type: 'ask-address'});
			}
		},
		{isActive: !state.busy},
	);

	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>socket-chat-tui</Text>
			<Text dimColor>chat with the people on this network</Text>
			<Text> </Text>
			{startOptions.map((label, index) => (
				<Text key={label} color={index === state.selected ? 'cyan' : undefined}>
					{index === state.selected ? '› ' : '  '}
					{label}
				</Text>
			))}
			<Text> </Text>
			{state.step === 'address' ? (
				<Box>
					<Text bold>Address (HOST[:PORT]): </Text>
					<TextInput
						value={address.value}
						focus={!state.busy}
						onChange={value => {
							address.change(value);
							dispatch({type: 'edited'});
						}}
						onSubmit={submitAddress}
					/>
				</Box>
			) : undefined}
			{state.busy ? <Text color="yellow">{state.step === 'address' ? `joining ${address.value.trim()}…` : 'starting a room…'}</Text> : undefined}
			{state.error === undefined ? undefined : <Text color="red">{state.error}</Text>}
			<Text dimColor>
				{state.step === 'address' ? 'Enter to join · Esc back · Ctrl+C quit' : '↑↓ choose · Enter select (or h / j) · Ctrl+C quit'}
			</Text>
		</Box>
	);
}
