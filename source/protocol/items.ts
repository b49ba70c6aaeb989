import {z} from 'zod';
import {MAX_FOLDER_ENTRIES, MAX_TEXT_BYTES, NAME_MAX_CHARS} from './limits.js';

/*
 * What travels inside the reliable streams. Member -> hub: requests. Hub -> member: room events
 * (stamped with the room sequence number), the welcome, and notices meant for one member.
 */

const text = z.string().max(MAX_TEXT_BYTES * 2);
const name = z.string().min(1).max(NAME_MAX_CHARS * 4);
const seq = z.number().int().nonnegative();
const time = z.number().int().nonnegative();

/** A message's id, chosen by its sender, so a message resent after a reconnect is stamped once. */
const mid = z.string().min(1).max(32).optional();

/** The number of the room message a message answers (a reply). */
const re = z.number().int().positive().optional();
/** A reaction: an emoji, or any short symbol (checked further by the hub: `reactionProblem`). */
const emoji = z.string().min(1).max(64);
/** A member's presence: here, away (by /away), idle (no key for 10 minutes). */
const presenceState = z.enum(['here', 'away', 'idle']);
const reason = z.string().max(200).optional();

export const memberRequestSchema = z.discriminatedUnion('k', [
	z.object({k: z.literal('say'), text, id: mid, re}),
	z.object({k: z.literal('me'), text, id: mid, re}),
	z.object({k: z.literal('dm'), to: name, text, id: mid}),
	z.object({k: z.literal('nick'), name}),
	z.object({k: z.literal('leave')}),
	z.object({k: z.literal('kick'), name}),
	z.object({k: z.literal('ban'), name}),
	/** Adds my reaction to room message `target`, or takes it back if I had given that one. */
	z.object({k: z.literal('react'), target: z.number().int().positive(), emoji}),
	z.object({k: z.literal('presence'), state: presenceState, reason}),
]);

/** Something a member asks of the hub. */
export type MemberRequest = z.infer<typeof memberRequestSchema>;

export const offerFields = {
	id: z.string().min(1).max(64),
	name: z.string().min(1).max(1024),
	size: z.number().int().nonnegative(),
	from: name,
	sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
	complete: z.boolean(),
	failed: z.string().max(500).optional(),
	/** A folder, offered as its tar archive (`NAME.tar`): the files in it. Members that know no folders drop it and see a tar file. */
	files: z.number().int().nonnegative().max(MAX_FOLDER_ENTRIES).optional(),
};

export const roomEventSchema = z.discriminatedUnion('k', [
	z.object({k: z.literal('msg'), seq, time, from: name, text, me: z.boolean().optional(), mid, re}),
	z.object({k: z.literal('dm'), seq, time, from: name, to: name, text, mid}),
	z.object({k: z.literal('join'), seq, time, name, host: z.boolean().optional()}),
	z.object({k: z.literal('leave'), seq, time, name, reason: z.string().max(200)}),
	z.object({k: z.literal('nick'), seq, time, from: name, to: name}),
	z.object({k: z.literal('offer'), seq, time, ...offerFields}),
	z.object({k: z.literal('react'), seq, time, from: name, target: z.number().int().positive(), emoji, removed: z.boolean()}),
	z.object({k: z.literal('presence'), seq, time, name, state: presenceState, reason}),
]);

/** An event of the room's one history, numbered by the hub. */
export type RoomEvent = z.infer<typeof roomEventSchema>;

export const memberInfoSchema = z.object({name, host: z.boolean().optional(), state: presenceState.optional(), reason});
export type MemberInfo = z.infer<typeof memberInfoSchema>;

const castInfoSchema = z.object({
	g: z.string().regex(/^239\.255\.\d{1,3}\.\d{1,3}$/),
	/** For a member that came over IPv6: the room's IPv6 group (ff15::/16, group id 0x80000000-0xfeffffff), the one it opens. */
	g6: z.string().regex(/^ff15::(?:[89a-e][0-9a-f]{3}|f[0-9a-e][0-9a-f]{2}):(?:0|[1-9a-f][0-9a-f]{0,3})$/).optional(),
	p: z.number().int().min(1).max(65_535),
	e: z.number().int().positive().max(0xff_ff_ff_ff),
	key: z.string().length(43),
});

export const hubItemSchema = z.discriminatedUnion('k', [
	...roomEventSchema.options,
	z.object({
		k: z.literal('welcome'),
		you: name,
		members: z.array(memberInfoSchema).max(10_000),
		// Each event on its own: one of a kind this member does not know (a later version's) is left
		// out, and the welcome still holds (docs/protocol.md, "Version rule").
		history: z
			.array(z.unknown())
			.max(10_000)
			.transform(events => events.flatMap(event => {
				const known = roomEventSchema.safeParse(event);
				return known.success ? [known.data] : [];
			})),
		/** True when this replaces a backlog the member fell too far behind on. */
		resync: z.boolean().optional(),
		transferPort: z.number().int().min(0).max(65_535).optional(),
		/** The hub's message rate limit, so the member can pace itself below it. */
		rate: z.object({perSecond: z.number().positive(), burst: z.number().int().positive()}).optional(),
		/** Events after the member's `since` follow the welcome as separate items: this many. */
		catchUp: z.number().int().nonnegative().optional(),
		/** The session's resume secret: a rejoin shows it to be caught up on its direct messages. */
		resume: z.string().max(64).optional(),
		/** The room stream: its multicast group and port, and the current epoch and its key (base64url). */
		cast: castInfoSchema.optional(),
	}),
	/** How the hub serves this member from now on (docs/protocol.md, "The room stream"). */
	z.object({
		k: z.literal('cast'),
		via: z.enum(['group', 'unicast']),
		why: z.string().max(200),
		/** The first event (room stream index) served this way. */
		e: z.number().int().nonnegative().optional(),
		/** With via group: the first datagram of the room stream to take. */
		q: z.number().int().positive().optional(),
		/** With via group: how long a gap-free ack of the room stream may wait, ms (`ackDelayFor`). */
		ad: z.number().int().positive().max(60_000).optional(),
	}),
	/** The room grew or shrank: the room stream's gap-free acks may wait this long now, ms. */
	z.object({k: z.literal('ack-delay'), ad: z.number().int().positive().max(60_000)}),
	/** A new epoch key for the room stream. */
	z.object({k: z.literal('key'), e: z.number().int().positive().max(0xff_ff_ff_ff), key: z.string().length(43)}),
	/** Someone is typing, or stopped (relayed, never numbered nor stored). */
	z.object({k: z.literal('typing'), from: name, active: z.boolean()}),
	z.object({
		k: z.literal('notice'),
		level: z.enum(['info', 'error']),
		code: z.string().max(64).optional(),
		text: z.string().max(2000),
	}),
]);

/** Anything the hub puts in a member's stream. */
export type StreamItem = z.infer<typeof hubItemSchema>;
/** What the connection hands on to the session: the room stream's own items stay with the connection. */
export type HubItem = Exclude<StreamItem, {k: 'cast'} | {k: 'key'} | {k: 'ack-delay'}>;
export type Welcome = Extract<HubItem, {k: 'welcome'}>;
export type Notice = Extract<HubItem, {k: 'notice'}>;

export type ItemDecode<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly detail: string};

function decodeWith<T>(schema: z.ZodType<T>, value: unknown): ItemDecode<T> {
	const result = schema.safeParse(value);
	return result.success ? {ok: true, value: result.data} : {ok: false, detail: result.error.issues[0]?.message ?? 'invalid'};
}

/** Validates a member's request (already JSON-parsed) into a typed value, or says why not. */
export function decodeMemberRequest(value: unknown): ItemDecode<MemberRequest> {
	const fast = fastSay(value);
	return fast ? {ok: true, value: fast} : decodeWith(memberRequestSchema, value);
}

const sayKeys = new Set(['k', 'text', 'id', 're']);

/**
 * The commonest request, a message (`say`), recognised without zod (the hub takes one per message
 * sent into the room). As `fastMessage`: every check is one the schema makes too, and anything
 * else (an unknown key included, which the schema would strip) goes to the schema.
 */
export function fastSay(value: unknown): MemberRequest | undefined {
	if (typeof value !== 'object' || value === null) {
		return undefined;
	}

	const item = value as Record<string, unknown>;
	const {text, id, re} = item;
	const ok =
		item.k === 'say' &&
		typeof text === 'string' &&
		text.length <= MAX_TEXT_BYTES * 2 &&
		(id === undefined || (typeof id === 'string' && id.length >= 1 && id.length <= 32)) &&
		(re === undefined || (Number.isSafeInteger(re) && (re as number) > 0)) &&
		onlyKeys(item, sayKeys);
	return ok ? (item as MemberRequest) : undefined;
}

const msgKeys = new Set(['k', 'seq', 'time', 'from', 'text', 'me', 'mid']);
const isUint = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * The commonest item, a room message, recognised without zod. Every check is one the schema
 * makes too, and anything unusual goes to the schema: this can only say yes where it says yes.
 */
export function fastMessage(value: unknown): HubItem | undefined {
	if (typeof value !== 'object' || value === null) {
		return undefined;
	}

	const item = value as Record<string, unknown>;
	if (item.k !== 'msg' || !isUint(item.seq) || !isUint(item.time)) {
		return undefined;
	}

	const {from, text, me, mid} = item;
	const ok =
		typeof from === 'string' &&
		from.length >= 1 &&
		from.length <= NAME_MAX_CHARS * 4 &&
		typeof text === 'string' &&
		text.length <= MAX_TEXT_BYTES * 2 &&
		(me === undefined || typeof me === 'boolean') &&
		(mid === undefined || (typeof mid === 'string' && mid.length >= 1 && mid.length <= 32)) &&
		onlyKeys(item, msgKeys);
	return ok ? (item as HubItem) : undefined;
}

/** Whether every own key of `item` is in `keys` (no array of keys made: this runs per delivery). */
function onlyKeys(item: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
	for (const key in item) {
		if (Object.hasOwn(item, key) && !keys.has(key)) return false;
	}

	return true;
}

/**
 * Frozen messages already found valid, with that finding: a message decoded once for every member
 * of a process (cast-wire.ts, `recordMessage`) is checked once, not once per member. Frozen, it
 * cannot change after the check.
 */
const checkedMessages = new WeakMap<object, ItemDecode<StreamItem>>();

/** Validates a hub item (already JSON-parsed) into a typed value, or says why not. */
export function decodeHubItem(value: unknown): ItemDecode<StreamItem> {
	const known = typeof value === 'object' && value !== null ? checkedMessages.get(value) : undefined;
	if (known) {
		return known;
	}

	const fast = fastMessage(value);
	if (!fast) {
		return decodeWith(hubItemSchema, value);
	}

	const decoded: ItemDecode<StreamItem> = {ok: true, value: fast};
	if (Object.isFrozen(value)) {
		checkedMessages.set(value as object, decoded);
	}

	return decoded;
}
