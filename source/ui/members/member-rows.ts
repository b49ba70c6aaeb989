/** The members pane as plain rows. Pure. */
import type {Member} from '../../session/types.js';

/** One member line: "★ alice (you)". */
export type MemberRow = {
	readonly name: string;
	readonly text: string;
	readonly isMe: boolean;
	readonly selected: boolean;
	/** Away or idle: shown dimmed. */
	readonly absent: boolean;
};

/** "★ alice (host) (you)": the host gets a star, I get "(you)". */
export function memberLabel(member: Member): string {
	return `${member.isHost ? '★' : ' '} ${member.name}${member.isHost ? ' (host)' : ''}${member.isMe ? ' (you)' : ''}${member.state ? ` · ${member.state}` : ''}`;
}

/** The selected member's reason for being away, as its row shows it: "away: lunch". */
function reasonText(member: Member): string {
	return member.state === 'away' && member.reason ? `: ${member.reason}` : '';
}

/** The label with the selection mark in front: "›★ alice (host)". */
function rowText(member: Member, selected: boolean): string {
	return (selected ? '›' : ' ') + memberLabel(member) + (selected ? reasonText(member) : '');
}

/**
 * The rows that fit `height`, scrolled to keep the selected member visible. When members are
 * left out, the last row says how many: "+12 more".
 */
export function memberRows(members: readonly Member[], height: number, selected: number | undefined): {rows: MemberRow[]; more: number} {
	const fits = members.length <= height;
	const room = fits ? members.length : Math.max(0, height - 1);
	const start = selected === undefined || fits ? 0 : Math.max(0, Math.min(members.length - room, selected - room + 1));
	const rows = members.slice(start, start + room).map((member, offset) => ({
		name: member.name,
		text: rowText(member, start + offset === selected),
		isMe: member.isMe,
		selected: start + offset === selected,
		absent: member.state !== undefined,
	}));
	return {rows, more: members.length - rows.length};
}
