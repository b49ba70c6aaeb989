import {memo} from 'react';
import {Text} from 'ink';
import type {FileOffer, Transfer} from '../../session/types.js';
import {Pane} from '../common/pane.js';
import {rowWindow, transferPaneRows, type RowTone} from './rows.js';

type TransfersPaneProps = {
	readonly offers: readonly FileOffer[];
	readonly transfers: readonly Transfer[];
	readonly width: number;
	readonly height: number;
	readonly focused: boolean;
	readonly selected: number | undefined;
};

/** Shown when nothing was offered yet. */
export const noFilesHint = 'no files yet — /send PATH to share one';

const colours: Record<RowTone, string | undefined> = {
	title: undefined,
	plain: undefined,
	heading: 'gray',
	dim: 'gray',
	good: 'green',
	bad: 'red',
};

/** Offers (selectable when focused: Up/Down, Enter gets) and running or finished transfers. */
export const TransfersPane = memo(function TransfersPane({offers, transfers, width, height, focused, selected}: TransfersPaneProps) {
	const inner = width - 2;
	const rows = transferPaneRows(offers, transfers, focused ? selected : undefined, inner);
	const title = `Files (${offers.length})`;
	return (
		<Pane title={title} width={width} height={height} focused={focused}>
			{rows.length === 0 ? (
				<Text dimColor wrap="wrap">
					{noFilesHint}
				</Text>
			) : (
				rowWindow(rows, height - 2, focused ? selected : undefined).map(row => (
					<Text
						key={row.key}
						color={colours[row.tone]}
						bold={row.tone === 'title'}
						inverse={row.selected}
						wrap={row.cut === 'middle' ? 'truncate-middle' : 'truncate-end'}
					>
						{row.text}
					</Text>
				))
			)}
		</Pane>
	);
});
