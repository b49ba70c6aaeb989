import {randomBytes} from 'node:crypto';
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {IDENTITY_FILE, parseIdentityFile} from '../../source/net/hub-identity-file.js';
import {ROOMS_DIR} from '../../source/net/room-folder.js';
import {roomGroup} from '../../source/protocol/cast/cast-wire.js';
import type {CliProcess} from '../helpers/cli-process.js';
import {waitFor} from '../helpers/wait-for.js';
import {cliIn, messages, sawText, stopAll, welcomed} from './netns-cli.js';
import {buildTopology, hasNft, netnsUnavailable, removeLeftovers, type Topology} from './topology.js';

/**
 * The room stream on the test hosts, with the real CLI: the hub casts the room's events once to
 * its multicast group, and every member the group reaches is served by it; a member whose host
 * drops multicast is served by unicast. Each member's `/netinfo` says how it is served; the
 * datagrams show it too, seen from outside the processes by nftables counters in each namespace
 * that tell the room stream's datagrams (flag 0x02 in the fourth byte of the payload; a beat has
 * 0x04 besides) from a member's own stream's (flags 0 or 0x01 there), and the group's copies (to
 * 239.255.x.y) from unicast ones.
 */

const unavailable = netnsUnavailable() ?? (hasNft() ? undefined : 'nft (nftables) is not installed: this test counts datagrams with it');
if (unavailable) {
	console.log(`test/netns/multicast skipped: ${unavailable}`);
}

type Member = CliProcess & {write(line: string): void};
type Count = {packets: number; bytes: number};
type Counts = Record<string, Count>;

const PORT = 9999;
const TABLE = 'sctt_multicast';
/** One of the hub's datagrams (our magic "SC", from its port). */
const fromHub = (hub: string) => `ip saddr ${hub} udp sport ${PORT} @th,64,16 0x5343`;
/** The fourth byte of the payload: the room stream's data, its beats, a member's own stream. */
const CAST_DATA = '@th,88,8 & 0x06 == 0x02';
const CAST_BEAT = '@th,88,8 & 0x06 == 0x06';
const OWN_STREAM = '@th,88,8 & 0x02 == 0x00';
const GROUPS = '239.255.0.0/16';

/** What a member's namespace counts of what comes in from the hub; `deaf`: all incoming multicast is then dropped. */
function memberRules(hub: string, me: string, deaf: boolean): string {
	const ours = fromHub(hub);
	return `table inet ${TABLE} {
	counter group_data {}
	counter group_beats {}
	counter repairs {}
	counter unicast_beats {}
	counter stream {}
	counter dropped {}
	chain in {
		type filter hook input priority -10; policy accept;
		${ours} ip daddr ${GROUPS} ${CAST_DATA} counter name "group_data"
		${ours} ip daddr ${GROUPS} ${CAST_BEAT} counter name "group_beats"
		${ours} ip daddr ${me} ${CAST_DATA} counter name "repairs"
		${ours} ip daddr ${me} ${CAST_BEAT} counter name "unicast_beats"
		${ours} ip daddr ${me} ${OWN_STREAM} counter name "stream"
		${deaf ? 'meta pkttype multicast counter name "dropped" drop' : ''}
	}
}
`;
}

/** What the hub's namespace counts of what it sends to groups: the groups themselves, the room stream's data, TTLs other than 1. */
function hubRules(hub: string): string {
	return `table inet ${TABLE} {
	counter group_data {}
	counter ttl_not_1 {}
	set groups { type ipv4_addr; flags dynamic; size 16; }
	chain out {
		type filter hook output priority 0; policy accept;
		ip daddr 224.0.0.0/4 udp dport ${PORT} add @groups { ip daddr }
		ip daddr 224.0.0.0/4 udp dport ${PORT} ip ttl != 1 counter name "ttl_not_1"
		${fromHub(hub)} ip daddr ${GROUPS} udp dport ${PORT} ${CAST_DATA} counter name "group_data"
	}
}
`;
}

describe.skipIf(unavailable !== undefined)('the room stream on test hosts: multicast where it works, unicast where it does not', () => {
	let net: Topology;
	let hub: CliProcess;
	let folder: string;
	let dataDir: string;

	const install = (ns: string, rules: string) => {
		const file = path.join(folder, `${ns}.nft`);
		writeFileSync(file, rules);
		net.exec(ns, 'nft', ['-f', file]);
	};

	const counters = (ns: string): Counts => {
		const listed = JSON.parse(net.exec(ns, 'nft', ['-j', 'list', 'counters', 'table', 'inet', TABLE])) as {nftables: Array<{counter?: {name: string} & Count}>};
		return Object.fromEntries(listed.nftables.flatMap(item => (item.counter ? [[item.counter.name, {packets: item.counter.packets, bytes: item.counter.bytes}]] : [])));
	};

	const since = (after: Counts, before: Counts): Counts =>
		Object.fromEntries(Object.entries(after).map(([name, count]) => [name, {packets: count.packets - (before[name]?.packets ?? 0), bytes: count.bytes - (before[name]?.bytes ?? 0)}]));

	/** The multicast groups the hub has sent to on its port. */
	const groupsSent = (): string[] => {
		const listed = JSON.parse(net.exec(net.host.ns, 'nft', ['-j', 'list', 'set', 'inet', TABLE, 'groups'])) as {nftables: Array<{set?: {elem?: unknown[]}}>};
		return listed.nftables.flatMap(item => (item.set?.elem ?? []).map(element => (typeof element === 'string' ? element : String((element as {elem: {val: string}}).elem.val))));
	};

	/**
	 * How the lines of `textBytes` bytes just said reached a member, by its counters over the time
	 * they were said: by the group (their bytes came to the group, its own stream carried far less),
	 * by unicast (its own stream carried them, no repairs of the group's datagrams), or neither.
	 */
	const servedAs = (delta: Counts, textBytes: number): 'group' | 'unicast' | undefined => {
		if (delta.group_data!.bytes >= textBytes && delta.stream!.bytes < textBytes / 4 && delta.repairs!.bytes < textBytes / 4) return 'group';
		if (delta.stream!.bytes >= textBytes && delta.repairs!.bytes < textBytes / 4) return 'unicast';
		return undefined;
	};

	/**
	 * What the member's `/netinfo` says of how the room's events reach it, once the probe's verdict
	 * is in (asked again, bounded, while it says "for now"): its "room events:" line.
	 */
	async function netinfoServed(cli: Member): Promise<string> {
		let said = '';
		await waitFor(
			async () => {
				const before = cli.json().length;
				cli.write('/netinfo');
				const report = await waitFor(() => cli.json().slice(before).find(event => event.type === 'info' && String(event.text).includes('room events:')), {timeoutMs: 10_000, what: 'the /netinfo report'});
				said = /^room events: .*$/m.exec(String(report.text))?.[0] ?? '';
				return !said.includes('for now');
			},
			{timeoutMs: 20_000, what: () => `the probe's verdict in /netinfo (last: ${said})`},
		);
		return said;
	}

	/** A line of about 700 bytes (random, so nothing shrinks it), unique by its label. */
	const line = (label: string) => `${label} ${randomBytes(340).toString('hex')}`;

	type Seat = {readonly cli: Member; readonly ns: string; readonly name: string};

	/**
	 * Lines said until one reaches every member the way `expected` says (the probe's verdicts are
	 * in): each line is awaited at every member, its counters compared; bounded in time.
	 */
	async function settle(room: readonly Seat[], speaker: Seat, expected: ReadonlyArray<'group' | 'unicast'>): Promise<void> {
		let last = '';
		let tries = 0;
		await waitFor(
			async () => {
				const before = room.map(seat => counters(seat.ns));
				const text = line(`settle ${++tries}`);
				speaker.cli.write(text);
				await Promise.all(room.map(async seat => sawText(seat.cli, text, 5000)));
				const verdicts = room.map((seat, index) => servedAs(since(counters(seat.ns), before[index]!), Buffer.byteLength(text)));
				last = room.map((seat, index) => `${seat.name}: ${verdicts[index]}`).join(', ');
				return verdicts.every((verdict, index) => verdict === expected[index]);
			},
			{timeoutMs: 15_000, what: () => `${room.map((seat, index) => `${seat.name} served by ${expected[index]}`).join(', ')} (last line: ${last})`},
		);
	}

	/**
	 * Each of `speakers` says `count` lines in turn, all written at once; resolves when every
	 * member printed all of them, with the counters' changes meanwhile and the bytes of text said.
	 */
	async function talk(room: readonly Seat[], speakers: readonly Seat[], label: string, count: number): Promise<{lines: Array<{from: string; text: string}>; textBytes: number; deltas: Counts[]; hub: Counts}> {
		const before = room.map(seat => counters(seat.ns));
		const hubBefore = counters(net.host.ns);
		const lines: Array<{from: string; text: string}> = [];
		for (let index = 0; index < count; index++) {
			for (const speaker of speakers) {
				const text = line(`${label} ${speaker.name} ${index}`);
				lines.push({from: speaker.name, text});
				speaker.cli.write(text);
			}
		}

		await Promise.all(room.flatMap(seat => lines.map(async said => sawText(seat.cli, said.text, 20_000))));
		return {
			lines,
			textBytes: lines.reduce((sum, said) => sum + Buffer.byteLength(said.text), 0),
			deltas: room.map((seat, index) => since(counters(seat.ns), before[index]!)),
			hub: since(counters(net.host.ns), hubBefore),
		};
	}

	/** Every member printed the lines once each, in one order (the room's seq), each speaker's in the order said. */
	function inOneOrder(room: readonly Seat[], lines: ReadonlyArray<{from: string; text: string}>): void {
		const texts = new Set(lines.map(said => said.text));
		const seen = room.map(seat => messages(seat.cli).filter(message => texts.has(message.text)));
		for (const order of seen) {
			expect(order).toHaveLength(lines.length);
			const seqs = order.map(message => message.seq);
			expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
			expect(new Set(seqs).size).toBe(seqs.length);
			expect(order).toEqual(seen[0]);
			for (const speaker of new Set(lines.map(said => said.from))) {
				expect(order.filter(message => message.from === speaker).map(message => message.text)).toEqual(lines.filter(said => said.from === speaker).map(said => said.text));
			}
		}
	}

	const join = (ns: string, name: string): Member => cliIn(ns, ['--join', net.host.v4, '--name', name, '--json', '--download-dir', path.join(folder, name)]);

	let ann: Seat;
	let bob: Seat;

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
		const bea: Seat = {cli: join(m2.ns, 'bea'), ns: m2.ns, name: 'bea'};
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
});
