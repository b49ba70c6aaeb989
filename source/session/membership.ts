import type {RoomEvent, Welcome} from '../protocol/items.js';
import {cleanText} from '../protocol/sanitize.js';
import type {Member, SessionSnapshot} from './types.js';

/** The member list a welcome describes. */
export function membersFromWelcome(welcome: Welcome): Member[] {
	return welcome.members.map(member => ({
		name: cleanText(member.name),
		isHost: member.host === true,
		isMe: member.name === welcome.you,
		...(member.state && member.state !== 'here' ? {state: member.state, ...(member.reason ? {reason: cleanText(member.reason)} : {})} : {}),
	}));
}

/** How a room event changes the member list (and my own name), if it does. */
export function applyMembership(
	members: readonly Member[],
	event: RoomEvent,
	me: string | undefined,
): Pick<SessionSnapshot, 'members'> & Partial<Pick<SessionSnapshot, 'myName'>> | undefined {
	switch (event.k) {
		case 'join': {
			const name = cleanText(event.name);
			if (members.some(member => member.name === name)) {
				return undefined;
			}

			return {members: [...members, {name, isHost: event.host === true, isMe: name === me}]};
		}

		case 'leave': {
			const name = cleanText(event.name);
			return {members: members.filter(member => member.name !== name)};
		}

		case 'nick': {
			const from = cleanText(event.from);
			const to = cleanText(event.to);
			const renamed = members.map(member => (member.name === from ? {...member, name: to} : member));
			return from === me ? {members: renamed, myName: to} : {members: renamed};
		}

		case 'presence': {
			const name = cleanText(event.name);
			const reason = event.reason === undefined ? undefined : cleanText(event.reason);
			return {
				members: members.map(member => {
					if (member.name !== name) return member;
					const {state: _state, reason: _reason, ...rest} = member;
					return event.state === 'here' ? rest : {...rest, state: event.state, ...(reason ? {reason} : {})};
				}),
			};
		}

		default: {
			return undefined;
		}
	}
}
