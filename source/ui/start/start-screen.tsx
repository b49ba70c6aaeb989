import {useEffect, useReducer, useRef} from 'react';
import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import {useTextField} from '../common/use-text-field.js';
import type {ChatSessionApi, RoomList, StartChoice} from '../../session/types.js';
import {useStableInput} from '../use-stable-input.js';
import {useTerminalSize} from '../use-terminal-size.js';
import {roomJoinAddress} from './room-rows.js';
import {RoomsList} from './rooms-list.js';
import {initialPickerState, joinChoice, pickerOptions, selection, startOptions, startReducer, type Selection} from './start-state.js';
import {useRooms} from './use-rooms.js';

type StartScreenProps = {
	readonly startSession: (choice: StartChoice) => Promise<ChatSessionApi>;
	readonly onStarted: (session: ChatSessionApi) => void;
	/** Rooms found on the network: listed above the options, to join with Enter. */
	readonly rooms?: RoomList;
	/** How long the rooms list may stay empty before the hint (default about 3 s). */
	readonly hintAfterMs?: number;
};

/** Lines the start screen needs besides the rooms. */
const otherLines = 14;

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/**
 * Neither --host nor --join: join a room found on the network (when there is a list), host one,
 * or join one by address; then start the session.
 */
export function StartScreen({startSession, onStarted, rooms: roomList, hintAfterMs}: StartScreenProps) {
	const rooms = useRooms(roomList);
	const addresses = (rooms ?? []).map(room => roomJoinAddress(room));
	const [state, dispatch] = useReducer(startReducer, addresses, initialPickerState);
	const current = selection(state, addresses);
	const {rows} = useTerminalSize();
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

	const start = (choice: StartChoice, what: string) => {
		dispatch({type: 'started', what});
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
			start(choice, `joining ${address.latest().trim()}…`);
		}
	};

	const pick = (picked: Selection) => {
		if (picked.kind === 'room') {
			const room = rooms?.find(candidate => roomJoinAddress(candidate) === picked.address);
			start({mode: 'join', address: picked.address}, `joining ${room?.name ?? 'the room'} at ${picked.address}…`);
		} else if (picked.index === 0) {
			start({mode: 'host'}, 'starting a room…');
		} else {
			dispatch({type: 'ask-address'});
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
				dispatch({type: 'move', by: key.upArrow ? -1 : 1, rooms: addresses});
			} else if (key.return) {
				pick(current);
			} else if (input === 'h') {
				pick({kind: 'option', index: 0});
			} else if (input === 'j') {
				pick({kind: 'option', index: 1});
			}
		},
		{isActive: !state.busy},
	);

	const options = rooms === undefined ? startOptions : pickerOptions;
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>socket-chat-tui</Text>
			<Text dimColor>chat with the people on this network</Text>
			<Text> </Text>
			{rooms === undefined ? undefined : (
				<>
					<RoomsList rooms={rooms} selected={current.kind === 'room' ? current.address : undefined} height={Math.max(3, rows - otherLines)} hintAfterMs={hintAfterMs} />
					<Text> </Text>
				</>
			)}
			{options.map((label, index) => {
				const chosen = current.kind === 'option' && current.index === index;
				return (
					<Text key={label} color={chosen ? 'cyan' : undefined}>
						{chosen ? '› ' : '  '}
						{label}
					</Text>
				);
			})}
			<Text> </Text>
			{state.step === 'address' ? (
				<Box>
					<Text bold>Address (HOST[:PORT]): </Text>
					<TextInput
						key={address.revision}
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
			{state.busy ? <Text color="yellow">{state.starting ?? 'starting…'}</Text> : undefined}
			{state.error === undefined ? undefined : <Text color="red">{state.error}</Text>}
			<Text dimColor>{keyHint(state.step, rooms !== undefined)}</Text>
		</Box>
	);
}

function keyHint(step: 'choose' | 'address', picker: boolean): string {
	if (step === 'address') {
		return 'Enter to join · Esc back · Ctrl+C quit';
	}

	return picker ? '↑↓ choose · Enter join or select · h host · j join by address · Ctrl+C quit' : '↑↓ choose · Enter select (or h / j) · Ctrl+C quit';
}
