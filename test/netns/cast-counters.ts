import {randomBytes} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {expect} from 'vitest';
import type {CliProcess} from '../helpers/cli-process.js';
import {waitFor} from '../helpers/wait-for.js';
import {messages, sawText} from './netns-cli.js';
import type {Topology} from './topology.js';

/**
 * What the room stream's netns tests share: nftables counters in each namespace that tell the room
 * stream's datagrams (flag 0x02 in the fourth byte of the payload; a beat has 0x04 besides) from a
 * member's own stream's (flags 0 or 0x01 there), and the group's copies from unicast ones; and the
 * room's members, who talk and are judged by them.
 */

export type Member = CliProcess & {write(line: string): void};
export type Count = {packets: number; bytes: number};
export type Counts = Record<string, Count>;
export type Seat = {readonly cli: Member; readonly ns: string; readonly name: string};

export const PORT = 9999;
/** One of the hub's datagrams (our magic "SC", from its port), `family` `ip` or `ip6`. */
export const fromHub = (family: 'ip' | 'ip6', hub: string) => `${family} saddr ${hub} udp sport ${PORT} @th,64,16 0x5343`;
/** The fourth byte of the payload: the room stream's data, its beats, a member's own stream. */
export const CAST_DATA = '@th,88,8 & 0x06 == 0x02';
export const CAST_BEAT = '@th,88,8 & 0x06 == 0x06';
export const OWN_STREAM = '@th,88,8 & 0x02 == 0x00';

/**
 * How the lines of `textBytes` bytes just said reached a member, by its counters over the time
 * they were said: by the group (their bytes came to the group, its own stream carried far less),
 * by unicast (its own stream carried them, no repairs of the group's datagrams), or neither.
 */
/**
 * What a member's namespace counts of what comes in from the hub (in nftables table `table`):
 * the group's data and beats, repairs and beats by unicast, its own stream; `deaf`: incoming
 * multicast is dropped by `deafRule` (counted as "dropped").
 */
export function memberRules(options: {table: string; family: 'ip' | 'ip6'; groups: string; hub: string; me: string; deaf: boolean; deafRule: string}): string {
	const {table, family, groups, me} = options;
	const ours = fromHub(family, options.hub);
	return `table inet ${table} {
	counter group_data {}
	counter group_beats {}
	counter repairs {}
	counter unicast_beats {}
	counter stream {}
	counter dropped {}
	chain in {
		type filter hook input priority -10; policy accept;
		${ours} ${family} daddr ${groups} ${CAST_DATA} counter name "group_data"
		${ours} ${family} daddr ${groups} ${CAST_BEAT} counter name "group_beats"
		${ours} ${family} daddr ${me} ${CAST_DATA} counter name "repairs"
		${ours} ${family} daddr ${me} ${CAST_BEAT} counter name "unicast_beats"
		${ours} ${family} daddr ${me} ${OWN_STREAM} counter name "stream"
		${options.deaf ? `${options.deafRule} counter name "dropped" drop` : ''}
	}
}
`;
}

export const servedAs = (delta: Counts, textBytes: number): 'group' | 'unicast' | undefined => {
	if (delta.group_data!.bytes >= textBytes && delta.stream!.bytes < textBytes / 4 && delta.repairs!.bytes < textBytes / 4) return 'group';
	if (delta.stream!.bytes >= textBytes && delta.repairs!.bytes < textBytes / 4) return 'unicast';
	return undefined;
};

/** A line of about 700 bytes (random, so nothing shrinks it), unique by its label. */
export const line = (label: string) => `${label} ${randomBytes(340).toString('hex')}`;

/**
 * What the member's `/netinfo` says of how the room's events reach it, once the probe's verdict
 * is in (asked again, bounded, while it says "for now"): its "room events:" line.
 */
export async function netinfoServed(cli: Member): Promise<string> {
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

/** Every member printed the lines once each, in one order (the room's seq), each speaker's in the order said. */
export function inOneOrder(room: readonly Seat[], lines: ReadonlyArray<{from: string; text: string}>): void {
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

/** The counters of table `table` on the test network `net` (rules files written into `folder`). */
export function castCounters(net: () => Topology, folder: () => string, table: string) {
	const install = (ns: string, rules: string) => {
		const file = path.join(folder(), `${ns}.nft`);
		writeFileSync(file, rules);
		net().exec(ns, 'nft', ['-f', file]);
	};

	const counters = (ns: string): Counts => {
		const listed = JSON.parse(net().exec(ns, 'nft', ['-j', 'list', 'counters', 'table', 'inet', table])) as {nftables: Array<{counter?: {name: string} & Count}>};
		return Object.fromEntries(listed.nftables.flatMap(item => (item.counter ? [[item.counter.name, {packets: item.counter.packets, bytes: item.counter.bytes}]] : [])));
	};

	const since = (after: Counts, before: Counts): Counts =>
		Object.fromEntries(Object.entries(after).map(([name, count]) => [name, {packets: count.packets - (before[name]?.packets ?? 0), bytes: count.bytes - (before[name]?.bytes ?? 0)}]));

	/** The multicast groups the hub has sent to on its port (the set `groups` of the hub's table). */
	const groupsSent = (): string[] => {
		const listed = JSON.parse(net().exec(net().host.ns, 'nft', ['-j', 'list', 'set', 'inet', table, 'groups'])) as {nftables: Array<{set?: {elem?: unknown[]}}>};
		return listed.nftables.flatMap(item => (item.set?.elem ?? []).map(element => (typeof element === 'string' ? element : String((element as {elem: {val: string}}).elem.val))));
	};

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
		const hubBefore = counters(net().host.ns);
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
			hub: since(counters(net().host.ns), hubBefore),
		};
	}

	return {install, counters, since, groupsSent, settle, talk};
}
