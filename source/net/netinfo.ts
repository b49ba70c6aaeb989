import {hostname, networkInterfaces} from 'node:os';
import {formatHostPort} from './address.js';
import type {FoundRoom} from './discovery-rooms.js';
import {selfTestDiscovery, type DiscoverySelfTest} from './discovery-selftest.js';
import {discoveryTargets, type DiscoveryTarget, type InterfaceTable} from './discovery-targets.js';
import {mdnsDefault, type MdnsOptions} from './mdns.js';

/** Where a hub announces over DNS-SD, and the last error per interface. */
type MdnsStatus = {readonly interfaces: readonly string[]; readonly failures: ReadonlyMap<string, string>};

export type {DiscoveryCheck, DiscoverySelfTest, DiscoveryVerdict} from './discovery-selftest.js';

/** One address of this machine that others may reach. */
export type NetAddress = {
	readonly interface: string;
	readonly family: 'IPv4' | 'IPv6';
	readonly address: string;
	/** Address and prefix length, e.g. 192.168.1.8/24. */
	readonly cidr?: string;
};

/** What `/netinfo` shows: where I am, which ports I use, and whether discovery works here. */
export type NetInfo = {
	readonly host: string;
	readonly addresses: readonly NetAddress[];
	readonly ports: {readonly hub?: number; readonly transfer?: number; readonly discovery: number};
	/** Where this machine's hub announces, and the last send errors (when a hub runs here). */
	readonly announcing?: {readonly targets: readonly DiscoveryTarget[]; readonly failures: ReadonlyMap<string, string>; readonly mdns?: MdnsStatus};
	readonly discovery: DiscoverySelfTest;
	/** This machine's room id, when it hosts one: whether its own DNS-SD answer came back is then shown. */
	readonly ownRoom?: string;
};

/** Options of `gatherNetInfo`. */
export type NetInfoOptions = {
	readonly hubPort?: number;
	readonly transferPort?: number;
	readonly discoveryPort: number;
	/** The hub's bind address, which decides the targets tested (default: all interfaces). */
	readonly bind?: string;
	/** Test 127.0.0.1 only: nothing is sent to the network (what tests use). */
	readonly loopbackOnly?: boolean;
	/** How long the self-test waits for its probes (default 1000 ms). */
	readonly timeoutMs?: number;
	/** This machine's `RoomAnnouncer`, if it hosts a room: its targets and failures are shown. */
	readonly announcer?: {readonly targets: readonly DiscoveryTarget[]; readonly failures: ReadonlyMap<string, string>; readonly id?: string; mdnsStatus?(): MdnsStatus | undefined};
	/** Browse DNS-SD over mDNS during the self-test (default: yes unless `loopbackOnly` or SOCKET_CHAT_MDNS=off). */
	readonly mdns?: MdnsOptions | false;
	/** The interface table (default `os.networkInterfaces()`). */
	readonly interfaces?: () => InterfaceTable;
};

function readInterfaces(options: NetInfoOptions): InterfaceTable {
	try {
		return (options.interfaces ?? networkInterfaces)();
	} catch {
		return {};
	}
}

/** This machine's non-internal addresses, IPv4 first. */
export function listAddresses(interfaces: InterfaceTable): NetAddress[] {
	const found: NetAddress[] = [];
	for (const [name, infos] of Object.entries(interfaces)) {
		for (const info of infos ?? []) {
			if (!info.internal) {
				found.push({interface: name, family: info.family, address: info.address, ...(info.cidr ? {cidr: info.cidr} : {})});
			}
		}
	}

	return found.sort((a, b) => Number(a.family === 'IPv6') - Number(b.family === 'IPv6'));
}

/**
 * Gathers what `/netinfo` shows and runs the discovery self-test: a probe to each address the
 * announcer would use, listened for on this machine. Only run it when a person asks: without
 * `loopbackOnly` it sends broadcast datagrams on every network this machine is on.
 */
export async function gatherNetInfo(options: NetInfoOptions): Promise<NetInfo> {
	const interfaces = readInterfaces(options);
	const targets = options.loopbackOnly ? [{address: '127.0.0.1', kind: 'loopback'} as const] : discoveryTargets(options.bind, interfaces);
	const discovery = await selfTestDiscovery({
		discoveryPort: options.discoveryPort,
		targets,
		loopbackOnly: options.loopbackOnly,
		timeoutMs: options.timeoutMs,
		hubPort: options.hubPort,
		mdns: options.mdns ?? (options.loopbackOnly ? false : mdnsDefault()),
	});
	const mdns = options.announcer?.mdnsStatus?.();
	return {
		host: hostname(),
		addresses: listAddresses(interfaces),
		ports: {
			...(options.hubPort === undefined ? {} : {hub: options.hubPort}),
			...(options.transferPort === undefined ? {} : {transfer: options.transferPort}),
			discovery: options.discoveryPort,
		},
		...(options.announcer ? {announcing: {targets: options.announcer.targets, failures: new Map(options.announcer.failures), ...(mdns ? {mdns} : {})}} : {}),
		...(options.announcer?.id ? {ownRoom: options.announcer.id} : {}),
		discovery,
	};
}

const verdicts = {
	works: 'works: broadcast on this machine\'s networks came back (other machines hear it if the network passes broadcast)',
	'this-machine': 'this machine only: no network to announce on, so only rooms on this machine can be found',
	partial: 'partly: some announcements did not come back (below)',
	failed: 'does not work here: join by address instead (--join ADDR[:PORT])',
} as const;

function describeRoom(room: FoundRoom): string {
	const members = `${room.members} member${room.members === 1 ? '' : 's'}`;
	return `${room.name} on ${room.host} at ${formatHostPort(room.address, room.port)} (${members}${room.secret ? ', secret' : ''}; by ${room.via.join(' and ')})`;
}

/** The lines `/netinfo` prints (plain text, no colour). */
export function formatNetInfo(info: NetInfo): string[] {
	const lines = [`host name: ${info.host}`];
	if (info.addresses.length === 0) {
		lines.push('addresses: none but loopback (no network): others cannot reach this machine');
	} else {
		lines.push('addresses:');
		for (const address of info.addresses) {
			lines.push(`  ${address.interface.padEnd(10)} ${address.cidr ?? address.address}`);
		}
	}

	const ports = [
		...(info.ports.hub === undefined ? [] : [`chat UDP ${info.ports.hub}`]),
		...(info.ports.transfer === undefined ? [] : [`files TCP ${info.ports.transfer}`]),
		`discovery UDP ${info.ports.discovery}`,
	];
	lines.push(`ports: ${ports.join(', ')}`);
	if (info.announcing) {
		const targets = info.announcing.targets.map(target => target.address);
		lines.push(`announcing this room to: ${targets.length > 0 ? targets.join(', ') : 'nowhere (bound to an IPv6 address: IPv6 has no broadcast)'}`);
		for (const [target, error] of info.announcing.failures) {
			lines.push(`  last announcement to ${target} failed: ${error}`);
		}
	}

	const {discovery} = info;
	lines.push(`discovery: ${verdicts[discovery.verdict]}`);
	if (!discovery.listening) {
		lines.push(`  cannot listen on UDP ${info.ports.discovery}: ${discovery.listenError ?? 'unknown error'}`);
	}

	for (const check of discovery.checks) {
		const where = `${check.kind} ${check.address}${check.interface ? ` (${check.interface})` : ''}`;
		lines.push(check.heard ? `  ok    ${where}` : `  FAIL  ${where}: ${check.hint ?? check.error ?? 'not heard'}`);
	}

	lines.push(...mdnsLines(info));
	if (discovery.rooms.length > 0) {
		lines.push('rooms heard:');
		for (const room of discovery.rooms) {
			lines.push(`  ${describeRoom(room)}`);
		}
	}

	return lines;
}

/** What /netinfo says about DNS-SD: where this machine announces and asks, what failed, what came back. */
function mdnsLines(info: NetInfo): string[] {
	const {mdns} = info.discovery;
	if (!mdns) {
		return ['DNS-SD (mDNS, UDP 5353): off here (--no-mdns or SOCKET_CHAT_MDNS=off); rooms are found by broadcast only'];
	}

	const announcing = info.announcing?.mdns;
	const lines = [
		...(announcing ? [`announcing this room by DNS-SD (_socket-chat._udp) on: ${announcing.interfaces.length > 0 ? announcing.interfaces.join(', ') : 'no interface (bound to loopback or IPv6)'}`] : []),
		...[...(announcing?.failures ?? [])].map(([address, error]) => `  last DNS-SD announcement on ${address} failed: ${error}`),
	];
	const heard = info.discovery.rooms.filter(room => room.via.includes('mdns'));
	const own = info.ownRoom === undefined ? undefined : heard.some(room => room.id === info.ownRoom);
	const where = mdns.interfaces.length > 0 ? mdns.interfaces.join(', ') : 'no IPv4 interface';
	if (mdns.failures.size > 0) {
		lines.push(`DNS-SD: does not work here: ${[...mdns.failures.values()].join('; ')}: another program may hold UDP 5353 without sharing it, or a firewall forbids it`);
	} else if (own === false) {
		lines.push(`DNS-SD: asked on ${where}; this room's own answer did not come back: a firewall may block UDP 5353 (mDNS)`);
	} else if (heard.length > 0) {
		lines.push(`DNS-SD: works: asked on ${where}, ${heard.length} room${heard.length === 1 ? '' : 's'} answered (others see this room if the network passes mDNS)`);
	} else {
		lines.push(`DNS-SD: asked on ${where}, no room answered within the test: none announced by DNS-SD, or the network or a firewall drops UDP 5353`);
	}

	return lines;
}
