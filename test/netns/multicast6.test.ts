import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {IDENTITY_FILE, parseIdentityFile} from '../../source/net/hub-identity-file.js';
import {ROOMS_DIR} from '../../source/net/room-folder.js';
import {roomGroup6} from '../../source/protocol/cast/cast-wire.js';
import type {CliProcess} from '../helpers/cli-process.js';
import {waitFor} from '../helpers/wait-for.js';
import {CAST_DATA, castCounters, memberRules as sharedMemberRules, fromHub as hubDatagram, inOneOrder, type Member, netinfoServed, PORT, type Seat, servedAs} from './cast-counters.js';
import {cliIn, stopAll, welcomed} from './netns-cli.js';
import {buildTopology, hasNft, netnsUnavailable, removeLeftovers, type Topology} from './topology.js';

/**
 * The room stream over IPv6 on the test hosts, with the real CLI: members that join the hub at
 * its ULA (fd77::1) are offered the room's IPv6 group (ff15::/16, from the hub's key), and the hub
 * casts the room's events once to it, hop limit 1, by the bridge's interface. A member with
 * `--no-multicast`, or whose host drops incoming multicast, is served by unicast. Counted from
 * outside the processes by nftables (cast-counters.ts).
 *
 * Not on the machine's own loopback: Linux has no multicast route on `lo` (a send to ff15:: with
 * IPV6_MULTICAST_IF = lo fails with ENETUNREACH), and with one added by hand it still delivers no
 * copies (measured: docs/network-facts.md). test/net/multicast.test.ts checks that members on ::1
 * are not offered the group.
 */

const unavailable = netnsUnavailable() ?? (hasNft() ? undefined : 'nft (nftables) is not installed: this test counts datagrams with it');
if (unavailable) {
	console.log(`test/netns/multicast6 skipped: ${unavailable}`);
}

const TABLE = 'sctt_multicast6';
const fromHub = (hub: string) => hubDatagram('ip6', hub);
const GROUPS = 'ff15::/16';

/** What a member's namespace counts of what comes in from the hub; `deaf`: all incoming UDP multicast is then dropped (neighbour discovery still works). */
function memberRules(hub: string, me: string, deaf: boolean): string {
	return sharedMemberRules({table: TABLE, family: 'ip6', groups: GROUPS, hub, me, deaf, deafRule: 'meta pkttype multicast meta l4proto udp'});
}

/**
 * What the hub's namespace counts of what it sends to groups on its port: the IPv6 groups, hop
 * limits other than 1, sends by an interface other than the bridge's, any IPv4 group (no member
 * came over IPv4), and the room stream's data to the group.
 */
function hubRules(hub: string): string {
	return `table inet ${TABLE} {
	counter group_data {}
	counter hops_not_1 {}
	counter other_interface {}
	counter ipv4_groups {}
	set groups { type ipv6_addr; flags dynamic; size 16; }
	chain out {
		type filter hook output priority 0; policy accept;
		ip6 daddr ff00::/8 udp dport ${PORT} add @groups { ip6 daddr }
		ip6 daddr ff00::/8 udp dport ${PORT} ip6 hoplimit != 1 counter name "hops_not_1"
		ip6 daddr ff00::/8 udp dport ${PORT} oifname != "eth0" counter name "other_interface"
		ip daddr 224.0.0.0/4 udp dport ${PORT} counter name "ipv4_groups"
		${fromHub(hub)} ip6 daddr ${GROUPS} udp dport ${PORT} ${CAST_DATA} counter name "group_data"
	}
}
`;
}

describe.skipIf(unavailable !== undefined)('the room stream over IPv6 on test hosts: the ff15:: group where it works, unicast where it does not', () => {
	let net: Topology;
	let hub: CliProcess;
	let folder: string;
	let dataDir: string;

	const {install, counters, groupsSent, settle, talk} = castCounters(() => net, () => folder, TABLE);

	const join = (ns: string, name: string, extra: readonly string[] = []): Member =>
		cliIn(ns, ['--join', net.host.v6, '--name', name, '--json', '--download-dir', path.join(folder, name), ...extra]);

	let ann: Seat;
	let bob: Seat;
	let cat: Seat;
	let group: string;

	beforeAll(async () => {
		removeLeftovers();
		net = buildTopology();
		folder = mkdtempSync(path.join(tmpdir(), 'sct-netns-multicast6-'));
		dataDir = path.join(folder, 'data');
		const [m1, m2, m3] = net.members;
		install(net.host.ns, hubRules(net.host.v6));
		for (const m of [m1, m2, m3]) install(m.ns, memberRules(net.host.v6, m.v6, false));
		hub = cliIn(net.host.ns, ['--host', '--headless', '--json', '--room', 'multicast6 room', '--data-dir', dataDir]);
		const hosting = await waitFor(() => hub.json().find(event => event.type === 'hosting'), {timeoutMs: 15_000, what: () => `the hub\n${hub.stderr}`});
		// The room's key is in its folder, named by the key's fingerprint (net/room-folder.ts).
		group = roomGroup6(parseIdentityFile(IDENTITY_FILE, readFileSync(path.join(dataDir, ROOMS_DIR, hosting.fingerprint as string, IDENTITY_FILE))).publicKey);
		ann = {cli: join(m1.ns, 'ann'), ns: m1.ns, name: 'ann'};
		bob = {cli: join(m2.ns, 'bob'), ns: m2.ns, name: 'bob'};
		cat = {cli: join(m3.ns, 'cat', ['--no-multicast']), ns: m3.ns, name: 'cat'};
		await Promise.all([welcomed(ann.cli), welcomed(bob.cli), welcomed(cat.cli)]);
	});

	afterAll(() => {
		stopAll();
		net?.remove();
		if (folder) {
			rmSync(folder, {recursive: true, force: true});
		}
	});

	test('three members over IPv6: the group serves the two that take it, each line cast once to ff15:: (hop limit 1, by eth0 only), every line at all three in one order; --no-multicast is served by unicast', async () => {
		const room = [ann, bob, cat];
		const reports = await Promise.all(room.map(async seat => netinfoServed(seat.cli)));
		const escaped = group.replaceAll(':', '\\:');
		expect(reports[0]).toMatch(new RegExp(`^room events: by multicast \\(group \\[${escaped}\\]:${PORT}\\); multicast: \\d+ of \\d+ probes came by the group`));
		expect(reports[1]).toMatch(new RegExp(`^room events: by multicast \\(group \\[${escaped}\\]:${PORT}\\); multicast: \\d+ of \\d+ probes came by the group`));
		expect(reports[2]).toBe('room events: by unicast: multicast is off here (--no-multicast or SOCKET_CHAT_MULTICAST=off)');

		await settle(room, ann, ['group', 'group', 'unicast']);
		const said = await talk(room, [ann, bob, cat], 'by the v6 group', 8);
		inOneOrder(room, said.lines);
		expect(said.deltas.map(delta => servedAs(delta, said.textBytes)), JSON.stringify(said.deltas)).toEqual(['group', 'group', 'unicast']);
		// Once to the group for the whole room: at least the text's bytes, fewer than two copies of it.
		expect(said.hub.group_data!.bytes).toBeGreaterThanOrEqual(said.textBytes);
		expect(said.hub.group_data!.bytes).toBeLessThan(2 * said.textBytes);
		// The one group the hub sends to is the room's, from its key; hop limit 1, by the bridge's interface; no IPv4 group.
		expect(group).toMatch(/^ff15::[0-9a-f]{4}:[0-9a-f]{1,4}$/);
		expect(groupsSent()).toEqual([group]);
		const hubTotal = counters(net.host.ns);
		expect(hubTotal.group_data!.packets).toBeGreaterThan(0);
		expect(hubTotal.hops_not_1!.packets).toBe(0);
		expect(hubTotal.other_interface!.packets).toBe(0);
		expect(hubTotal.ipv4_groups!.packets).toBe(0);
	});

	test('a member whose host drops incoming multicast: unicast serves it every line, the group still serves the others', async () => {
		const [, m2] = net.members;
		bob.cli.child.stdin.end();
		expect(await bob.cli.exited(), bob.cli.stderr).toBe(0);
		net.exec(m2.ns, 'nft', ['delete', 'table', 'inet', TABLE]);
		install(m2.ns, memberRules(net.host.v6, m2.v6, true));
		const bea: Seat = {cli: join(m2.ns, 'bea'), ns: m2.ns, name: 'bea'};
		await welcomed(bea.cli);
		const [annSays, beaSays] = await Promise.all([netinfoServed(ann.cli), netinfoServed(bea.cli)]);
		expect(annSays).toMatch(/^room events: by multicast \(group \[ff15::[0-9a-f:]+\]:9999\); multicast: \d+ of \d+ probes came by the group/);
		expect(beaSays).toMatch(/^room events: by unicast; multicast: 0 of \d+ probes came by the group/);
		const room = [ann, bea, cat];
		await settle(room, ann, ['group', 'unicast', 'unicast']);
		const said = await talk(room, [ann, bea], 'deaf to the v6 group', 8);
		inOneOrder(room, said.lines);
		expect(said.deltas.map(delta => servedAs(delta, said.textBytes)), JSON.stringify(said.deltas)).toEqual(['group', 'unicast', 'unicast']);
		// The group's copies did reach bea's host, and were dropped there; still once to the group, for ann alone.
		expect(said.deltas[1]!.group_data!.bytes).toBeGreaterThanOrEqual(said.textBytes);
		expect(said.deltas[1]!.dropped!.packets).toBeGreaterThanOrEqual(said.deltas[1]!.group_data!.packets);
		expect(said.hub.group_data!.bytes).toBeGreaterThanOrEqual(said.textBytes);
		expect(said.hub.group_data!.bytes).toBeLessThan(2 * said.textBytes);
	});
});
