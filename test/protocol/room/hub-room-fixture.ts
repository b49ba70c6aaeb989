import {peerOf} from '../../../source/protocol/peer.js';
import {HubRoom, type HubMember, type HubRoomOptions} from '../../../source/protocol/room/hub-room.js';
import type {RoomEvent} from '../../../source/protocol/items.js';

/** An item as a member's stream carries it (parsed JSON: a welcome, a notice or a room event). */
export type Sent = Record<string, unknown> & {k: string};

/**
 * A HubRoom with no sockets and a clock the test moves: what it stamps, who it removed, and what
 * each member's stream carries (read as a member would, acknowledging everything at once).
 */
export function roomFixture(options: Partial<HubRoomOptions> = {}) {
	let now = 1_000_000;
	let port = 40_000;
	const events: RoomEvent[] = [];
	const removed: Array<{name: string; reason: string; ban: boolean}> = [];
	let tokens = 0;
	const hub = new HubRoom({
		now: () => now,
		token: () => (++tokens).toString(16).padStart(16, '0'),
		onEvent: event => events.push(event),
		onDirty: () => undefined,
		onRemoved: (member, reason, ban) => removed.push({name: member.name, reason, ban}),
		...options,
	});
	const inboxes = new Map<HubMember, {items: Sent[]; parts: string[]}>();

	/** Admits a member as the hub does once its hello passed the gate and the name check. */
	function join(name: string, extra: {host?: boolean; since?: number; replaces?: HubMember; resume?: string} = {}): HubMember {
		port++;
		return hub.admit({name, isHost: extra.host === true, peer: peerOf('127.0.0.1', port), sendAddress: '127.0.0.1', sendPort: port, cid: `c${port}`, since: extra.since, replaces: extra.replaces, resume: extra.resume});
	}

	/** Everything the member's stream carried so far, in order (reading it acknowledges it). */
	function inbox(member: HubMember): Sent[] {
		if (options.durable) {
			hub.release(hub.takeHeld());
		}

		let box = inboxes.get(member);
		if (!box) {
			box = {items: [], parts: []};
			inboxes.set(member, box);
		}

		for (let frames = member.sender.poll(now); frames.length > 0; frames = member.sender.poll(now)) {
			let last = 0;
			for (const text of frames) {
				const frame = JSON.parse(text) as {n: number; e?: Sent; p?: [number, number]; x?: string};
				last = Math.max(last, frame.n);
				if (frame.e) {
					box.items.push(frame.e);
				} else {
					box.parts.push(frame.x!);
					if (frame.p![0] === frame.p![1] - 1) {
						box.items.push(JSON.parse(box.parts.join('')) as Sent);
						box.parts = [];
					}
				}
			}

			member.sender.onAck(last, undefined, now);
		}

		return box.items;
	}

	/** The notices a member was sent. */
	const notices = (member: HubMember) => inbox(member).filter(item => item.k === 'notice') as Array<Sent & {level: string; text: string; code?: string}>;
	/** The room events a member was sent live (not in a welcome). */
	const seen = (member: HubMember) => inbox(member).filter(item => item.k !== 'notice' && item.k !== 'welcome') as unknown as RoomEvent[];
	/** The welcomes a member was sent. */
	const welcomes = (member: HubMember) =>
		inbox(member).filter(item => item.k === 'welcome') as unknown as Array<{you: string; members: Array<{name: string; host?: true}>; history: RoomEvent[]; resync?: true; catchUp?: number; rate?: unknown}>;
	/** The texts of the messages stamped, in order. */
	const said = () => events.flatMap(event => (event.k === 'msg' ? [event.text] : []));

	return {
		hub,
		events,
		removed,
		join,
		inbox,
		notices,
		seen,
		welcomes,
		said,
		clock: {
			now: () => now,
			advance(ms: number) {
				now += ms;
			},
		},
	};
}
