import {memo} from 'react';
import {Box, Text} from 'ink';

type SearchLineProps = {
	readonly query: string;
	readonly typing: boolean;
	/** The current match from the newest (1), 0 for none. */
	readonly position: number;
	readonly total: number;
	readonly width: number;
};

/** "1 of 12", "no match", or nothing yet. */
export function countText(query: string, position: number, total: number): string {
	if (query.trim() === '') {
		return '';
	}

	return total === 0 ? 'no match' : `${position} of ${total}`;
}

/** The search keys, for the hint line while the search is open. */
export const searchHelp = 'Enter/↑: older · Shift+Enter/↓: newer · n/N after Enter · Ctrl+F: edit · Esc: close';

/** The search box, in place of the input line while a search is open: "find: lunch▌   1 of 2". */
export const SearchLine = memo(function SearchLine({query, typing, position, total, width}: SearchLineProps) {
	const count = countText(query, position, total);
	return (
		<Box width={width} height={1}>
			<Text color="yellow" bold>
				find:{' '}
			</Text>
			<Box flexGrow={1}>
				<Text wrap="truncate-start">
					{query}
					{typing ? <Text inverse> </Text> : ''}
				</Text>
			</Box>
			<Text color={total === 0 ? 'red' : 'yellow'}> {count}</Text>
		</Box>
	);
});
