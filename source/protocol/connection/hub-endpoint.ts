import {decodeEnvelope, FLAG_ENCRYPTED, HEADER_BYTES, NO_TOKEN} from '../envelope.js';
import {decodeFrames} from '../frames.js';
import type {RoomEvent} from '../items.js';
import {LINGER_MS, MEMBER_TIMEOUT_MS, PROTOCOL_VERSION, RATE_BURST, RATE_PER_SECOND, RTO_MIN_MS} from '../limits.js';
import {normalizeAddress, peerOf} from '../peer.js';
import {HubGate} from '../room/hub-gate.js';
import type {HubIdentity} from '../secure/identity.js';
import {HubRoom, type HubMember, type RateLimit, type StampedEvent} from '../room/hub-room.js';
import {CommitGate, type Round} from './commit-gate.js';
import {DeadlineSet} from './deadline-set.js';
import {HubHandshake} from './hub-handshake.js';
import {memberFrame} from './hub-member-frames.js';
import {flushMember, owedAck, sessionDatagram} from './hub-wire.js';
import {BASE_DATAGRAM, PathMtu} from './path-mtu.js';
import {castSigner} from '../cast/cast-wire.js';
import {RoomCast} from '../cast/room-cast.js';

/** How often members' silence and departed sessions are looked at. */
export const SWEEP_MS = 500;

export type HubEndpointConfig<Via = unknown> = {
	/** Silence after which a member is dropped as timed out. */
	readonly memberTimeoutMs?: number;
	/** Announced in the welcome, for file transfers. */
	readonly transferPort?: number;
	/** Messages per member (default 10 a second, bursts of 20); false for none (benchmarks). */
	readonly rateLimit?: RateLimit | false;
	/** Members at most (default 256). */
	readonly maxMembers?: number;
	/** Join attempts per source address (default a burst of 5, one more per 2 s); false for none. */
	readonly joinLimit?: RateLimit | false;
	/** The room secret, in a private room: every join runs CPace over it. */
	readonly secret?: string;
	/** The hub's long-term key: it signs every join, and members pin it. */
	readonly identity: HubIdentity;
	/** The key is this run's only (no data folder): members are told not to pin it. */
	readonly ephemeralIdentity?: boolean;
	/**
	 * The room's history, when it has a store: the events kept, oldest first (the room goes on from
	 * them, same numbers). Nothing is then sent or acknowledged before the events behind it are
	 * committed (`pollCommit`, `committed`).
	 */
	readonly durable?: {readonly recent: readonly string[]};
	/** The host key (else one from `random`). */
	readonly hostKey?: string;
	/**
	 * The room stream's multicast group (239.255.x.y), its IPv6 group (ff15::/16; none: IPv6 members
	 * are served by unicast) and port: members it reaches get the room's events from it, one send
	 * for all (docs/protocol.md, "The room stream"). None: unicast only.
	 */
	readonly multicast?: {readonly group: string; readonly group6?: string; readonly port: number};
	/**
	 * The largest datagram the shell can send by `via` without the machine fragmenting it (its
	 * interface's MTU less the IP and UDP headers). Given, the hub probes each member's path for
	 * datagrams above 1,200 bytes up to that (connection/path-mtu.ts); absent, every datagram stays
	 * within 1,200.
	 */
	readonly largestDatagram?: (via: Via) => number;
};

/** What the endpoint cannot make itself: random bytes, and the store's append. */
export type HubDeps = {
	readonly random: (bytes: number) => Uint8Array;
	/** Appends a stamped event to the store; durable once the next commit completes. */
	readonly persist?: (json: string) => void;
};

/** A datagram to send: to an address and port, by the socket (`via`) the shell named. */
export type Transmit<Via> = {readonly datagram: Uint8Array; readonly address: string; readonly port: number; readonly via: Via};

/** Datagrams received and sent, and why any were dropped, counted. */
export type HubStats = {
	received: number;
	sent: number;
	dropped: Record<string, number>;
};


/**
 * The hub with no I/O: datagrams in with their source and the socket they came by (`handle`),
 * timers (`handleTimeout` at `pollTimeout()`), commands (`announce`); datagrams out
 * (`pollTransmit`), stamped room events (`pollEvent`), and in a durable room the commits the
 * store must make (`pollCommit`, then `committed`). Members are known by token and source
 * address together; anything else is dropped and counted. Every reply leaves by the socket its
 * request came in on. `Via` is whatever the shell names its sockets by.
 */
export class HubEndpoint<Via> {
	/** Given to the host's own member: a hello carrying it is marked as the host. */
	readonly hostKey: string;
	readonly stats: HubStats = {received: 0, sent: 0, dropped: {}};
	readonly room: HubRoom;
	private readonly gate: HubGate;
	private readonly handshake: HubHandshake<Via>;
	private readonly routes = new Map<HubMember, Via>();
	private readonly dirty = new Set<HubMember>();
	/** Where a group datagram goes (by which socket, to which group), for the audience of `version`. */
	private groupPlan: {readonly version: number; readonly sends: ReadonlyArray<{readonly via: Via; readonly address: string}>} | undefined;
	private readonly deadlines = new DeadlineSet<HubMember>(member => earlier(member.sender.nextDeadline(), member.path?.nextDeadline()));
	private outbox: Array<Transmit<Via>> = [];
	private outboxHead = 0;
	private readonly events: RoomEvent[] = [];
	private readonly commits = new CommitGate();
	private sweepAt: number;
	private now: number;
	/** The room stream, when the room has a group. */
	readonly cast: RoomCast | undefined;
	private castDue = false;

	constructor(
		private readonly config: HubEndpointConfig<Via>,
		deps: HubDeps,
		now: number,
	) {
		this.now = now;
		this.sweepAt = now + SWEEP_MS;
		this.hostKey = config.hostKey ?? Buffer.from(deps.random(16)).toString('hex');
		const rate = config.rateLimit === false ? undefined : (config.rateLimit ?? {perSecond: RATE_PER_SECOND, burst: RATE_BURST});
		this.gate = new HubGate(config.joinLimit, config.maxMembers, now);
		const multicast = config.multicast;
		const cast = multicast
			? new RoomCast({
					random: deps.random,
					signer: castSigner(config.identity.secretKey, config.identity.publicKey),
					version: PROTOCOL_VERSION,
					rto: member => member.sender.rtt.rto(),
					rtoFloor: RTO_MIN_MS,
					datagramBytes: member => member.path?.size ?? BASE_DATAGRAM,
					blackHole: member => member.path?.blackHole(this.now),
					...multicast,
				})
			: undefined;
		this.cast = cast;
		this.room = new HubRoom({
			now: () => this.now,
			token: () => Buffer.from(deps.random(8)).toString('hex'),
			onEvent: event => this.events.push(event),
			onDirty: member => this.dirty.add(member),
			onRemoved: (member, reason, ban) => {
				if (ban) {
					this.gate.ban(member.peer.address);
				}

				this.toMember(member, sessionDatagram(member, JSON.stringify([{t: 'gone', code: 'removed', reason: `you were ${reason}`}])));
			},
			transferPort: config.transferPort,
			rate,
			persist: config.durable
				? json => {
						this.commits.appended();
						deps.persist?.(json);
					}
				: undefined,
			recent: config.durable?.recent,
			durable: Boolean(config.durable),
			privateRoom: config.secret !== undefined,
			cast,
		});
		this.handshake = new HubHandshake<Via>({
			room: this.room,
			gate: this.gate,
			secret: config.secret,
			identity: config.identity,
			ephemeral: config.ephemeralIdentity === true,
			random: deps.random,
			hostKey: this.hostKey,
			limitUnconfirmed: config.joinLimit !== false,
			send: transmit => this.push(transmit),
			drop: reason => this.drop(reason),
			admitted: (member, via) => {
				this.setRoute(member, via);
				if (config.largestDatagram) {
					member.path = new PathMtu(config.largestDatagram(via), this.now);
				}

				if (cast?.info(member)) {
					cast.probe(member, this.now);
				}
			},
		});
	}

	/** A datagram from `address`:`port` (as the socket reported it), received on `via`. */
	handle(datagram: Uint8Array, address: string, port: number, via: Via, now: number): void {
		this.tick(now);
		this.stats.received++;
		const buffer = Buffer.isBuffer(datagram) ? datagram : Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
		const envelope = decodeEnvelope(buffer);
		if (!envelope.ok) {
			this.drop(envelope.code);
			return;
		}

		const from = {address, port, via, peer: peerOf(normalizeAddress(address), port), size: buffer.length};
		const encrypted = (envelope.flags & FLAG_ENCRYPTED) !== 0;
		if (envelope.version !== PROTOCOL_VERSION) {
			this.drop('version');
			this.handshake.refuseVersion(from, envelope.version, now);
			return;
		}

		const header = buffer.subarray(0, HEADER_BYTES);
		if (envelope.token === NO_TOKEN) {
			this.handshake.receive(envelope.body, encrypted, from, now);
			return;
		}

		let member = this.room.members.get(envelope.token);
		let body: Buffer | undefined = envelope.body;
		if (member) {
			if (member.peer.key !== from.peer.key) {
				this.drop('address-mismatch');
				return;
			}

			this.setRoute(member, via);
			if (member.cipher) {
				body = encrypted ? member.cipher.open(header, body) : undefined;
				if (!body) {
					this.drop('bad-seal');
					return;
				}
			} else if (encrypted) {
				this.drop('unexpected-seal');
				return;
			}
		} else {
			// The first sealed datagram of an accepted session admits its member now.
			const confirmation = this.handshake.confirm(envelope.token, header, body, encrypted, from, now);
			if (confirmation === undefined) {
				this.drop('unknown-token');
				this.handshake.unknownSession(from, envelope.token, now);
				return;
			}

			if (confirmation === 'dropped') {
				return;
			}

			({member, body} = confirmation);
		}

		const decoded = decodeFrames(body);
		if (!decoded.ok) {
			this.drop(decoded.code);
			return;
		}

		if (member.departure === 'timed-out' || member.departure === 'removed') {
			// Acknowledging what it sends now would drop it: told instead, so it rejoins (timed out)
			// with what it never had acknowledged, or knows it was removed.
			this.drop('departed');
			const gone = member.departure === 'removed' ? {code: 'removed', reason: 'you were removed from this room'} : {code: 'unknown', reason: 'the hub timed out this session'};
			this.toMember(member, sessionDatagram(member, JSON.stringify([{t: 'gone', ...gone}])));
			return;
		}

		member.lastHeard = now;
		for (const frame of decoded.frames) {
			if (frame.t === 'ca') {
				this.cast?.ack(member, frame.c, frame.s, now, (to, datagram) => this.toMember(to, datagram), frame.g, frame.r);
			} else if (frame.t === 'probe') {
				this.cast?.report(member, frame.u, frame.g, frame.l, now, frame.o === true);
			} else {
				memberFrame(this.room, member, frame, now, reason => this.drop(reason));
			}
		}

		this.dirty.add(member);
		this.applyCast();
	}

	/** The timer asked for by `pollTimeout` expired (or any time after it). */
	handleTimeout(now: number): void {
		const jumpedBack = this.tick(now);
		if (now >= this.sweepAt) {
			this.sweepAt = now + SWEEP_MS;
			this.sweep(now);
		}

		for (const member of this.deadlines.due(now, jumpedBack)) {
			this.dirty.add(member);
		}

		const cast = this.cast?.nextDeadline();
		if (cast !== undefined && now >= cast) {
			this.castDue = true;
		}
	}

	/** The next datagram to send, if any: replies first, then every member with something owed. */
	pollTransmit(now: number): Transmit<Via> | undefined {
		if (this.outboxHead >= this.outbox.length) {
			this.outbox = [];
			this.outboxHead = 0;
			this.tick(now);
			this.startRound(now);
		}

		return this.outboxHead < this.outbox.length ? this.outbox[this.outboxHead++] : undefined;
	}

	/** When `handleTimeout` should next run. */
	pollTimeout(): number | undefined {
		const resend = this.deadlines.next();
		// Once due, the room stream waits for the next round (which may wait for a commit).
		const cast = this.castDue ? undefined : this.cast?.nextDeadline();
		return Math.min(resend ?? this.sweepAt, this.sweepAt, cast ?? this.sweepAt);
	}

	/** What the hub keeps for peers not yet members: joins under way, sessions awaiting confirmation. */
	handshakeState(): {pending: number; unconfirmed: number} {
		return this.handshake.state();
	}

	/** The next room event stamped, in order (the headless host logs these). */
	pollEvent(): RoomEvent | undefined {
		return this.events.shift();
	}

	/**
	 * True once for each round of sends that waits for the store: the shell then commits (writes
	 * and syncs) everything persisted so far, and calls `committed` when done, or failed.
	 */
	pollCommit(): boolean {
		return this.commits.pollCommit();
	}

	/** The commit asked for by `pollCommit` is done: the round's acks and events go out. */
	committed(now: number): void {
		const round = this.commits.committed();
		if (round) {
			this.tick(now);
			this.release(round, now);
		}
	}

	/** Stamps a room event that did not come from a member's request (file offers). */
	announce(event: StampedEvent, now: number): RoomEvent {
		this.tick(now);
		return this.room.stamp(event);
	}

	/** A socket went away: its members' replies go by `replacement` (another of its family) instead. */
	reroute(closed: Via, replacement: Via | undefined): void {
		for (const [member, via] of this.routes) {
			if (via === closed) {
				this.setRoute(member, replacement);
			}
		}
	}

	/** Takes the latest time; true when it went backwards (a clock jump). */
	private tick(now: number): boolean {
		const jumpedBack = now < this.now;
		this.now = now;
		if (jumpedBack) {
			// Times set by the old clock would keep sessions alive, or streams waiting, until that
			// time came again.
			for (const member of this.room.members.values()) {
				member.sender.rebase(now);
				member.path?.rebase(now);
				member.lastHeard = Math.min(member.lastHeard, now);
				member.departedAt = member.departedAt === undefined ? undefined : Math.min(member.departedAt, now);
			}

			this.cast?.rebase(now);
		}

		// A sweep set by a clock that went back would not come for a while.
		if (this.sweepAt - now > SWEEP_MS) {
			this.sweepAt = now + SWEEP_MS;
		}

		return jumpedBack;
	}

	private drop(reason: string): void {
		this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
	}

	private push(transmit: Transmit<Via>): void {
		this.stats.sent++;
		this.outbox.push(transmit);
	}

	private toMember(member: HubMember, datagram: Uint8Array): void {
		const via = this.routes.get(member);
		if (via !== undefined) {
			this.push({datagram, address: member.sendAddress, port: member.sendPort, via});
		}
	}

	/**
	 * Flushes every member marked since the last round. In a durable room, first takes the acks
	 * due and what is held for members; when events were persisted since the last commit, the round
	 * waits for the shell's commit (and later rounds wait for it), else it goes out at once.
	 */
	private startRound(now: number): void {
		if (this.commits.busy || (this.dirty.size === 0 && !this.castDue)) {
			return;
		}

		const peers = [...this.dirty];
		this.dirty.clear();
		if (!this.config.durable) {
			this.flush(peers, now);
			return;
		}

		const flowing = this.cast?.flowing ?? true;
		for (const member of peers) {
			const ack = owedAck(member, flowing);
			if (ack !== undefined) {
				member.heldAck = ack;
			}
		}

		const round = this.commits.begin({peers, batch: this.room.takeHeld()});
		if (round) {
			this.release(round, now);
		}
	}

	private release(round: Round, now: number): void {
		this.room.release(round.batch);
		// Released items mark their members again: they are flushed here, not in another round.
		for (const member of round.peers) {
			this.dirty.delete(member);
		}

		this.flush(round.peers, now);
	}

	private flush(peers: readonly HubMember[], now: number): void {
		this.flushMembers(peers, now);
		this.castDue = false;
		const cast = this.cast;
		if (cast) {
			cast.poll(now, datagram => this.toGroup(datagram), (member, datagram) => this.toMember(member, datagram));
			this.applyCast();
		}
	}

	/** Where a member's datagrams go from (none: forgotten); the group's plan is made again after a change. */
	private setRoute(member: HubMember, via: Via | undefined): void {
		if (this.routes.get(member) === via) return;
		if (via === undefined) this.routes.delete(member);
		else this.routes.set(member, via);
		this.groupPlan = undefined;
	}

	/** One datagram to the group, by each socket a member it serves (or probes) came by: to the group of that member's family. */
	private toGroup(datagram: Uint8Array): void {
		const cast = this.cast!;
		// Worked out once until who the group is for, or by which socket, changes (not per datagram: 500 members a round).
		if (this.groupPlan?.version !== cast.audienceVersion) {
			const sends = new Map<Via, Set<string>>();
			for (const member of cast.audience()) {
				const via = this.routes.get(member);
				if (via !== undefined) {
					const groups = sends.get(via) ?? new Set<string>();
					groups.add(cast.groupOf(member));
					sends.set(via, groups);
				}
			}

			this.groupPlan = {version: cast.audienceVersion, sends: [...sends].flatMap(([via, groups]) => [...groups].map(address => ({via, address})))};
		}

		const {port} = this.config.multicast!;
		for (const {via, address} of this.groupPlan.sends) {
			this.push({datagram, address, port, via});
		}
	}

	/** The room stream's changes of who it serves, made in each member's stream. */
	private applyCast(): void {
		for (const decision of this.cast?.takeDecisions() ?? []) {
			this.room.serve(decision.member, decision.via, decision.why);
		}

		for (const {member, ad} of this.cast?.takeAckDelays() ?? []) {
			this.room.askAckDelay(member, ad);
		}
	}

	private flushMembers(peers: readonly HubMember[], now: number): void {
		const durable = Boolean(this.config.durable);
		const flowing = this.cast?.flowing ?? true;
		for (const member of peers) {
			const via = this.routes.get(member);
			if (via !== undefined) {
				flushMember(member, now, durable, flowing, datagram => {
					this.push({datagram, address: member.sendAddress, port: member.sendPort, via});
				});
			}

			// A departed session sends nothing more of its stream: its resend deadline is over.
			if (member.departedAt === undefined) {
				this.deadlines.arm(member);
			} else {
				this.deadlines.forget(member);
			}
		}
	}

	private sweep(now: number): void {
		this.gate.sweep(now);
		this.handshake.sweep(now);
		const timeout = this.config.memberTimeoutMs ?? MEMBER_TIMEOUT_MS;
		for (const member of this.room.members.values()) {
			if (member.departedAt !== undefined) {
				if (now - member.departedAt > LINGER_MS) {
					this.room.forget(member);
				}
			} else if (now - member.lastHeard > timeout) {
				this.room.remove(member, 'timed out');
			}
		}

		// Sessions the room forgot (lingered out, or replaced by their member's new one).
		for (const member of this.routes.keys()) {
			if (this.room.members.get(member.token) !== member) {
				this.setRoute(member, undefined);
				this.deadlines.forget(member);
				this.dirty.delete(member);
			}
		}
	}
}

/** The earlier of two optional deadlines. */
function earlier(a: number | undefined, b: number | undefined): number | undefined {
	return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
