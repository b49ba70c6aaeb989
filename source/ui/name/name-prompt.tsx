import {useState} from 'react';
import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import {useTextField} from '../common/use-text-field.js';

type NamePromptProps = {
	readonly roomAddress: string;
	/** Why the last name was refused, shown above the prompt. */
	readonly problem?: string;
	/** The field starts with this (the refused name, to edit). */
	readonly initialName?: string;
	readonly onSubmit: (name: string) => void;
};

/** "Your name:" before joining, and again (with the reason) after a name was refused. */
export function NamePrompt({roomAddress, problem, initialName = '', onSubmit}: NamePromptProps) {
	const name = useTextField(initialName, () => {
		submit();
	});
	const [empty, setEmpty] = useState(false);
	const submit = () => {
		const trimmed = name.latest().trim();
		if (trimmed === '') {
			setEmpty(true);
			return;
		}

		onSubmit(trimmed);
	};

	return (
		<Box flexDirection="column" paddingX={1}>
			<Text bold>socket-chat-tui</Text>
			<Text dimColor>room {roomAddress}</Text>
			<Text> </Text>
			{problem === undefined ? undefined : <Text color="red">{problem}</Text>}
			{empty ? <Text color="yellow">type a name first</Text> : undefined}
			<Box>
				<Text bold>Your name: </Text>
				<TextInput
					key={name.revision}
					value={name.value}
					onChange={value => {
						name.change(value);
						setEmpty(false);
					}}
					onSubmit={submit}
				/>
			</Box>
			<Text dimColor>Enter to join · Ctrl+C to quit</Text>
		</Box>
	);
}
