import {Box, Text} from 'ink';
import type {DiscoveredRoom} from '../../session/types.js';
import {useAfter} from '../common/use-after.js';
import {pinMarkers, roomRows} from './room-rows.js';

/** How long the list may stay empty before the screen says what else to do. */
export const noRoomsHintAfterMs = 3000;

/** Shown when the list has stayed empty for a while. */
export const noRoomsHint = 'none found yet — type an address below, or ask the host for it; /netinfo on the host explains what blocks discovery';

type RoomsListProps = {
	readonly rooms: readonly DiscoveredRoom[];
	/** The selected room's join address. */
	readonly selected: string | undefined;
	/** At most this many lines for the rooms. */
	readonly height: number;
	readonly hintAfterMs?: number;
};

/** "Rooms on this network": one line per room found (those with a pinned key first, marked), or that none are found yet. */
export function RoomsList({rooms, selected, height, hintAfterMs = noRoomsHintAfterMs}: RoomsListProps) {
	const waited = useAfter(hintAfterMs);
	const {rows, more} = roomRows(rooms, height, selected);
	return (
		<Box flexDirection="column">
			<Text bold>Rooms on this network</Text>
			{rows.length === 0 ? <Text dimColor>{'  looking for rooms on this network…'}</Text> : undefined}
			{rows.length === 0 && waited ? (
				<Box paddingLeft={2}>
					<Text color="yellow">{noRoomsHint}</Text>
				</Box>
			) : undefined}
			{rows.map(row => (
				<Text key={row.address} wrap="truncate-end" color={row.selected ? 'cyan' : undefined}>
					{row.selected ? '› ' : '  '}
					{row.text}
					{row.pin ? <Text color={row.pin === 'pinned' ? 'green' : 'red'}>{pinMarkers[row.pin]}</Text> : undefined}
					{row.secret ? <Text color="yellow"> · secret</Text> : undefined}
				</Text>
			))}
			{more > 0 ? <Text dimColor>{`  … ${more} more (↑↓)`}</Text> : undefined}
		</Box>
	);
}
