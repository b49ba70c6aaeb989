import {afterEach} from 'vitest';
import {Hub, type HubOptions} from '../../source/net/hub.js';
import {MemberLink, type MemberLinkOptions} from '../../source/net/member-link.js';
import type {HubItem, RoomEvent} from '../../source/protocol/items.js';
import {waitFor} from './wait-for.js';

/** A hub on 127.0.0.1, port chosen by the system. */
export async function startHub(options: Partial<HubOptions> = {}): Promise<Hub> {
	const hub = new Hub({bind: '127.0.0.1', port: 0, ...options});
	await hub.start();
	return hub;
}

/** A joined member link that records every item the hub sends it, in order. */
export type TestMember = {
	readonly link: MemberLink;
	readonly items: HubItem[];
	/** Room events received live or in the welcome's history, in order, without duplicates. */
	events(): RoomEvent[];
	messages(): string[];
	lost: string | undefined;
};

export async function joinMember(port: number, name: string, options: Partial<MemberLinkOptions> = {}): Promise<TestMember> {
	const link = new MemberLink({host: '127.0.0.1', port, ...options});
	const member: TestMember = {
		link,
		items: [],
		events() {
			const seen: RoomEvent[] = [];
			for (const item of this.items) {
				const events = item.k === 'welcome' ? item.history : item.k === 'notice' || item.k === 'typing' ? [] : [item];
				for (const event of events) {
					if (!seen.some(e => e.seq === event.seq)) {
						seen.push(event);
					}
				}
			}

			return seen;
		},
		messages() {
			return this.events().flatMap(event => (event.k === 'msg' ? [`${event.from}: ${event.text}`] : []));
		},
		lost: undefined,
	};
	link.onItem(item => member.items.push(item));
	link.onLost(reason => {
		member.lost = reason;
	});
	const outcome = await link.join(name);
	if (!outcome.ok) {
		link.close();
		throw new Error(`join refused: ${outcome.code}: ${outcome.reason}`);
	}

	return member;
}

/** Waits until every member has received `count` messages. */
export async function allReceived(members: readonly TestMember[], count: number, timeoutMs = 10_000): Promise<void> {
	await waitFor(() => members.every(member => member.messages().length >= count), {
		timeoutMs,
		what: () => `${count} messages at every member (have ${members.map(m => m.messages().length).join(', ')})`,
	});
}

/**
 * A hub and members for each test of a file, closed after each test: `start` the hub, then
 * `member` joins one; `closeAll` ends both early (a test that compares two rooms).
 */
export function roomPerTest() {
	let hub: Hub | undefined;
	const members: TestMember[] = [];
	const closeAll = async () => {
		for (const m of members.splice(0)) {
			m.link.close();
		}

		await hub?.close();
		hub = undefined;
	};

	afterEach(closeAll);
	return {
		async start(options: Partial<HubOptions> = {}): Promise<Hub> {
			hub = await startHub(options);
			return hub;
		},
		async member(name: string, options: Partial<MemberLinkOptions> = {}): Promise<TestMember> {
			const joined = await joinMember(hub!.port, name, options);
			members.push(joined);
			return joined;
		},
		closeAll,
	};
}
