/**
 * A room as a DNS-SD service (RFC 6763) over mDNS (RFC 6762): the records a hub answers with, and
 * the room read back out of a response. Pure: no sockets. Records are dns-packet's shapes.
 */
import type {Answer, Packet} from 'dns-packet';
import {parseAnnouncement, tidyName, type Announcement, type AnnouncementFields} from './discovery-wire.js';

/** The service type every room is announced under. */
export const SERVICE_TYPE = '_socket-chat._udp.local';
/** What DNS-SD browsers ask to list every service type on a network. */
export const SERVICE_ENUMERATION = '_services._dns-sd._udp.local';
/** Time to live of the records, in seconds (RFC 6762 recommends 120 for host records, 4500 others; rooms come and go). */
export const RECORD_TTL_S = 120;

/** A room as announced over DNS-SD: the broadcast fields, the announcer's id and, for a private room, its fingerprint. */
export type ServiceRoom = AnnouncementFields & {readonly id: string; readonly fingerprint?: string};

/** A DNS label: at most 63 bytes of UTF-8, no dots (they would split it). */
function label(text: string): string {
	let value = text.replaceAll('.', ' ').trim() || 'room';
	while (Buffer.byteLength(value, 'utf8') > 63) {
		value = [...value].slice(0, -1).join('');
	}

	return value;
}

/** The service instance name: the room's name and the announcer's id, which keeps two rooms of one name apart. */
export function instanceName(room: Pick<ServiceRoom, 'room' | 'id'>): string {
	return `${label(`${tidyName(room.room).slice(0, 40)} ${room.id}`)}.${SERVICE_TYPE}`;
}

/** The host name the SRV record points at (ours, so as not to answer for the machine's own `NAME.local`). */
export function targetName(room: Pick<ServiceRoom, 'host' | 'id'>): string {
	const host = tidyName(room.host).toLowerCase().replaceAll(/[^a-z\d-]/g, '-').replaceAll(/^-+|-+$/g, '').slice(0, 40) || 'host';
	return `${host}-${room.id}.local`;
}

/** The TXT strings: room name, protocol version, open or private, fingerprint, ports, members. */
export function txtStrings(room: ServiceRoom): string[] {
	return [
		'txtvers=1',
		`id=${room.id}`,
		`room=${tidyName(room.room)}`,
		`host=${tidyName(room.host)}`,
		`v=${room.version}`,
		`access=${room.secret ? 'private' : 'open'}`,
		...(room.fingerprint ? [`fp=${room.fingerprint}`] : []),
		...(room.transferPort === undefined ? [] : [`tp=${room.transferPort}`]),
		`members=${room.members}`,
	];
}

/**
 * Every record of a room's service: the enumeration and service PTRs, SRV, TXT, and the target's
 * A/AAAA records for the addresses on the link they are sent on. `ttl` 0 says goodbye.
 */
export function serviceRecords(room: ServiceRoom, addresses: readonly string[], ttl = RECORD_TTL_S): Answer[] {
	const instance = instanceName(room);
	const target = targetName(room);
	return [
		{name: SERVICE_ENUMERATION, type: 'PTR', ttl, data: SERVICE_TYPE},
		{name: SERVICE_TYPE, type: 'PTR', ttl, data: instance},
		{name: instance, type: 'SRV', ttl, flush: true, data: {port: room.port, target, priority: 0, weight: 0}},
		{name: instance, type: 'TXT', ttl, flush: true, data: txtStrings(room)},
		...addresses.map((address): Answer => ({name: target, type: address.includes(':') ? 'AAAA' : 'A', ttl, flush: true, data: address.split('%')[0]!})),
	];
}

/** Whether a query asks for something `serviceRecords` answers. */
export function asksForRoom(query: Packet, room: ServiceRoom): boolean {
	const names = new Set([SERVICE_ENUMERATION, SERVICE_TYPE, instanceName(room).toLowerCase(), targetName(room)]);
	return (query.questions ?? []).some(question => names.has(question.name.toLowerCase()));
}

/** A room read out of an mDNS response: `gone` when it says goodbye (TTL 0). */
export type HeardService = {readonly announcement: Announcement; readonly fingerprint?: string; readonly gone: boolean};

function txtMap(data: unknown): Map<string, string> {
	const map = new Map<string, string>();
	for (const item of Array.isArray(data) ? data : [data]) {
		const text = Buffer.isBuffer(item) ? item.toString('utf8') : typeof item === 'string' ? item : '';
		const at = text.indexOf('=');
		if (at > 0 && !map.has(text.slice(0, at).toLowerCase())) {
			map.set(text.slice(0, at).toLowerCase(), text.slice(at + 1));
		}
	}

	return map;
}

function integer(text: string | undefined): number | undefined {
	return text !== undefined && /^\d{1,7}$/.test(text) ? Number(text) : undefined;
}

/**
 * The rooms described in a response (answers and additional records together). Anything that
 * does not make a valid announcement is left out; nothing here throws.
 */
export function servicesIn(response: Packet): HeardService[] {
	const records = [...(response.answers ?? []), ...(response.additionals ?? [])];
	const heard: HeardService[] = [];
	for (const pointer of records) {
		if (pointer.type !== 'PTR' || pointer.name.toLowerCase() !== SERVICE_TYPE || typeof pointer.data !== 'string') {
			continue;
		}

		const instance = pointer.data.toLowerCase();
		const srv = records.find(record => record.type === 'SRV' && record.name.toLowerCase() === instance);
		const txt = records.find(record => record.type === 'TXT' && record.name.toLowerCase() === instance);
		if (srv?.type !== 'SRV' || !txt) {
			continue;
		}

		const fields = txtMap('data' in txt ? txt.data : undefined);
		const transferPort = integer(fields.get('tp'));
		const parsed = parseAnnouncement({
			k: 'room',
			id: fields.get('id'),
			room: fields.get('room'),
			host: fields.get('host') ?? srv.data.target.replace(/\.local$/i, ''),
			port: srv.data.port,
			...(transferPort === undefined ? {} : {transferPort}),
			members: integer(fields.get('members')) ?? 0,
			secret: fields.get('access') === 'private',
			version: integer(fields.get('v')),
		});
		if (parsed) {
			const fingerprint = fields.get('fp');
			heard.push({announcement: parsed, ...(fingerprint && /^[\w-]{1,64}$/.test(fingerprint) ? {fingerprint} : {}), gone: pointer.ttl === 0});
		}
	}

	return heard;
}
