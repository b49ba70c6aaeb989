import {castGroup, type CastInfo, type Served} from '../protocol/cast/member-cast.js';
import {formatHostPort} from './address.js';

/** What a member link says of the room stream (MemberLink.served). */
export type LinkServed = {readonly served: Served | undefined; readonly info: CastInfo | undefined; readonly stats: {readonly group: number; readonly unicast: number}; readonly open: boolean | undefined; readonly error: string | undefined};

/** MemberLink.groupError when the member itself turned multicast off. */
export const OFF = 'multicast is off here';

/**
 * `/netinfo`'s lines on how the room's events reach this member (by the room's multicast group, or
 * by unicast, and why), and for the host how they reach each member.
 */
export function formatServed(link: LinkServed | undefined, members?: ReadonlyArray<{name: string; via: 'group' | 'unicast'; why: string}>): string[] {
	const lines: string[] = [];
	const group = link?.info && formatHostPort(castGroup(link.info), link.info.p);
	if (!link?.info) {
		lines.push("room events: by unicast (the room has multicast off, or no group for this member's address: IPv6 loopback, or an older host over IPv6)");
	} else if (link.open === false && link.error === OFF) {
		lines.push('room events: by unicast: multicast is off here (--no-multicast or SOCKET_CHAT_MULTICAST=off)');
	} else if (link.error) {
		lines.push(`room events: by unicast: the group ${group} could not be opened here (${link.error})`);
	} else if (link.served) {
		const how = link.served.via === 'group' ? `by multicast (group ${group})` : 'by unicast';
		lines.push(`room events: ${how}; ${link.served.why}`);
	} else {
		lines.push(`room events: by unicast for now (the host is testing multicast to group ${group})`);
	}

	if (link?.info) {
		lines.push(`  datagrams of the room stream: ${link.stats.group} by the group, ${link.stats.unicast} by unicast`);
	}

	if (members && members.length > 0) {
		lines.push('members (how the room reaches them):');
		for (const member of members) {
			lines.push(`  ${member.name.padEnd(16)} ${member.via === 'group' ? 'multicast' : 'unicast  '} ${member.why}`);
		}
	}

	return lines;
}
