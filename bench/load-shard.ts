/**
 * One load process of the fan-out benchmark: some of the room's members (MemberLinks for our hub,
 * IRC clients for ngircd), sending at the rate it is told and timing every delivery. Driven over
 * IPC by fanout-load.ts; exits when told, when its parent goes, or after 10 minutes at most.
 * Run as: node dist/bench/load-shard.js hub|irc PORT FROM TO MEMBERS [HOST, 127.0.0.1 when absent]
 */
import {hubMembers} from './fanout-hub.js';
import {ircMembers} from './fanout-irc.js';
import type {Members, ShardCommand, ShardReply} from './fanout-load.js';
import {nowMs, sleep} from './util.js';

const [kind, portText, fromText, toText, totalText, hostText] = process.argv.slice(2);
const host = hostText ?? '127.0.0.1';
const port = Number(portText);
const from = Number(fromText);
const to = Number(toText);
const total = Number(totalText);

const padding = 'x'.repeat(80);
/** A message text: step, sender, send time (ms on the shared clock), padded to 80 characters. */
function messageText(step: number, sender: number, at: number): string {
	const head = `${step}|${sender}|${at.toFixed(3)}|`;
	return head + padding.slice(0, Math.max(0, 80 - head.length));
}

let step = 0;
let start = Number.POSITIVE_INFINITY;
let end = Number.POSITIVE_INFINITY;
let latencies: number[] = [];
let delivered = 0;
let inWindow = 0;
let steady = 0;

function deliver(_receiver: number, text: string): void {
	const first = text.indexOf('|');
	if (Number(text.slice(0, first)) !== step) return;
	const second = text.indexOf('|', first + 1);
	const at = nowMs();
	latencies.push(at - Number(text.slice(second + 1, text.indexOf('|', second + 1))));
	delivered++;
	if (at <= end) {
		inWindow++;
		if (at >= start + (end - start) / 4) steady++;
	}
}

const reply = (message: ShardReply) => process.send?.(message);
const guard = setTimeout(() => process.exit(2), 10 * 60_000);
process.on('disconnect', () => process.exit(0));

let members: Members;
try {
	members = kind === 'hub' ? await hubMembers(host, port, from, to, deliver) : await ircMembers(host, port, from, to, deliver);
} catch (error) {
	reply({type: 'failed', error: (error as Error).message});
	process.exit(1);
}

let troubleBefore: Record<string, number> = members.trouble();

/** Sends `rate` messages a second from each member, staggered over the room, from `startAt` for `windowMs`. */
async function sendWindow(rate: number, startAt: number, windowMs: number): Promise<number> {
	await sleep(Math.max(0, startAt - nowMs()));
	start = startAt;
	end = startAt + windowMs;
	const sentBy = new Array<number>(to - from).fill(0);
	let sent = 0;
	await new Promise<void>(resolve => {
		const tick = () => {
			const now = nowMs();
			const elapsed = (Math.min(now, end) - start) / 1000;
			for (let index = from; index < to; index++) {
				const due = Math.floor(elapsed * rate + index / total);
				for (; sentBy[index - from]! < due; sentBy[index - from]!++) {
					members.send(index, messageText(step, index, nowMs()));
					sent++;
				}
			}

			if (now >= end) resolve();
			else setTimeout(tick, 2);
		};

		tick();
	});
	return sent;
}

/** Waits until `expected` deliveries arrived or `deadline`; past it, for stragglers until `settleUntil` or no progress. */
async function drain(expected: number, deadline: number, settleUntil: number): Promise<void> {
	while (delivered < expected && nowMs() < deadline) await sleep(5);
	const onTime = delivered;
	// Stragglers (lost datagrams resent with back-off): until all arrived, `settleUntil`, or 2 s without progress.
	let last = delivered;
	let progressAt = nowMs();
	while (delivered < expected && nowMs() < settleUntil && nowMs() - progressAt < 2000) {
		await sleep(50);
		if (delivered !== last) {
			last = delivered;
			progressAt = nowMs();
		}
	}

	const now = members.trouble();
	const trouble: Record<string, number> = {};
	for (const [kind, count] of Object.entries(now)) trouble[kind] = count - (troubleBefore[kind] ?? 0);
	troubleBefore = now;
	reply({type: 'report', onTime, delivered, inWindow, steady, latencies: Float64Array.from(latencies), trouble});
}

process.on('message', (command: ShardCommand) => {
	switch (command.type) {
		case 'step': {
			step = command.step;
			latencies = [];
			delivered = 0;
			inWindow = 0;
			steady = 0;
			void sendWindow(command.rate, command.startAt, command.windowMs).then(sent => reply({type: 'sent', sent}));
			break;
		}

		case 'drain': {
			void drain(command.expected, command.deadline, command.settleUntil);
			break;
		}

		case 'close': {
			clearTimeout(guard);
			void members.close().then(() => process.exit(0));
			break;
		}
	}
});
reply({type: 'ready'});
