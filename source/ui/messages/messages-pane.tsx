import {Box, Text} from 'ink';
import {Pane} from '../common/pane.js';
import {useSnapshot} from '../session-context.js';
import {visibleLines, type LinesOf} from './layout.js';
import type {Scroll} from './use-scroll.js';

type MessagesPaneProps = {
	readonly linesOf: LinesOf;
	readonly scroll: Scroll;
	readonly width: number;
	readonly height: number;
	readonly focused: boolean;
	/** Shown while there are no entries (how others can join, ...). */
	readonly emptyHint: readonly string[];
};

/** "▼ 3 new messages — End to return", or a plain reminder while scrolled without news. */
export function scrollMarker(newCount: number): string {
	if (newCount === 0) {
		return '▲ scrolled up — End to return to live';
	}

	return `▼ ${newCount} new message${newCount === 1 ? '' : 's'} — End to return`;
}

/** The messages pane: only the lines that fit are laid out, bottom-aligned. */
export function MessagesPane({linesOf, scroll, width, height, focused, emptyHint}: MessagesPaneProps) {
	const {entries} = useSnapshot();
	const lines = visibleLines(entries, scroll.anchor, scroll.viewHeight, linesOf);
	const title = scroll.anchor === undefined ? 'Messages' : 'Messages (scrolled)';
	return (
		<Pane title={title} width={width} height={height + 2} focused={focused}>
			<Box flexDirection="column" height={scroll.viewHeight} justifyContent="flex-end" overflow="hidden">
				{entries.length === 0
					? emptyHint.map(line => (
							<Text key={line} dimColor wrap="wrap">
								{line}
							</Text>
						))
					: lines.map(line => (
							<Text key={line.key} wrap="truncate-end">
								{line.text}
							</Text>
						))}
			</Box>
			{scroll.anchor === undefined ? undefined : (
				<Text color="yellow" inverse={scroll.newCount > 0} wrap="truncate-end">
					{scrollMarker(scroll.newCount)}
				</Text>
			)}
		</Pane>
	);
}
