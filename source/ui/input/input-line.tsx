import {memo} from 'react';
import {Box, Text} from 'ink';
import type {Draft} from './draft.js';
import {inputRows, visibleInput} from './input-view.js';

type InputLineViewProps = {
	readonly draft: Draft;
	readonly focused: boolean;
	readonly width: number;
};

/**
 * "› " and the draft, a few rows high for a multi-line draft; typing goes here while it has focus.
 * Memoised: a new message re-renders the chat screen, not the input line.
 */
export const InputLineView = memo(function InputLineView({draft, focused, width}: InputLineViewProps) {
	const view = visibleInput(draft, width - 2, inputRows(draft));
	return (
		<Box width={width} height={view.rows.length} flexDirection="column">
			{view.rows.map((row, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: a row is its position on screen (row 0 holds the prompt); rows have no identity of their own and no state.
				<Box key={index} height={1}>
					<Text color={focused ? 'cyan' : 'gray'} bold>
						{index === 0 ? (focused ? '› ' : '· ') : '  '}
					</Text>
					{draft.text === '' && focused ? (
						<Text>
							<Text inverse>t</Text>
							<Text dimColor>ype a message, /help for commands</Text>
						</Text>
					) : (
						<Text wrap="truncate-end">
							{row.before}
							{focused && row.cursor !== undefined ? <Text inverse>{row.cursor}</Text> : (row.cursor ?? '')}
							{row.after}
						</Text>
					)}
				</Box>
			))}
		</Box>
	);
});

type HintLineProps = {
	/** A question waiting for Enter or Esc (a dropped file), before anything else. */
	readonly question?: string;
	readonly error: string | undefined;
	readonly matches: readonly string[];
	readonly help: string;
	readonly width: number;
};

/** The line above the input: a question, else a fresh local error in red, else Tab matches, else the keys. Memoised like the input line. */
export const HintLine = memo(function HintLine({question, error, matches, help, width}: HintLineProps) {
	let content = (
		<Text dimColor wrap="truncate-end">
			{help}
		</Text>
	);
	if (question !== undefined) {
		content = (
			<Text color="yellow" bold wrap="truncate-end">
				⇧ {question}
			</Text>
		);
	} else if (error !== undefined) {
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
});
