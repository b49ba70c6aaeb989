/**
 * The room fan-out again between network namespaces over a bridge, MTU 1500 (issue 16): the same
 * load and measurements as fanout.ts (latency at the moderate rate, the saturation ladder, the
 * server's CPU per delivery), with the server (our hub, or ngircd) in one namespace and the
 * members in another (netns.ts), so TCP is compared on 1500-byte packets rather than loopback's
 * 64 KB segments. The hub's room goes by its multicast group (the default; TTL 1, flooded by the
 * bridge) wherever its probe finds the group reaches a member. Nothing is sent anywhere but to
 * the two namespaces' addresses (198.18.0.1 and .2, no route out) and the room's group.
 */
import {measure, ladderOptions, type FanoutOptions, type TargetResult} from './fanout.js';
import {startHubServer} from './fanout-hub.js';
import {hasNgircd, startIrcServer} from './fanout-irc.js';
import type {LadderOptions} from './fanout-ladder.js';
import type {Server} from './fanout-load.js';
import {buildBenchNet, describeSteering, NETNS_MTU, netnsUnavailable, sweepStale, type BenchNet} from './netns.js';

export type NetnsTarget = TargetResult & {
	/** What the server's `eth0` sent during the whole measurement (joins included): packets, bytes with their Ethernet headers. */
	readonly sentOnLink: {readonly packets: number; readonly bytes: number};
	/** Members the room's multicast group served at the end (the hub only). */
	readonly servedByGroup?: number;
};

export type NetnsFanoutResult = {
	readonly members: number;
	readonly processes: number;
	readonly moderateRate: number;
	readonly moderateMs: number;
	readonly mtu: number;
	readonly serverAddress: string;
	readonly loadAddress: string;
	/** How each host's kernel work was kept on its own CPUs, in words (netns.ts). */
	readonly steering: string;
	readonly hub?: NetnsTarget;
	readonly hubFailed?: string;
	readonly irc?: NetnsTarget;
	readonly ircSkipped?: string;
	readonly ladder: LadderOptions;
	/** Namespaces of earlier runs that were gone and were removed at the start. */
	readonly swept: readonly string[];
};

/** Why this benchmark cannot run at all here, or undefined (ngircd missing leaves the hub's half). */
export function fanoutNetnsUnavailable(): string | undefined {
	return netnsUnavailable();
}

async function measureIn(net: BenchNet, server: Server, options: FanoutOptions): Promise<Omit<TargetResult, 'label'> & {sentOnLink: NetnsTarget['sentOnLink']}> {
	const before = net.counters(net.server);
	const result = await measure(server, options, true, net.load.ns);
	const after = net.counters(net.server);
	const sentOnLink = {packets: after.txPackets - before.txPackets, bytes: after.txBytes - before.txBytes};
	options.log(`${server.label} between namespaces: its link sent ${sentOnLink.packets} packets, ${(sentOnLink.bytes / Math.max(1, sentOnLink.packets)).toFixed(0)} bytes on average`);
	return {...result, sentOnLink};
}

export async function runFanoutNetns(options: FanoutOptions): Promise<NetnsFanoutResult> {
	const {log} = options;
	const swept = sweepStale();
	if (swept.length > 0) log(`removed namespaces left by earlier runs: ${swept.join(', ')}`);
	const net = buildBenchNet();
	const label = (name: string) => `${name} (netns)`;
	let hub: NetnsTarget | undefined;
	let hubFailed: string | undefined;
	let irc: NetnsTarget | undefined;
	let ircSkipped: string | undefined;
	try {
		log(`namespaces ${net.server.ns} (${net.server.address}) and ${net.load.ns} (${net.load.address}) on a bridge, MTU ${NETNS_MTU}`);
		try {
			const server = await startHubServer({netns: net.server.ns, bind: net.server.address});
			const measured = await measureIn(net, {...server, label: label('hub')}, options);
			const stats = server.stats() as {cast?: {served: number}} | undefined;
			hub = {label: 'hub', ...measured, stats, servedByGroup: stats?.cast?.served};
			log(`hub between namespaces: the room's group served ${hub.servedByGroup ?? 'no'} of ${options.members} members at the end`);
		} catch (error) {
			hubFailed = (error as Error).message;
			log(`hub between namespaces: failed (${hubFailed})`);
		}

		if (hasNgircd()) {
			try {
				const server = await startIrcServer({netns: net.server.ns, listen: net.server.address});
				irc = {label: 'ngircd', version: server.version, ...(await measureIn(net, {...server, label: label('ngircd')}, options))};
			} catch (error) {
				ircSkipped = (error as Error).message;
				log(`ngircd between namespaces: failed (${ircSkipped})`);
			}
		} else {
			ircSkipped = 'ngircd is not installed';
		}
	} finally {
		net.remove();
	}

	return {
		members: options.members,
		processes: options.processes,
		moderateRate: options.moderateRate,
		moderateMs: options.quick ? 2000 : 5000,
		mtu: NETNS_MTU,
		serverAddress: net.server.address,
		loadAddress: net.load.address,
		steering: describeSteering(net.steering),
		hub,
		hubFailed,
		irc,
		ircSkipped,
		ladder: ladderOptions(options.quick),
		swept,
	};
}
