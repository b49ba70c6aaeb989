import {memo} from 'react';
import {Box, Text} from 'ink';
import type {SessionSnapshot} from '../../session/types.js';
import {Pane} from '../common/pane.js';
import {useSnapshot} from '../session-context.js';
import {joinLine} from '../status/format-status.js';
import {visibleLines, type LinesOf} from './layout.js';
import {shownEntries} from './shown-entries.js';
import {unsentLines} from './unsent-lines.js';
import type {Scroll} from './use-scroll.js';

type MessagesPaneProps = {
	readonly linesOf: LinesOf;
	/** Where the pane is scrolled to: undefined while live. */
	readonly anchor: Scroll['anchor'];
	/** The selected entry's id (shown inverse), while the pane has the focus. */
	readonly selected?: number;
	/** Lines for messages (one less while scrolled: the marker line). */
	readonly viewHeight: number;
	/** Entries that arrived since the view was scrolled up. */
	readonly newCount: number;
	readonly width: number;
	readonly height: number;
	readonly focused: boolean;
};

/** Shown while there are no entries: for a host, how others join. */
export function emptyHint(snapshot: SessionSnapshot): string[] {
	if (snapshot.role !== 'host' || snapshot.shareAddresses.length === 0) {
		return ['no messages yet'];
	}

	const secret = snapshot.secret ? ['  (they need the room secret: give it to them in person)'] : [];
	return ['no messages yet — others join with:', ...snapshot.shareAddresses.map(address => `  ${joinLine(address)}`), ...secret];
}

/** "▼ 3 new messages — End to return", or a plain reminder while scrolled without news. */
export function scrollMarker(newCount: number): string {
	if (newCount === 0) {
		return '▲ scrolled up — End to return to live';
	}

	return `▼ ${newCount} new message${newCount === 1 ? '' : 's'} — End to return`;
}

/**
 * One screen line, already wrapped to the pane (at most its width): rendered again only when its
 * text changes, so a new message renders one row, not every visible one.
 */
const MessageLine = memo(function MessageLine({text, selected}: {readonly text: string; readonly selected: boolean}) {
	return (
		<Text wrap="truncate-end" inverse={selected}>
			{text}
		</Text>
	);
});

/**
 * The messages pane: only the lines that fit are laid out, bottom-aligned. The lines are
 * clipped vertically only: each already fits the width (and its Text truncates), so Ink need
 * not slice every line of every frame to the pane's width.
 */
export const MessagesPane = memo(function MessagesPane({linesOf, anchor, selected, viewHeight, newCount, width, height, focused}: MessagesPaneProps) {
	const snapshot = useSnapshot();
	const entries = shownEntries(snapshot.entries, snapshot.ignored);
	// My lines on their way show at the foot while live (scrolled up, the view is of the past).
	const waiting = anchor === undefined ? unsentLines(snapshot.unsent, snapshot.myName, snapshot.status, width - 2) : [];
	// At least one row stays for the room's own lines.
	const unsent = waiting.slice(Math.max(0, waiting.length - Math.max(0, viewHeight - 1)));
	const lines = visibleLines(entries, anchor, viewHeight - unsent.length, linesOf);
	const title = anchor === undefined ? 'Messages' : 'Messages (scrolled)';
	return (
		<Pane title={title} width={width} height={height + 2} focused={focused}>
			<Box flexDirection="column" height={viewHeight} justifyContent="flex-end" overflowY="hidden">
				{entries.length === 0
					? emptyHint(snapshot).map(line => (
							<Text key={line} dimColor wrap="wrap">
								{line}
							</Text>
						))
					: lines.map(line => <MessageLine key={line.key} text={line.text} selected={selected !== undefined && line.key.startsWith(`${selected}:`)} />)}
				{unsent.map(line => (
					<Text key={`unsent:${line.key}`} dimColor wrap="truncate-end">
						{line.text}
					</Text>
				))}
			</Box>
			{anchor === undefined ? undefined : (
				<Text color="yellow" inverse={newCount > 0} wrap="truncate-end">
					{scrollMarker(newCount)}
				</Text>
			)}
		</Pane>
	);
});
