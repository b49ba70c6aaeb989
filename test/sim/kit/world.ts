import {createHash, type Hash} from 'node:crypto';
import {HubEndpoint} from '../../../source/protocol/connection/hub-endpoint.js';
import {MemberConnection, type MemberEvent} from '../../../source/protocol/connection/member-connection.js';
import {encodeEnvelope, NO_TOKEN} from '../../../source/protocol/envelope.js';
import type {HubItem, RoomEvent} from '../../../source/protocol/items.js';
import {PROTOCOL_VERSION} from '../../../source/protocol/limits.js';
import {toBase64} from '../../../source/protocol/secure/base64.js';
import {generateIdentity, type HubIdentity} from '../../../source/protocol/secure/identity.js';
import {reduceHubItem, type RoomState} from '../../../source/session/room-reducer.js';
import {checkShown} from './invariants.js';
import {type LinkProfile, type SimAddress, SimNetwork} from './network.js';
import {Random} from './random.js';
import {SIM_GROUP, type Scenario} from './scenario.js';
import {SimStore} from './store.js';

export const HUB: SimAddress = {address: '10.0.0.1', port: 9999};
/** A member's group socket, in the simulated network: its host's address, this port plus its index. */
const GROUP_PORT = 100_000;
/** The attacker forges sources in this network (no member's). */
const FORGED_PREFIX = '10.9.0.';
/** Where every clock starts: 2026-12-01 in Unix milliseconds (a clock at 0 would stamp impossible times). */
export const EPOCH = 1_796_083_200_000;

/** A message as its sender queued it. */
export type Said = {readonly from: string; readonly text: string; readonly at: number};

/** What one member showed: room events by number, in the order shown. */
export type Shown = {readonly seq: number; readonly key: string; readonly from?: string; readonly text?: string};

/** A member: its connection, its clock, its address, and the view the session's reducer builds. */
export class SimMember {
	connection: MemberConnection | undefined;
	address: SimAddress;
	/** Added to true time: this member's clock. */
	offset = EPOCH;
	/**
	 * The offset when its timer was last armed: timers run on a monotonic clock (as libuv's do),
	 * so a wall-clock jump moves what the connection is told, not when its timer fires.
	 */
	timerOffset = EPOCH;
	state: RoomState = {status: 'connecting', statusDetail: undefined, refusal: undefined, myName: undefined, members: [], offers: [], fingerprint: undefined, rate: undefined, lastSeq: 0};
	readonly shown: Shown[] = [];
	readonly said: Said[] = [];
	joined = false;
	lost: string | undefined;
	joinAttempts = 0;
	/** When to try joining again, if the last attempt failed. */
	retryAt: number | undefined;
	linkState: 'connected' | 'reconnecting' = 'connected';
	/** Every link state it went through, in order. */
	readonly states: Array<'connected' | 'reconnecting'> = [];
	/** Its group socket is open (the connection asked for it). */
	inGroup = false;

	constructor(
		readonly index: number,
		readonly name: string,
		sharedHost = false,
	) {
		this.address = {address: `10.0.1.${sharedHost ? 1 : index + 1}`, port: 40_000 + index};
	}
}

/** Where the hub stands: running (with its clock offset), or down until `restartAt`. */
type HubState = {endpoint: HubEndpoint<'udp'> | undefined; offset: number; timerOffset: number; restartAt: number | undefined; incarnation: number};

/**
 * One room under simulation: the real HubEndpoint and real MemberConnections, a seeded network
 * between them, a store with crash semantics, and true time that only `run` moves. Every datagram
 * delivered and every event shown goes into the trace's hash, so a seed replays to the same digest.
 */
export class World {
	now = 0;
	readonly network: SimNetwork;
	readonly store: SimStore;
	readonly members: SimMember[];
	readonly hub: HubState = {endpoint: undefined, offset: EPOCH, timerOffset: EPOCH, restartAt: undefined, incarnation: 0};
	/** Every event any hub incarnation stamped: seq to the keys stamped under it. */
	readonly stamped = new Map<number, Set<string>>();
	/** What members showed under each number (the first one to show it). */
	readonly shownBySeq = new Map<number, string>();
	readonly trace: Hash = createHash('sha256');
	/** Told of every invariant broken as it happens. */
	onViolation: (why: string) => void = () => undefined;
	/** With the scenario's `logUnicast`: every datagram between the hub and a member (not the group's), when and whose. */
	readonly unicastLog: Array<{readonly at: number; readonly from?: number; readonly to?: number}> | undefined;
	/** With the scenario's `logUnicast`: when each member showed each event (true time), and a message's text. */
	readonly shownLog: Array<{readonly at: number; readonly member: number; readonly text?: string}> | undefined;
	steps = 0;
	/**
	 * Bytes the hub received in each forged (non-member) address's name (the network may lose or
	 * duplicate what the forger sent), and bytes the hub sent there.
	 */
	readonly forgedIn = new Map<string, number>();
	readonly forgedOut = new Map<string, number>();
	/** The last datagrams members sent the hub, as an attacker on the path captures them. */
	private readonly captured: Array<{readonly from: SimAddress; readonly datagram: Uint8Array}> = [];
	private healed = false;
	/** Draws the group's extra losses (apart from the network's, so other draws stay put). */
	private readonly groupLoss: Random;

	constructor(
		readonly scenario: Scenario,
		private readonly random: Random,
	) {
		const faults = scenario.link;
		this.unicastLog = scenario.logUnicast ? [] : undefined;
		this.shownLog = scenario.logUnicast ? [] : undefined;
		this.network = new SimNetwork(random.fork(), () => (this.healed ? scenario.cleanLink : faults));
		this.network.cuts.push(...scenario.cuts);
		this.store = new SimStore(random.fork(), () => random.int(1, scenario.syncMs));
		const keys = random.fork();
		this.groupLoss = new Random(scenario.seed ^ 0x67_72_70);
		this.identity = generateIdentity(bytes => keys.bytes(bytes));
		this.members = scenario.members.map((plan, index) => new SimMember(index, plan.name, scenario.sharedHost));
		for (const member of this.members) {
			// Clocks on one network disagree a little.
			member.offset += random.int(-500, 500);
		}

		this.startHub([]);
	}

	/** The hub's clock. */
	get hubNow(): number {
		return this.now + this.hub.offset;
	}

	/** Switches every link to the clean profile (the scenario's quiet phase). */
	heal(): void {
		this.healed = true;
	}

	startHub(recent: readonly string[]): void {
		const random = this.random.fork();
		this.hub.incarnation++;
		this.hub.restartAt = undefined;
		this.hub.timerOffset = this.hub.offset;
		this.hub.endpoint = new HubEndpoint<'udp'>(
			{
				...this.scenario.hubConfig,
				identity: this.identity,
				durable: this.scenario.durable ? {recent} : undefined,
				...(this.scenario.multicast ? {multicast: {group: SIM_GROUP, port: HUB.port}} : {}),
			},
			{random: bytes => random.bytes(bytes), persist: json => this.store.append(json)},
			this.hubNow,
		);
	}

	/** The hub process dies: its memory is gone, the store keeps what a crash keeps. */
	crashHub(downMs: number): void {
		const survived = this.scenario.durable ? this.store.crash() : [];
		this.hub.endpoint = undefined;
		this.hub.restartAt = this.now + downMs;
		this.recent = survived;
	}

	private recent: readonly string[] = [];
	/** The hub's long-term key: kept in its data folder, so the same across restarts. */
	private readonly identity: HubIdentity;

	restartHub(): void {
		this.startHub(this.recent);
	}

	/** A member joins (or tries again): a fresh connection with its clock, then a hello. */
	join(member: SimMember): void {
		const random = this.random.fork();
		member.joinAttempts++;
		member.retryAt = undefined;
		member.linkState = 'connected';
		const now = this.now + member.offset;
		member.connection = new MemberConnection({address: `${HUB.address}:${HUB.port}`, port: HUB.port}, {random: bytes => random.bytes(bytes)}, now);
		member.connection.join(member.name, now);
		this.drainMember(member);
	}

	/** A member queues a message, as the session does for a line typed. */
	say(member: SimMember, text: string): void {
		if (!member.connection || !member.joined || member.lost) {
			return;
		}

		member.said.push({from: member.name, text, at: this.now});
		member.connection.send({k: 'say', text}, this.now + member.offset);
		this.drainMember(member);
	}

	/**
	 * One datagram from the attacker: a captured member datagram replayed from its own source or
	 * from a forged one, junk, or a blind query or hello (it never sees the answers) from a forged
	 * address (10.9.0.x: no member's).
	 */
	forge(random: Random): void {
		const forged = {address: `${FORGED_PREFIX}${random.int(1, 20)}`, port: random.int(50_000, 50_003)};
		const kind = random.int(0, 4);
		const captured = this.captured.length > 0 ? random.pick(this.captured) : undefined;
		if (kind === 0 && captured) {
			this.network.send(captured.from, HUB, captured.datagram, this.now);
			return;
		}

		const b64 = (count: number) => toBase64(random.bytes(count));
		const datagram =
			kind === 1 && captured
				? captured.datagram
				: kind === 2
					? random.bytes(random.int(1, 300))
					: kind === 3
						? encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, JSON.stringify([{t: 'query', cid: b64(6), n: b64(16)}]).padEnd(random.chance(0.5) ? 1188 : 0))
						: encodeEnvelope(PROTOCOL_VERSION, NO_TOKEN, JSON.stringify([{t: 'hello', cid: b64(6), n: b64(16), y: b64(32), s: b64(60)}]).padEnd(random.chance(0.5) ? 1188 : 0));
		this.network.send(forged, HUB, datagram, this.now);
	}

	/** The member's source port changes (a NAT rebinding): the hub sees a new peer. */
	rebind(member: SimMember): void {
		member.address = {address: member.address.address, port: member.address.port + 1000};
	}

	/** Delivers one datagram that arrived now. */
	deliver(from: SimAddress, to: SimAddress, datagram: Uint8Array): void {
		this.trace.update(`d ${this.now} ${from.address}:${from.port}>${to.address}:${to.port} `);
		this.trace.update(datagram);
		if (to.address === HUB.address && to.port === HUB.port) {
			if (from.address.startsWith(FORGED_PREFIX)) {
				const key = `${from.address}:${from.port}`;
				this.forgedIn.set(key, (this.forgedIn.get(key) ?? 0) + datagram.length);
			}

			if (this.members.some(member => member.address.address === from.address && member.address.port === from.port)) {
				this.captured.push({from, datagram});
				if (this.captured.length > 64) {
					this.captured.shift();
				}
			}

			const endpoint = this.hub.endpoint;
			if (endpoint) {
				endpoint.handle(datagram, from.address, from.port, 'udp', this.hubNow);
				this.drainHub();
			}

			return;
		}

		if (to.port >= GROUP_PORT) {
			const member = this.members[to.port - GROUP_PORT];
			if (member?.connection && member.inGroup && from.address === HUB.address) {
				member.connection.handle(datagram, this.now + member.offset, 'group');
				this.drainMember(member);
			}

			return;
		}

		const member = this.members.find(candidate => candidate.address.address === to.address && candidate.address.port === to.port);
		if (member?.connection && from.address === HUB.address) {
			member.connection.handle(datagram, this.now + member.offset);
			this.drainMember(member);
		}
	}

	/** One send to the group: a copy towards each member whose group socket is open, unless it is deaf to the group or loses this one. */
	private toGroup(datagram: Uint8Array): void {
		const plan = this.scenario.multicast!;
		for (const member of this.members) {
			if (!member.inGroup || plan.deaf.includes(member.index)) {
				continue;
			}

			if (plan.lossy.includes(member.index) && this.now >= plan.lossyFrom && this.groupLoss.chance(plan.lossyRate)) {
				continue;
			}

			this.network.send(HUB, {address: member.address.address, port: GROUP_PORT + member.index}, datagram, this.now);
		}
	}

	/** Everything the hub has to send and say, and a commit when one is due. */
	drainHub(): void {
		const endpoint = this.hub.endpoint;
		if (!endpoint) {
			return;
		}

		for (let out = endpoint.pollTransmit(this.hubNow); out; out = endpoint.pollTransmit(this.hubNow)) {
			const key = `${out.address}:${out.port}`;
			if (out.address.startsWith(FORGED_PREFIX)) {
				this.forgedOut.set(key, (this.forgedOut.get(key) ?? 0) + out.datagram.length);
			}

			if (out.address === SIM_GROUP) {
				this.toGroup(out.datagram);
			} else {
				if (this.unicastLog) {
					const to = this.members.find(member => member.address.address === out.address && member.address.port === out.port);
					this.unicastLog.push({at: this.now, to: to?.index});
				}

				this.network.send(HUB, {address: out.address, port: out.port}, out.datagram, this.now);
			}
		}

		for (let event = endpoint.pollEvent(); event; event = endpoint.pollEvent()) {
			this.recordStamp(event);
		}

		if (endpoint.pollCommit()) {
			this.store.commit(this.now);
		}

		this.hub.timerOffset = this.hub.offset;
	}

	/** Everything a member has to send and say. */
	drainMember(member: SimMember): void {
		const connection = member.connection;
		if (!connection) {
			return;
		}

		const now = this.now + member.offset;
		for (let datagram = connection.pollTransmit(now); datagram; datagram = connection.pollTransmit(now)) {
			this.unicastLog?.push({at: this.now, from: member.index});
			this.network.send(member.address, HUB, datagram, this.now);
		}

		for (let event = connection.pollEvent(); event; event = connection.pollEvent()) {
			this.memberEvent(member, event);
		}

		member.timerOffset = member.offset;
	}

	/** The store's sync finished: the hub may release what waited for it. */
	synced(): void {
		this.store.finishSync();
		if (this.hub.endpoint) {
			this.hub.endpoint.committed(this.hubNow);
			this.drainHub();
		}
	}

	/** A link profile in force now (for tests of the kit). */
	profile(): LinkProfile {
		return this.healed ? this.scenario.cleanLink : this.scenario.link;
	}

	private recordStamp(event: RoomEvent): void {
		const key = eventKey(event);
		let keys = this.stamped.get(event.seq);
		if (!keys) {
			keys = new Set();
			this.stamped.set(event.seq, keys);
		}

		keys.add(key);
	}

	private memberEvent(member: SimMember, event: MemberEvent): void {
		this.trace.update(`e ${this.now} ${member.index} ${event.type}`);
		switch (event.type) {
			case 'answer': {
				if ('ok' in event.answer && event.answer.ok) {
					member.joined = true;
				} else if (!member.joined) {
					member.connection = undefined;
					member.retryAt = this.now + 1000;
				}

				return;
			}

			case 'item': {
				this.item(member, event.item);
				return;
			}

			case 'state': {
				member.linkState = event.state;
				member.states.push(event.state);
				return;
			}

			case 'lost': {
				member.lost = event.reason;
				return;
			}

			case 'group': {
				const closed = this.scenario.multicast?.closed.includes(member.index) === true;
				member.inGroup = !closed;
				member.connection?.groupOpened(!closed, this.now + member.offset);
				return;
			}

			default:
		}
	}

	private item(member: SimMember, item: HubItem): void {
		const before = member.state.lastSeq;
		const step = reduceHubItem(member.state, item);
		member.state = step.state;
		const events = item.k === 'welcome' ? item.history : item.k === 'notice' || item.k === 'typing' ? [] : [item];
		for (const event of events) {
			if (event.seq > before) {
				const shown: Shown = {seq: event.seq, key: eventKey(event), ...(event.k === 'msg' ? {from: event.from, text: event.text} : {})};
				member.shown.push(shown);
				this.shownLog?.push({at: this.now, member: member.index, text: shown.text});
				checkShown(this, member, shown, this.onViolation);
				this.trace.update(`s ${member.index} ${shown.key}`);
			}
		}
	}
}

/** An event's identity for comparison: its fields in a fixed order, without its time. */
export function eventKey(event: RoomEvent): string {
	const {time: _time, ...rest} = event;
	return JSON.stringify(Object.keys(rest).sort().map(key => [key, (rest as Record<string, unknown>)[key]]));
}
