import type {HubMember, RateLimit} from './hub-room-member.js';
import type {RoomLog} from './hub-room-log.js';
import type {CastInfo} from '../cast/member-cast.js';

/** What every welcome says about the room. */
export type WelcomeFacts = {
	readonly transferPort?: number;
	readonly rate?: RateLimit;
	/** The room stream's group, port and current epoch key, for a member it may serve. */
	readonly cast?: {info(member: HubMember): CastInfo | undefined};
};

/**
 * What a member is sent first, in order: the welcome (the live members, and the recent history,
 * or for a member returning with `since`, the count of what it missed), then for a returning
 * member a notice of any events too old to catch up on, then each missed event as its own item.
 * `resync`: the member fell behind and gets a fresh start on a new stream epoch. `dms`: the
 * returning member proved it continues its session, so its direct messages are caught up too.
 */
export function welcomeItems(member: HubMember, live: readonly HubMember[], log: RoomLog, facts: WelcomeFacts, resync: boolean, since?: number, dms = false): string[] {
	const members = live.map(m => ({name: m.name, ...(m.isHost ? {host: true} : {}), ...(m.presence ? {state: m.presence.state, ...(m.presence.reason ? {reason: m.presence.reason} : {})} : {})}));
	const missed = since === undefined ? [] : log.missedBy(member.name, since, dms);
	const history = since === undefined ? log.recent() : [];
	const {transferPort, rate} = facts;
	const cast = facts.cast?.info(member);
	const extra = [
		cast ? `,"cast":${JSON.stringify(cast)}` : '',
		resync ? ',"resync":true' : '',
		transferPort === undefined ? '' : `,"transferPort":${transferPort}`,
		rate ? `,"rate":${JSON.stringify(rate)}` : '',
		since === undefined ? '' : `,"catchUp":${missed.length}`,
		member.resume === undefined ? '' : `,"resume":${JSON.stringify(member.resume)}`,
	].join('');
	const items = [`{"k":"welcome","you":${JSON.stringify(member.name)},"members":${JSON.stringify(members)},"history":[${history.join(',')}]${extra}}`];
	const {oldest} = log;
	if (since !== undefined && oldest !== undefined && since + 1 < oldest) {
		items.push(JSON.stringify({k: 'notice', level: 'error', code: 'gap', text: `events ${since + 1} to ${oldest - 1} are too old to catch up on`}));
	}

	items.push(...missed);
	return items;
}
