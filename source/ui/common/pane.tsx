import type {ReactNode} from 'react';
import {Box, Text} from 'ink';
import stringWidth from 'string-width';

type PaneProps = {
	readonly title: string;
	readonly width: number;
	readonly height: number;
	readonly focused: boolean;
	readonly children?: ReactNode;
};

/** The top border with the title in it: `╭─ Members (3) ───╮`, doubled when focused. */
export function paneTop(title: string, width: number, focused: boolean): string {
	const [left, line, right] = focused ? ['╔', '═', '╗'] : ['╭', '─', '╮'];
	const room = Math.max(0, width - 4);
	const label = stringWidth(title) > room - 2 ? `${title.slice(0, Math.max(0, room - 3))}…` : title;
	const text = label === '' ? '' : ` ${label} `;
	return left + line + text + line.repeat(Math.max(0, width - 3 - stringWidth(text))) + right;
}

/**
 * A bordered pane of exactly `width` x `height` cells with its title in the top border.
 * Its content area is (width - 2) x (height - 2); a focused pane gets a double border.
 * The bordered box is keyed by focus: Ink applies only the changed style keys on update, so a
 * changed borderStyle would bring back the top border that borderTop={false} removed.
 */
export function Pane({title, width, height, focused, children}: PaneProps) {
	const colour = focused ? 'cyan' : 'gray';
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0}>
			<Text color={colour} wrap="truncate">
				{paneTop(title, width, focused)}
			</Text>
			<Box
				key={focused ? 'focused' : 'plain'}
				flexDirection="column"
				width={width}
				height={height - 1}
				borderStyle={focused ? 'double' : 'round'}
				borderTop={false}
				borderColor={colour}
				overflow="hidden"
			>
				{children}
			</Box>
		</Box>
	);
}
