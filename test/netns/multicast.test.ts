import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {IDENTITY_FILE, parseIdentityFile} from '../../source/net/hub-identity-file.js';
import {ROOMS_DIR} from '../../source/net/room-folder.js';
import {roomGroup} from '../../source/protocol/cast/cast-wire.js';
import type {CliProcess} from '../helpers/cli-process.js';
import {waitFor} from '../helpers/wait-for.js';
import {CAST_DATA, castCounters, memberRules as sharedMemberRules, fromHub as hubDatagram, inOneOrder, type Member, netinfoServed, PORT, type Seat, servedAs} from './cast-counters.js';
import {cliIn, sawText, stopAll, welcomed} from './netns-cli.js';
import {buildTopology, hasNft, netnsUnavailable, removeLeftovers, sh, type Topology} from './topology.js';

/**
 * The room stream on the test hosts, with the real CLI: the hub casts the room's events once to
 * its multicast group, and every member the group reaches is served by it; a member whose host
 * drops multicast is served by unicast. Each member's `/netinfo` says how it is served; the
 * datagrams show it too, seen from outside the processes by nftables counters in each namespace
 * (cast-counters.ts), the group's copies (to 239.255.x.y) told from unicast ones.
 */

const unavailable = netnsUnavailable() ?? (hasNft() ? undefined : 'nft (nftables) is not installed: this test counts datagrams with it');
if (unavailable) {
	console.log(`test/netns/multicast skipped: ${unavailable}`);
}

const TABLE = 'sctt_multicast';
const fromHub = (hub: string) => hubDatagram('ip', hub);
const GROUPS = '239.255.0.0/16';

/** What a member's namespace counts of what comes in from the hub; `deaf`: all incoming multicast is then dropped. */
function memberRules(hub: string, me: string, deaf: boolean): string {
	return sharedMemberRules({table: TABLE, family: 'ip', groups: GROUPS, hub, me, deaf, deafRule: 'meta pkttype multicast'});
}

/** What the hub's namespace counts of what it sends to groups: the groups themselves, the room stream's data, TTLs other than 1. */
function hubRules(hub: string): string {
	return `table inet ${TABLE} {
	counter group_data {}
	counter group_large {}
	counter ttl_not_1 {}
	set groups { type ipv4_addr; flags dynamic; size 16; }
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr 224.0.0.0/4 udp dport ${PORT} add @groups { ip daddr }
		ip daddr 224.0.0.0/4 udp dport ${PORT} ip ttl != 1 counter name "ttl_not_1"
		${fromHub(hub)} ip daddr ${GROUPS} udp dport ${PORT} ${CAST_DATA} counter name "group_data"
		${fromHub(hub)} ip daddr ${GROUPS} udp dport ${PORT} ${CAST_DATA} meta length > 1280 counter name "group_large"
	}
}
`;
}

describe.skipIf(unavailable !== undefined)('the room stream on test hosts: multicast where it works, unicast where it does not', () => {
	let net: Topology;
	let hub: CliProcess;
	let folder: string;
	let dataDir: string;

	const {install, counters, groupsSent, settle, talk} = castCounters(() => net, () => folder, TABLE);

	const join = (ns: string, name: string): Member => cliIn(ns, ['--join', net.host.v4, '--name', name, '--json', '--download-dir', path.join(folder, name)]);

	let ann: Seat;
	let bob: Seat;
	let bea: Seat;

	beforeAll(async () => {
		removeLeftovers();
		net = buildTopology();
		folder = mkdtempSync(path.join(tmpdir(), 'sct-netns-multicast-'));
		dataDir = path.join(folder, 'data');
		const [m1, m2] = net.members;
		install(net.host.ns, hubRules(net.host.v4));
		install(m1.ns, memberRules(net.host.v4, m1.v4, false));
		install(m2.ns, memberRules(net.host.v4, m2.v4, false));
		hub = cliIn(net.host.ns, ['--host', '--headless', '--json', '--room', 'multicast room', '--data-dir', dataDir]);
		await waitFor(() => hub.json().find(event => event.type === 'hosting'), {timeoutMs: 15_000, what: () => `the hub\n${hub.stderr}`});
		ann = {cli: join(m1.ns, 'ann'), ns: m1.ns, name: 'ann'};
		bob = {cli: join(m2.ns, 'bob'), ns: m2.ns, name: 'bob'};
		await Promise.all([welcomed(ann.cli), welcomed(bob.cli)]);
	});

	afterAll(() => {
		stopAll();
		net?.remove();
		if (folder) {
			rmSync(folder, {recursive: true, force: true});
		}
	});

	test('a hub and two members on other hosts: the group serves both, each line cast once (TTL 1, the group from the hub\'s key), every line at both in one order', async () => {
		const room = [ann, bob];
		// The hub's one room, in the folder named by its key (net/room-folder.ts).
		const rooms = path.join(dataDir, ROOMS_DIR);
		const identity = parseIdentityFile(IDENTITY_FILE, readFileSync(path.join(rooms, readdirSync(rooms)[0]!, IDENTITY_FILE)));
		const group = roomGroup(identity.publicKey);
		// Each member says so too, with the room's group and the probe's count.
		const reports = await Promise.all(room.map(async seat => netinfoServed(seat.cli)));
		for (const report of reports) {
			expect(report).toMatch(new RegExp(`^room events: by multicast \\(group ${group.replaceAll('.', '\\.')}:${PORT}\\); multicast: \\d+ of \\d+ probes came by the group`));
		}

		await settle(room, ann, ['group', 'group']);
		const said = await talk(room, [ann, bob], 'by the group', 12);
		inOneOrder(room, said.lines);
		for (const [index, delta] of said.deltas.entries()) {
			expect(servedAs(delta, said.textBytes), `${room[index]!.name}: ${JSON.stringify(delta)}`).toBe('group');
		}

		// Once to the group for the whole room: at least the text's bytes, fewer than two copies of it.
		expect(said.hub.group_data!.bytes).toBeGreaterThanOrEqual(said.textBytes);
		expect(said.hub.group_data!.bytes).toBeLessThan(2 * said.textBytes);
		// The one group the hub sends to is the room's, 239.255.x.y from its key; nothing leaves with a TTL above 1.
		expect(group).toMatch(/^239\.255\.\d+\.\d+$/);
		expect(groupsSent()).toEqual([group]);
		const hubTotal = counters(net.host.ns);
		expect(hubTotal.group_data!.packets).toBeGreaterThan(0);
		expect(hubTotal.ttl_not_1!.packets).toBe(0);
	});

	test('a member whose host drops all incoming multicast: unicast serves it every line, the group still serves the other', async () => {
		const [, m2] = net.members;
		// Bob leaves; on his host all multicast is dropped now, and bea joins from there.
		bob.cli.child.stdin.end();
		expect(await bob.cli.exited(), bob.cli.stderr).toBe(0);
		net.exec(m2.ns, 'nft', ['delete', 'table', 'inet', TABLE]);
		install(m2.ns, memberRules(net.host.v4, m2.v4, true));
		bea = {cli: join(m2.ns, 'bea'), ns: m2.ns, name: 'bea'};
		await welcomed(bea.cli);
		// The probe's verdict, as bea's /netinfo says: none of its beats came by the group; ann's is as it was.
		const [annSays, beaSays] = await Promise.all([netinfoServed(ann.cli), netinfoServed(bea.cli)]);
		expect(annSays).toMatch(/^room events: by multicast \(group 239\.255\.\d+\.\d+:9999\); multicast: \d+ of \d+ probes came by the group/);
		expect(beaSays).toMatch(/^room events: by unicast; multicast: 0 of \d+ probes came by the group/);
		const room = [ann, bea];
		await settle(room, ann, ['group', 'unicast']);
		const said = await talk(room, [ann, bea], 'deaf to the group', 12);
		inOneOrder(room, said.lines);
		const [atAnn, atBea] = said.deltas;
		expect(servedAs(atAnn!, said.textBytes), `ann: ${JSON.stringify(atAnn)}`).toBe('group');
		expect(servedAs(atBea!, said.textBytes), `bea: ${JSON.stringify(atBea)}`).toBe('unicast');
		// The group's copies of these lines did reach bea's host, and were dropped there.
		expect(atBea!.group_data!.bytes).toBeGreaterThanOrEqual(said.textBytes);
		expect(atBea!.dropped!.packets).toBeGreaterThanOrEqual(atBea!.group_data!.packets);
		const beaTotal = counters(m2.ns);
		expect(beaTotal.group_beats!.packets).toBeGreaterThan(0);
		// Still once to the group, for ann alone now.
		expect(said.hub.group_data!.bytes).toBeGreaterThanOrEqual(said.textBytes);
		expect(said.hub.group_data!.bytes).toBeLessThan(2 * said.textBytes);
	});

	test("a member whose link's MTU drops to 1,280 under the room: the group's datagrams of up to 1,472 bytes no longer reach it; it is resynchronised, every line comes once and in order, and the group's datagrams then fit its path", async () => {
		const [m1] = net.members;
		const room = [ann, bea];
		// Lines of 3,000 characters: JSON events in parts, which fill the datagrams to the size in use.
		const long = (label: string) => `${label} ${'z'.repeat(3000)}`;
		const sayLong = async (label: string, count: number) => {
			const lines = Array.from({length: count}, (_, index) => ({from: index % 2 === 0 ? 'ann' : 'bea', text: long(`${label} ${index}`)}));
			for (const said of lines) (said.from === 'ann' ? ann : bea).cli.write(said.text);
			await Promise.all(room.flatMap(seat => lines.map(async said => sawText(seat.cli, said.text, 30_000))));
			return lines;
		};

		await settle(room, ann, ['group', 'unicast']);
		const before = counters(net.host.ns);
		const first = await sayLong('path of 1500', 4);
		// The path's probe found 1,472 bytes: the room's datagrams were larger than 1,280.
		expect(counters(net.host.ns).group_large!.packets).toBeGreaterThan(before.group_large!.packets);

		net.exec(m1.ns, 'ip', ['link', 'set', 'eth0', 'mtu', '1280']);
		sh('ip', ['-n', net.bridge, 'link', 'set', m1.bridgePort, 'mtu', '1280']);
		try {
			const during = await sayLong('path of 1280', 6);
			// Probed again after its fresh start, ann is served by the group once more...
			await settle(room, ann, ['group', 'unicast']);
			const large = counters(net.host.ns).group_large!.packets;
			const after = await sayLong('after', 4);
			// ...by datagrams its path takes: none larger than 1,280 bytes went to the group since.
			expect(counters(net.host.ns).group_large!.packets).toBe(large);
			inOneOrder(room, [...first, ...during, ...after]);
		} finally {
			net.exec(m1.ns, 'ip', ['link', 'set', 'eth0', 'mtu', '1500']);
			sh('ip', ['-n', net.bridge, 'link', 'set', m1.bridgePort, 'mtu', '1500']);
		}
	});
});
