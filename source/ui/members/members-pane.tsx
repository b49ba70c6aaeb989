import {memo} from 'react';
import {Text} from 'ink';
import type {Member} from '../../session/types.js';
import {Pane} from '../common/pane.js';
import {nameColour} from '../theme/name-colour.js';
import {memberRows} from './member-rows.js';

type MembersPaneProps = {
	readonly members: readonly Member[];
	readonly width: number;
	readonly height: number;
	readonly focused: boolean;
	readonly selected: number | undefined;
};

/** Who is in the room, each name in its colour; the host starred, me marked "(you)". */
export const MembersPane = memo(function MembersPane({members, width, height, focused, selected}: MembersPaneProps) {
	const {rows, more} = memberRows(members, height - 2, focused ? selected : undefined);
	return (
		<Pane title={`Members (${members.length})`} width={width} height={height} focused={focused}>
			{rows.map(row => (
				<Text key={row.name} color={nameColour(row.name).ink} bold={row.isMe} dimColor={row.absent} inverse={row.selected} wrap="truncate-end">
					{row.text}
				</Text>
			))}
			{more > 0 ? (
				<Text dimColor wrap="truncate-end">
					+{more} more
				</Text>
			) : undefined}
		</Pane>
	);
});
