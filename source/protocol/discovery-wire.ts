/**
 * The room-discovery wire format (docs/discovery.md): one small datagram, "SCD", a version byte,
 * then a JSON object. Pure: no I/O. The decoder never throws; it returns a typed error.
 */
import {z} from 'zod';
import {SAFE_PAYLOAD_BYTES} from './limits.js';
import {cleanText} from './sanitize.js';

/** "SCD": every discovery datagram starts with these three bytes. */
export const DISCOVERY_MAGIC = Buffer.from('SCD', 'ascii');
/** The discovery wire version (the fourth byte); the chat protocol version travels inside. */
export const DISCOVERY_WIRE_VERSION = 1;
export const DISCOVERY_HEADER_BYTES = 4;
/** The UDP port announcements are sent to and listened for, unless configured otherwise. */
export const DEFAULT_DISCOVERY_PORT = 9997;
/** How often a hub announces its room. */
export const ANNOUNCE_INTERVAL_MS = 2000;
/** Room and host names are cut to this many characters (code points) on the wire. */
export const DISCOVERY_NAME_MAX_CHARS = 64;
/** Datagrams longer than this are refused unread (ours stay far below: see encodeDiscovery). */
export const MAX_DISCOVERY_BYTES = SAFE_PAYLOAD_BYTES;
/** The longest datagram `encodeDiscovery` builds. */
export const MAX_BUILT_DISCOVERY_BYTES = 700;

const port = z.number().int().min(1).max(65_535);
/** Names from the network are cleaned (no escapes, no controls) and cut, never refused for length. */
const displayName = z
	.string()
	.max(MAX_DISCOVERY_BYTES)
	.transform(tidyName);
const id = z.string().regex(/^[\w-]{1,32}$/, 'id must be 1-32 letters, digits, "_" or "-"');

const announcementSchema = z.object({
	k: z.literal('room'),
	id,
	room: displayName,
	host: displayName,
	port,
	transferPort: port.optional(),
	members: z.number().int().min(0).max(1_000_000),
	secret: z.boolean(),
	version: z.number().int().min(0).max(255),
	// The room's hub key fingerprint (protocol/secure/identity.ts; open and private rooms), as DNS-SD's `fp` gives it;
	// one of another shape (a later format, or junk) is dropped, the announcement kept.
	fingerprint: z
		.string()
		.regex(/^[a-km-np-z2-9]{4}(?:-[a-km-np-z2-9]{4}){3}$/)
		.optional()
		.catch(undefined),
});
const probeSchema = z.object({
	k: z.literal('probe'),
	nonce: z.string().regex(/^[\w-]{1,64}$/),
});
const messageSchema = z.discriminatedUnion('k', [announcementSchema, probeSchema]);

/** A hub's advertisement of its room, sent every couple of seconds. */
export type Announcement = z.infer<typeof announcementSchema>;
/** What the hub fills in for each announcement (`k` and the wire details are added). */
export type AnnouncementFields = Omit<Announcement, 'k' | 'id'>;
/** A self-test datagram (`/netinfo`): listeners for rooms ignore it. */
export type Probe = z.infer<typeof probeSchema>;
/** Either kind of discovery datagram. */
export type DiscoveryMessage = Announcement | Probe;

/** Why a datagram on the discovery port was ignored. */
export type DiscoveryErrorCode = 'too-short' | 'too-long' | 'bad-magic' | 'version' | 'bad-json' | 'bad-message';

/** A decoded discovery datagram, or why not. */
export type DiscoveryDecoded =
	| {readonly ok: true; readonly message: DiscoveryMessage}
	| {readonly ok: false; readonly code: DiscoveryErrorCode; readonly detail: string};

const utf8 = new TextDecoder('utf-8', {fatal: true});

/** The first `max` code points of `text` (never splits a surrogate pair). */
export function truncate(text: string, max: number): string {
	const points = [...text];
	return points.length <= max ? text : points.slice(0, max).join('');
}

/**
 * A name as it goes on the wire and as it is shown: escapes and controls removed, lone surrogates
 * replaced (JSON would spell each in six bytes), trimmed, cut to DISCOVERY_NAME_MAX_CHARS.
 */
export function tidyName(text: string): string {
	return truncate(cleanText(text).replace(/\p{Cs}/gu, '\uFFFD').trim(), DISCOVERY_NAME_MAX_CHARS).trim();
}

/**
 * Builds a discovery datagram. Names are cleaned and cut to DISCOVERY_NAME_MAX_CHARS, so the
 * result is at most MAX_BUILT_DISCOVERY_BYTES however long the room or host name.
 */
export function encodeDiscovery(message: DiscoveryMessage): Buffer {
	const body: DiscoveryMessage =
		message.k === 'room'
			? {
				...message,
				room: tidyName(message.room),
				host: tidyName(message.host),
			}
			: message;
	const json = Buffer.from(JSON.stringify(body), 'utf8');
	const header = Buffer.from([...DISCOVERY_MAGIC, DISCOVERY_WIRE_VERSION]);
	return Buffer.concat([header, json]);
}

/** Decodes a datagram heard on the discovery port. Never throws. */
export function decodeDiscovery(datagram: Uint8Array): DiscoveryDecoded {
	if (datagram.length < DISCOVERY_HEADER_BYTES + 2) {
		return {ok: false, code: 'too-short', detail: `${datagram.length} bytes`};
	}

	if (datagram.length > MAX_DISCOVERY_BYTES) {
		return {ok: false, code: 'too-long', detail: `${datagram.length} bytes`};
	}

	if (datagram[0] !== DISCOVERY_MAGIC[0] || datagram[1] !== DISCOVERY_MAGIC[1] || datagram[2] !== DISCOVERY_MAGIC[2]) {
		return {ok: false, code: 'bad-magic', detail: 'not a socket-chat discovery datagram'};
	}

	if (datagram[3] !== DISCOVERY_WIRE_VERSION) {
		return {ok: false, code: 'version', detail: `discovery version ${datagram[3]}`};
	}

	let value: unknown;
	try {
		value = JSON.parse(utf8.decode(datagram.subarray(DISCOVERY_HEADER_BYTES)));
	} catch {
		return {ok: false, code: 'bad-json', detail: 'the body is not UTF-8 JSON'};
	}

	const parsed = messageSchema.safeParse(value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		return {ok: false, code: 'bad-message', detail: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid'};
	}

	return {ok: true, message: parsed.data};
}

/** An announcement from fields read elsewhere (a DNS-SD TXT record), validated and cleaned as a datagram's would be; undefined when invalid. */
export function parseAnnouncement(value: unknown): Announcement | undefined {
	const parsed = announcementSchema.safeParse(value);
	return parsed.success ? parsed.data : undefined;
}
