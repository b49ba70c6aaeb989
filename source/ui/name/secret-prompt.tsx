import {useState} from 'react';
import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import {useTextField} from '../common/use-text-field.js';

type SecretPromptProps = {
	readonly roomAddress: string;
	/** Why a secret is asked for: the room needs one, or the last one was wrong. */
	readonly problem: string;
	readonly onSubmit: (secret: string) => void;
};

/** "Room secret:" (masked), when the room needs a secret and none or a wrong one was given. */
export function SecretPrompt({roomAddress, problem, onSubmit}: SecretPromptProps) {
	const secret = useTextField('', () => {
		submit();
	});
	const [empty, setEmpty] = useState(false);
	const submit = () => {
		const value = secret.latest();
		if (value === '') {
			setEmpty(true);
			return;
		}

		onSubmit(value);
	};

	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>socket-chat-tui</Text>
			<Text dimColor>room {roomAddress}</Text>
			<Text> </Text>
			<Text color="red">{problem}</Text>
			{empty ? <Text color="yellow">type the secret first</Text> : undefined}
			<Box>
				<Text bold>Room secret: </Text>
				<TextInput
					key={secret.revision}
					mask="*"
					value={secret.value}
					onChange={value => {
						secret.change(value);
						setEmpty(false);
					}}
					onSubmit={submit}
				/>
			</Box>
			<Text dimColor>Enter to join · Ctrl+C to quit · SOCKET_CHAT_SECRET skips this</Text>
		</Box>
	);
}
