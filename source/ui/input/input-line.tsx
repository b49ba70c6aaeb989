import {Box, Text} from 'ink';
import TextInput from 'ink-text-input';
import type {InputLine} from './use-input-line.js';

type InputLineViewProps = {
	readonly input: InputLine;
	readonly focused: boolean;
	readonly width: number;
};

/** "› " and the text field; typing goes here while it has focus. */
export function InputLineView({input, focused, width}: InputLineViewProps) {
	return (
		<Box width={width} height={1}>
			<Text color={focused ? 'cyan' : 'gray'} bold>
				{focused ? '› ' : '· '}
			</Text>
			<TextInput
				key={input.revision}
				value={input.value}
				focus={focused}
				placeholder={focused ? 'type a message, /help for commands' : ''}
				onChange={input.change}
				onSubmit={input.submit}
			/>
		</Box>
	);
}

type HintLineProps = {
	readonly error: string | undefined;
	readonly matches: readonly string[];
	readonly help: string;
	readonly width: number;
};

/** The line above the input: a fresh local error in red, else Tab matches, else the keys. */
export function HintLine({error, matches, help, width}: HintLineProps) {
	let content = (
		<Text dimColor wrap="truncate-end">
			{help}
		</Text>
	);
	if (error !== undefined) {
		content = (
			<Text color="red" wrap="truncate-end">
				✗ {error}
			</Text>
		);
	} else if (matches.length > 0) {
		content = (
			<Text color="cyan" wrap="truncate-end">
				Tab: {matches.join('  ')}
			</Text>
		);
	}

	return (
		<Box width={width} height={1}>
			{content}
		</Box>
	);
}
