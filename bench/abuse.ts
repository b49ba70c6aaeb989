/**
 * What an attacker on the network gets out of the hub (issue 15; docs/security.md, "Abuse"):
 * - the amplification factor: bytes reaching a forged source address over bytes sent in its name,
 *   for each kind of datagram a blind spoofer can send, against a real hub (its sockets, its
 *   defaults) on 127.0.0.1; a forged address is modelled by a socket bound there, which counts
 *   what reaches the victim and never answers;
 * - the hub's memory per peer it keeps something for before it is a member: a join under way
 *   (after a valid cookie) and a session accepted but not confirmed, on the pure endpoint in this
 *   process, heap measured after a full garbage collection.
 */
import dgram from 'node:dgram';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {Hub} from '../source/net/hub.js';
import {HubEndpoint} from '../source/protocol/connection/hub-endpoint.js';
import {MemberConnection} from '../source/protocol/connection/member-connection.js';
import {decodeEnvelope, NO_TOKEN} from '../source/protocol/envelope.js';
import {generateIdentity} from '../source/protocol/secure/identity.js';
import {systemRandom} from '../source/protocol/secure/random.js';
import {FORGED_KINDS} from '../test/helpers/forged-datagrams.js';
import {nowMs, sleep} from './util.js';

export type AbuseResult = {
	/** Bytes received by the victim over bytes sent in its name, by kind of datagram. */
	readonly factors: Record<string, number>;
	readonly seconds: number;
	/** Heap bytes per join under way (a query with a valid cookie, no hello yet). */
	readonly perPending: number;
	/** Heap bytes per session accepted and not yet confirmed (its join's entry included). */
	readonly perUnconfirmed: number;
	readonly peers: number;
};

async function amplification(seconds: number): Promise<Record<string, number>> {
	const hub = new Hub({bind: '127.0.0.1', port: 0});
	await hub.start();
	const victims = await Promise.all(
		Object.keys(FORGED_KINDS).map(async (kind, index) => {
			const socket = dgram.createSocket('udp4');
			const victim = {kind, socket, sent: 0, received: 0};
			socket.on('message', datagram => {
				victim.received += datagram.length;
			});
			await new Promise<void>(resolve => {
				socket.bind(0, `127.0.0.${100 + index}`, resolve);
			});
			return victim;
		}),
	);
	try {
		const end = nowMs() + seconds * 1000;
		while (nowMs() < end) {
			for (const victim of victims) {
				const datagram = FORGED_KINDS[victim.kind]!(Math.random);
				victim.sent += datagram.length;
				victim.socket.send(datagram, hub.port, '127.0.0.1');
			}

			await sleep(10);
		}

		// What the hub still resends lands within its timeouts.
		await sleep(1000);
		return Object.fromEntries(victims.map(victim => [victim.kind, victim.received / victim.sent]));
	} finally {
		for (const victim of victims) victim.socket.close();
		await hub.close();
	}
}

/** A full collection, then the heap in use. */
function heapAfterGc(gc: () => void): number {
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

/** Heap per join under way and per unconfirmed session, from `peers` real member connections driven to those points. */
function memoryPerPeer(peers: number): {perPending: number; perUnconfirmed: number} {
	setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as () => void;
	const now = 1_000_000;
	// Without the join limits, so that `peers` joins can wait at once; what each keeps is the same.
	const hub = new HubEndpoint<'udp'>({identity: generateIdentity(), joinLimit: false}, {random: systemRandom}, now);
	const members = Array.from({length: peers}, (_, i) => ({address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, connection: new MemberConnection({address: '10.0.0.1', port: 9999}, {random: systemRandom}, now)}));
	const byAddress = new Map(members.map(member => [member.address, member.connection]));
	// Carries datagrams both ways, until nothing moves. Hellos wait in `held` until `release`;
	// session datagrams (the confirming ping) never reach the hub: the sessions stay unconfirmed.
	const held: Array<{address: string; datagram: Uint8Array}> = [];
	const shuttle = (release: boolean) => {
		for (const {address, datagram} of release ? held.splice(0) : []) hub.handle(datagram, address, 5000, 'udp', now);
		for (let moved = true; moved; ) {
			moved = false;
			for (let transmit = hub.pollTransmit(now); transmit; transmit = hub.pollTransmit(now)) {
				moved = true;
				byAddress.get(transmit.address)?.handle(transmit.datagram, now);
			}

			for (const {address, connection} of members) {
				for (let datagram = connection.pollTransmit(now); datagram; datagram = connection.pollTransmit(now)) {
					const envelope = decodeEnvelope(Buffer.from(datagram));
					const head = envelope.ok && envelope.token === NO_TOKEN ? envelope.body.toString('utf8', 0, 16) : '';
					if (head.includes('"query"')) {
						moved = true;
						hub.handle(datagram, address, 5000, 'udp', now);
					} else if (head.includes('"hello"')) {
						held.push({address, datagram});
					}
				}
			}
		}
	};

	for (const {connection} of members) connection.join('m', now);
	const start = heapAfterGc(gc);
	shuttle(false);
	const pending = heapAfterGc(gc);
	const counted = hub.handshakeState();
	shuttle(true);
	const unconfirmed = heapAfterGc(gc);
	const after = hub.handshakeState();
	if (counted.pending !== peers || after.unconfirmed !== peers) {
		throw new Error(`expected ${peers} joins under way and then ${peers} unconfirmed sessions, got ${JSON.stringify(counted)} and ${JSON.stringify(after)}`);
	}

	return {perPending: (pending - start) / peers, perUnconfirmed: (unconfirmed - start) / peers};
}

export async function runAbuse(quick: boolean): Promise<AbuseResult> {
	const seconds = quick ? 2 : 10;
	const factors = await amplification(seconds);
	const peers = quick ? 500 : 2000;
	return {factors, seconds, peers, ...memoryPerPeer(peers)};
}
