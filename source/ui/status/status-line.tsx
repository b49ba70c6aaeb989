import {Box, Text} from 'ink';
import {useSnapshot} from '../session-context.js';
import {shareLine, statusParts} from './format-status.js';

type StatusLineProps = {
	readonly width: number;
	/** Shown right after the connection state (never cut): "leaving…" while Ctrl+C waits. */
	readonly note?: string;
};

/** One line: connection state, role, room address, my name, member count, rtt, privacy. */
export function StatusLine({width, note}: StatusLineProps) {
	const [state, ...rest] = statusParts(useSnapshot());
	const parts = note && state ? [state, {text: note, colour: 'yellow'}, ...rest] : [state!, ...rest];
	return (
		<Box width={width} height={1}>
			<Text wrap="truncate-end">
				{parts.map((part, index) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: a part is its place on the line (part 0 has no separator); parts have no identity of their own and no state, and their texts may repeat.
					<Text key={index} color={part.colour}>
						{index === 0 ? '' : ' · '}
						{part.text}
					</Text>
				))}
			</Text>
		</Box>
	);
}

/** For a host: the exact command others type to join. Renders nothing for a member. */
export function ShareLine({width}: Omit<StatusLineProps, 'note'>) {
	const text = shareLine(useSnapshot());
	if (text === '') {
		return null;
	}

	return (
		<Box width={width} height={1}>
			<Text color="cyan" wrap="truncate-end">
				{text}
			</Text>
		</Box>
	);
}
