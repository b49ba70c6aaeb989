import {Box, Text} from 'ink';

type FatalScreenProps = {
	readonly title: string;
	readonly reason: string;
};

/** A refusal that another name cannot fix: the reason, and how to leave. */
export function FatalScreen({title, reason}: FatalScreenProps) {
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text color="red" bold>
				{title}
			</Text>
			<Text>{reason}</Text>
			<Text> </Text>
			<Text dimColor>press q or Ctrl+C to exit</Text>
		</Box>
	);
}
