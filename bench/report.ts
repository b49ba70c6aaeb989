import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
/** Renders the benchmark results as Markdown (bench/RESULTS.md). */
import type {AbuseResult} from './abuse.js';
import type {EndpointResult} from './endpoint.js';
import type {FanoutResult, TargetResult} from './fanout.js';
import type {NetnsFanoutResult} from './fanout-netns.js';
import type {StepResult} from './fanout-load.js';
import type {ProfileSummary} from './profile-summary.js';
import type {JoinResult} from './join.js';
import {BEFORE_HANDSHAKE, type ReleaseResult} from './release.js';
import type {RoomSizeResult} from './room-size.js';
import type {StartupResult} from './startup.js';
import type {TransferResult} from './transfer-vs-socat.js';
import {fixed, ratio, thousands, type Machine} from './util.js';

export type Results = {
	readonly quick: boolean;
	readonly date: string;
	readonly machine: Machine;
	readonly seconds: number;
	readonly fanout?: FanoutResult;
	/** The same fan-out between network namespaces over a bridge, MTU 1500. */
	readonly fanoutNetns?: NetnsFanoutResult;
	readonly profile?: ProfileSummary;
	readonly transfer?: TransferResult;
	readonly startup?: StartupResult;
	readonly join?: JoinResult;
	readonly abuse?: AbuseResult;
	readonly endpoint?: EndpointResult;
	readonly roomSize?: RoomSizeResult;
	/** The hub's saturation figure in the results file this run replaces. */
	readonly previousSaturation?: number;
	/** The fan-out's saturation of the commit before the secure handshake, measured in this run just before ours (bench/release.ts). */
	readonly release?: ReleaseResult;
	readonly tui?: {output: string; note?: string};
	readonly skipped: string[];
};

const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 1024 ** 2).toFixed(0)} MiB`);
const rss = (watch: {peaks: Record<string, number>; baselines: Record<string, number>}, role: string) =>
	`${role} ${mb(watch.peaks[role])} (${mb(watch.baselines[role])} at the start)`;
const mbps = (bytes: number, ms: number) => `${((bytes / ms) * 1000 / 1024 ** 2).toFixed(0)} MiB/s`;
const verdict = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : '**not met**');
const troubleText = (step: StepResult) =>
	Object.entries(step.trouble)
		.filter(([, count]) => count > 0)
		.map(([kind, count]) => `${kind} ${count}`)
		.join(', ') || '-';
/** Server CPU per delivered message, µs (at a step that kept up). */
const cpuPerDelivery = (step: StepResult | undefined) => (step ? (step.serverCpu * 1e6) / step.deliveredPerSecond : Number.NaN);

function stepTable(target: TargetResult): string[] {
	const rows = target.ladder?.steps ?? [];
	return [
		`| msgs/s per member | sent/s | delivered/s | on time | in window | p50 ms | p99 ms | server CPU (cores) | load CPU (cores) | trouble |`,
		`|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|`,
		...rows.map(
			step =>
				`| ${step.rate} | ${thousands(step.sendRate)} | ${thousands(step.deliveredPerSecond)} | ${fixed((step.onTime / Math.max(1, step.expected)) * 100, 2)}% | ${fixed(step.inWindow * 100, 0)}% | ${fixed(step.p50, 2)} | ${fixed(step.p99, 2)} | ${fixed(step.serverCpu, 2)} | ${fixed(step.loadCpu, 2)} | ${step.keptUp ? troubleText(step) : troubleText(step) === '-' ? 'fell behind' : `fell behind; ${troubleText(step)}`} |`,
		),
	];
}

/** The highest rate both servers kept up at: where their CPU per delivery is compared. */
function commonStep(fanout: {hub?: TargetResult; irc?: TargetResult}): {hub?: StepResult; irc?: StepResult} {
	const hubSteps = fanout.hub?.ladder?.steps.filter(step => step.keptUp) ?? [];
	const ircSteps = fanout.irc?.ladder?.steps.filter(step => step.keptUp) ?? [];
	const rates = hubSteps.map(step => step.rate).filter(rate => ircSteps.some(step => step.rate === rate));
	const rate = Math.max(...rates);
	return {hub: hubSteps.find(step => step.rate === rate), irc: ircSteps.find(step => step.rate === rate)};
}

/** The step that gave a ladder its saturation figure. */
const atSaturation = (target: TargetResult) => target.ladder?.steps.find(step => step.keptUp && step.deliveredPerSecond === target.ladder?.saturation);

/** Which process ran out of CPU at the last step of a ladder. */
function bottleneck(target: TargetResult): string[] {
	// The first step that fell behind (refining steps may follow it), else the last.
	const last = target.ladder?.steps.find(step => !step.keptUp) ?? target.ladder?.steps.at(-1);
	if (!last) return [];
	const busier = last.loadCpu > last.serverCpu ? 'the load process (the members) was the busier' : 'the server was the busier';
	return [
		`At the first step where ${target.label === 'hub' ? 'the hub' : target.label} fell behind (${last.rate}/s/member) the server used ${fixed(last.serverCpu, 2)} cores and the load ${fixed(last.loadCpu, 2)}: ${busier}.`,
		``,
	];
}

/** Stands in for a measurement that failed: every figure n/a. */
const missingStep: StepResult = {
	rate: 0, windowMs: 0, sent: 0, sendRate: Number.NaN, expected: Number.NaN, onTime: Number.NaN, delivered: Number.NaN,
	deliveredPerSecond: Number.NaN, inWindow: Number.NaN, p50: Number.NaN, p99: Number.NaN, max: Number.NaN,
	serverCpu: Number.NaN, serverUserCpu: Number.NaN, loadCpu: Number.NaN, keptUp: false, trouble: {},
};

function fanoutSection(fanout: FanoutResult): string[] {
	const {hub, irc} = fanout;
	const lossy = fanout.lossy ?? {label: 'hub, 20% loss', moderate: missingStep};
	const lines = [
		`## Room fan-out: our hub against ngircd`,
		``,
		`${fanout.members} members in one room on 127.0.0.1, each sending 80-character messages at a fixed rate; every message is`,
		`timed at every other member (${fanout.members - 1} deliveries per message). Our hub runs in a process of its own`,
		`(\`new Hub({rateLimit: false, joinLimit: false})\`), ngircd (${irc?.version ?? 'not run'}) in the foreground with a config`,
		`listening on 127.0.0.1 only and penalties off (\`MaxPenaltyTime = 0\`, as our rate limit is off). The members run in`,
		`${fanout.processes} load process${fanout.processes === 1 ? '' : 'es'}: real \`MemberLink\`s for the hub, IRC clients (NICK/USER/JOIN/PRIVMSG/PONG) for ngircd.`,
		`Saturation: ${fanout.ladder.windowMs} ms windows, the rate per member from ${fanout.ladder.startRate}/s times ${fanout.ladder.factor.toFixed(2)} per step,`,
		`until a step falls behind (not every delivery within ${fanout.ladder.drainMs} ms after the window, or under 90% within it),`,
		`then ${fanout.ladder.refineSteps} step${fanout.ladder.refineSteps === 1 ? '' : 's'} between the best rate that kept up and the lowest that fell behind (at their geometric middle);`,
		`delivered/s counts arrivals in the last three quarters of a window. Latency: ${fanout.moderateRate} msgs/s per member for ${fanout.moderateMs / 1000} s.`,
		``,
		`| | hub | ngircd | hub 20% loss |`,
		`|---|---:|---:|---:|`,
		`| p50 latency at ${fanout.moderateRate}/s/member | ${fixed(hub.moderate.p50, 2)} ms | ${fixed(irc?.moderate.p50 ?? Number.NaN, 2)} ms | ${fixed(lossy.moderate.p50, 2)} ms |`,
		`| p99 latency at ${fanout.moderateRate}/s/member | ${fixed(hub.moderate.p99, 2)} ms | ${fixed(irc?.moderate.p99 ?? Number.NaN, 2)} ms | ${fixed(lossy.moderate.p99, 2)} ms |`,
		`| delivered at ${fanout.moderateRate}/s/member (on time / in all) | ${fixed((hub.moderate.onTime / hub.moderate.expected) * 100, 2)}% / ${fixed((hub.moderate.delivered / hub.moderate.expected) * 100, 2)}% | ${irc ? `${fixed((irc.moderate.onTime / irc.moderate.expected) * 100, 2)}% / ${fixed((irc.moderate.delivered / irc.moderate.expected) * 100, 2)}%` : 'n/a'} | ${fixed((lossy.moderate.onTime / lossy.moderate.expected) * 100, 2)}% / ${fixed((lossy.moderate.delivered / lossy.moderate.expected) * 100, 2)}% |`,
		`| delivered/s at saturation (kept up) | ${thousands(hub.ladder?.saturation ?? Number.NaN)} | ${thousands(irc?.ladder?.saturation ?? Number.NaN)} | |`,
		`| p99 latency at that step | ${fixed(atSaturation(hub)?.p99 ?? Number.NaN, 2)} ms | ${fixed(irc ? (atSaturation(irc)?.p99 ?? Number.NaN) : Number.NaN, 2)} ms | |`,
		`| highest delivered/s seen | ${thousands(hub.ladder?.maxObserved ?? Number.NaN)} | ${thousands(irc?.ladder?.maxObserved ?? Number.NaN)} | |`,
		`| the ladder stopped by | ${hub.ladder?.stoppedBy ?? 'n/a'} | ${irc?.ladder?.stoppedBy ?? 'n/a'} | |`,
		``,
		`Reading these: the members' side (${fanout.members} \`MemberLink\`s in one process, each decoding, validating and acknowledging`,
		`datagrams) costs more CPU per delivery than the hub itself, so on a small machine the load process runs out first and the`,
		`hub's saturation figure is partly the members' (splitting them over 2 load processes was tried: worse, three busy`,
		`processes on two cores). The server CPU per delivered message (in the ratios above) compares the two servers alone.`,
		`ngircd's p99 near 40 ms at low rates with a p50 under 1 ms looks like Nagle's algorithm meeting delayed ACKs on its`,
		`client sockets; it fades once traffic fills segments.`,
		``,
		...bottleneck(hub),
		`### hub`,
		``,
		...stepTable(hub),
	];
	if (fanout.lossySkipped) lines.push(``, `The hub at 20% loss failed: ${fanout.lossySkipped}`);
	if (irc) lines.push(``, ...bottleneck(irc), `### ngircd`, ``, ...stepTable(irc));
	else lines.push(``, `ngircd was not run: ${fanout.ircSkipped ?? 'unknown reason'}`);
	return lines;
}

/** Members the room's multicast group served at the end of a hub's run (its stats from the hub child). */
/** Issue 16: p99 at the moderate rate at least this many times better than ngircd's. */
const P99_TARGET = 5;

const castStats = (target: TargetResult | undefined) => (target?.stats as {cast?: {served?: number; cast?: number; repaired?: number}} | undefined)?.cast;
const moderateDelivered = (step: StepResult | undefined) =>
	step ? `${fixed((step.onTime / step.expected) * 100, 2)}% / ${fixed((step.delivered / step.expected) * 100, 2)}%` : 'n/a';
/** Messages of a hub's run that never arrived: at the moderate rate and at every ladder step that kept up. */
const lostBelowSaturation = (target: TargetResult) =>
	(target.ladder?.steps.filter(step => step.keptUp) ?? []).reduce((sum, step) => sum + step.expected - step.delivered, 0) + target.moderate.expected - target.moderate.delivered;

/** The fan-out between network namespaces, side by side with the same on loopback. */
function netnsSection(netns: NetnsFanoutResult, loopback: FanoutResult | undefined): string[] {
	const columns: Array<[string, TargetResult | undefined, NetnsFanoutResult['hub']]> = [
		['hub, loopback', loopback?.hub, undefined],
		['hub, namespaces', netns.hub, netns.hub],
		['ngircd, loopback', loopback?.irc, undefined],
		['ngircd, namespaces', netns.irc, netns.irc],
	];
	const commons = {loopback: loopback ? commonStep(loopback) : {}, netns: commonStep(netns)};
	const cost = (step: StepResult | undefined) => (step ? `${fixed(cpuPerDelivery(step), 2)} µs (${step.rate}/s)` : 'n/a');
	const row = (name: string, cell: (target: TargetResult, index: number) => string) =>
		`| ${name} | ${columns.map(([, target], index) => (target ? cell(target, index) : 'n/a')).join(' | ')} |`;
	const lines = [
		`## Room fan-out between network namespaces, MTU ${netns.mtu}`,
		``,
		`The same ${netns.members} members, load and ladder as the fan-out on loopback, with the server (our hub, or ngircd) in one network namespace`,
		`(${netns.serverAddress}) and the load process in another (${netns.loadAddress}): each namespace's \`eth0\` is a veth pair to a bridge in a`,
		`third, MTU ${netns.mtu} on every link and GSO limited to one segment (\`gso_max_segs 1\`), so TCP sends packets of at most`,
		`${netns.mtu} bytes, as on a wire without offloads, where loopback hands it 64 KB segments. Only on-link routes (no default`,
		`route): nothing leaves the namespaces. The hub's room goes by its multicast group (the default; TTL 1, flooded by the bridge,`,
		`no snooping) to each member its probe finds the group reaches. Both sides still share this machine's cores.`,
		...(netns.steering ? [netns.steering] : []),
		``,
		`| | ${columns.map(([name]) => name).join(' | ')} |`,
		`|---|---:|---:|---:|---:|`,
		row(`p50 latency at ${netns.moderateRate}/s/member`, target => `${fixed(target.moderate.p50, 2)} ms`),
		row(`p99 latency at ${netns.moderateRate}/s/member`, target => `${fixed(target.moderate.p99, 2)} ms`),
		row(`delivered at ${netns.moderateRate}/s/member (on time / in all)`, target => moderateDelivered(target.moderate)),
		row(`delivered/s at saturation (kept up)`, target => thousands(target.ladder?.saturation ?? Number.NaN)),
		row(`p99 latency at that step`, target => `${fixed(atSaturation(target)?.p99 ?? Number.NaN, 2)} ms`),
		row(`highest delivered/s seen`, target => thousands(target.ladder?.maxObserved ?? Number.NaN)),
		row(`the ladder stopped by`, target => target.ladder?.stoppedBy ?? 'n/a'),
		row(`server CPU per delivered message, at the highest rate both servers kept up at in that setting`, (_, index) =>
			cost([commons.loopback.hub, commons.netns.hub, commons.loopback.irc, commons.netns.irc][index]),
		),
		row(`members the room's multicast group served at the end; datagrams sent to the group, and repairs (by unicast)`, (target, index) => {
			const cast = castStats(target);
			if (index >= 2) return '-';
			return cast ? `${cast.served ?? 0} of ${netns.members}; ${thousands(cast.cast ?? Number.NaN)}, ${thousands(cast.repaired ?? Number.NaN)}` : 'none (no group)';
		}),
		row(`packets the server's link sent (joins included), average size`, (_, index) => {
			const sent = columns[index]![2]?.sentOnLink;
			return sent ? `${thousands(sent.packets)}, ${fixed(sent.bytes / sent.packets, 0)} bytes` : '(loopback)';
		}),
		``,
	];
	if (netns.hub) lines.push(...bottleneck(netns.hub), `### hub, between namespaces`, ``, ...stepTable(netns.hub), ``);
	else lines.push(`The hub between namespaces failed: ${netns.hubFailed ?? 'unknown reason'}`, ``);
	if (netns.irc) lines.push(...bottleneck(netns.irc), `### ngircd, between namespaces`, ``, ...stepTable(netns.irc), ``);
	else lines.push(`ngircd was not run between namespaces: ${netns.ircSkipped ?? 'unknown reason'}`, ``);
	return lines;
}

function summary(results: Results): string[] {
	const lines = [`| measure | ours | baseline | ratio | target | |`, `|---|---:|---:|---:|---|---|`];
	const {fanout, transfer, startup, join} = results;
	if (fanout?.irc?.ladder && fanout.hub.ladder) {
		const hub = fanout.hub.ladder;
		const irc = fanout.irc.ladder;
		const lowerBound = irc.stoppedBy !== 'fell behind' ? ' (ngircd did not saturate: its figure is a floor)' : '';
		lines.push(
			`| fan-out delivered/s at saturation, hub vs ngircd | ${thousands(hub.saturation)} | ${thousands(irc.saturation)} | ${ratio(hub.saturation / irc.saturation)} | >= 1.00x | ${verdict(hub.saturation >= irc.saturation)}${lowerBound} |`,
			`| p99 latency at ${fanout.moderateRate}/s/member (ngircd / hub; > 1 = hub faster) | ${fixed(fanout.hub.moderate.p99, 2)} ms | ${fixed(fanout.irc.moderate.p99, 2)} ms | ${ratio(fanout.irc.moderate.p99 / fanout.hub.moderate.p99)} | >= ${P99_TARGET.toFixed(2)}x | ${verdict(fanout.hub.moderate.p99 * P99_TARGET <= fanout.irc.moderate.p99)} |`,
		);
		const common = commonStep(fanout);
		const hubCost = cpuPerDelivery(common.hub);
		const ircCost = cpuPerDelivery(common.irc);
		lines.push(
			`| server CPU per delivered message at ${common.hub?.rate ?? '?'}/s/member (ngircd / hub; > 1 = hub cheaper) | ${fixed(hubCost, 2)} µs | ${fixed(ircCost, 2)} µs | ${ratio(ircCost / hubCost)} | (for information) | |`,
		);
	}

	if (fanout?.hub.ladder) {
		const lost = lostBelowSaturation(fanout.hub);
		lines.push(`| hub messages lost below saturation (loopback) | ${lost} | | | 0 | ${verdict(lost === 0)} |`);
		const lossy = fanout.lossy?.moderate ?? missingStep;
		lines.push(
			`| hub at 20% loss: delivered in all, p99 | ${fixed((lossy.delivered / lossy.expected) * 100, 2)}%, ${fixed(lossy.p99, 0)} ms | | | 100% | ${verdict(lossy.delivered === lossy.expected)} |`,
		);
	}

	const netns = results.fanoutNetns;
	if (netns?.hub?.ladder && netns.irc?.ladder) {
		const hub = netns.hub.ladder;
		const irc = netns.irc.ladder;
		const lowerBound = irc.stoppedBy !== 'fell behind' ? ' (ngircd did not saturate: its figure is a floor)' : '';
		const common = commonStep(netns);
		const hubCost = cpuPerDelivery(common.hub);
		const ircCost = cpuPerDelivery(common.irc);
		lines.push(
			`| fan-out between namespaces, MTU ${netns.mtu}: delivered/s at saturation, hub vs ngircd | ${thousands(hub.saturation)} | ${thousands(irc.saturation)} | ${ratio(hub.saturation / irc.saturation)} | >= 1.00x | ${verdict(hub.saturation >= irc.saturation)}${lowerBound} |`,
			`| the same: p99 latency at ${netns.moderateRate}/s/member (ngircd / hub; > 1 = hub faster) | ${fixed(netns.hub.moderate.p99, 2)} ms | ${fixed(netns.irc.moderate.p99, 2)} ms | ${ratio(netns.irc.moderate.p99 / netns.hub.moderate.p99)} | >= ${P99_TARGET.toFixed(2)}x | ${verdict(netns.hub.moderate.p99 * P99_TARGET <= netns.irc.moderate.p99)} |`,
			`| the same: server CPU per delivered message at ${common.hub?.rate ?? '?'}/s/member (ngircd / hub; > 1 = hub cheaper) | ${fixed(hubCost, 2)} µs | ${fixed(ircCost, 2)} µs | ${ratio(ircCost / hubCost)} | (for information) | |`,
		);
	}

	if (netns?.hub?.ladder) {
		const lost = lostBelowSaturation(netns.hub);
		lines.push(`| hub messages lost below saturation (between namespaces) | ${lost} | | | 0 | ${verdict(lost === 0)} |`);
	}

	if (transfer) {
		const baseline = transfer.socat.copyMs + transfer.socat.hashMs;
		lines.push(
			`| ${mb(transfer.size)} file, throughput vs socat + sha256sum | ${mbps(transfer.size, transfer.ours.ms)} | ${mbps(transfer.size, baseline)} | ${ratio(baseline / transfer.ours.ms)} | >= 0.80x | ${verdict(baseline / transfer.ours.ms >= 0.8)} |`,
			`| ${mb(transfer.size)} file, throughput vs socat alone | ${mbps(transfer.size, transfer.ours.ms)} | ${mbps(transfer.size, transfer.socat.copyMs)} | ${ratio(transfer.socat.copyMs / transfer.ours.ms)} | (for information) | |`,
		);
	}

	if (startup) {
		lines.push(`| start-up: \`--help\`, \`--host --headless\` until hosting (median of ${startup.runs}) | ${fixed(startup.helpMs, 0)} ms, ${fixed(startup.hostMs, 0)} ms | | | | |`);
	}

	if (fanout?.hub.ladder && results.previousSaturation !== undefined) {
		const change = fanout.hub.ladder.saturation / results.previousSaturation - 1;
		lines.push(
			`| hub saturation against the run this one replaced | ${thousands(fanout.hub.ladder.saturation)} | ${thousands(results.previousSaturation)} | ${ratio(1 + change)} | falls by at most 5% | ${verdict(change >= -0.05)} |`,
		);
	}

	const {release} = results;
	if (release && 'hub' in release && fanout?.hub.ladder) {
		const change = fanout.hub.ladder.saturation / release.hub - 1;
		lines.push(
			`| hub saturation against ${release.rev}${release.rev === BEFORE_HANDSHAKE ? " (the commit before issue 14's secure handshake)" : ''}, its ladder run in this run just before ours (ngircd: ${thousands(release.ngircd)} then, ${fanout.irc?.ladder ? thousands(fanout.irc.ladder.saturation) : 'n/a'} in ours) | ${thousands(fanout.hub.ladder.saturation)} | ${thousands(release.hub)} | ${ratio(1 + change)} | falls by at most 10% | ${verdict(change >= -0.1)} |`,
		);
	} else if (release && 'skipped' in release) {
		lines.push(`| hub saturation against ${release.rev}${release.rev === BEFORE_HANDSHAKE ? " (the commit before issue 14's secure handshake)" : ''} | n/a | | | falls by at most 10% | n/a: ${release.skipped} |`);
	}

	if (results.endpoint) {
		const {endpoint} = results;
		lines.push(
			`| hub endpoint alone (no sockets): hub time per delivered message, ${endpoint.members} members (median of ${endpoint.runs.length}: ${endpoint.runs.map(us => us.toFixed(2)).join(', ')}) | ${fixed(endpoint.perDeliveryUs, 2)} µs | | | (for information) | |`,
		);
		const cast = endpoint.multicast;
		if (cast) {
			lines.push(
				`| the same by the room's multicast group (median of ${cast.runs.length}: ${cast.runs.map(us => us.toFixed(2)).join(', ')}); datagrams sent per message, and the group's share | ${fixed(cast.perDeliveryUs, 2)} µs; ${fixed(cast.datagramsPerMessage, 2)}, ${Math.round(100 * cast.groupShare)}% | ${fixed(endpoint.perDeliveryUs, 2)} µs | ${fixed(endpoint.perDeliveryUs / cast.perDeliveryUs, 2)}x | (for information) | |`,
			);
		}
	}

	if (results.abuse) {
		const worst = Math.max(...Object.values(results.abuse.factors));
		lines.push(
			`| amplification toward a forged address: bytes received / bytes sent, worst kind of datagram | ${fixed(worst, 3)} | | | <= 1 | ${verdict(worst <= 1)} |`,
			`| hub memory per session accepted and not confirmed (per join under way) | ${fixed(results.abuse.perUnconfirmed / 1024, 1)} KiB (${fixed(results.abuse.perPending / 1024, 1)} KiB) | | | (for information) | |`,
		);
	}

	if (join) {
		const worst = Math.max(...join.openAll, ...join.privateAll);
		lines.push(`| a join on loopback, the handshake included: open, private (median of ${join.runs}) | ${fixed(join.openMs, 1)} ms, ${fixed(join.privateMs, 1)} ms | | | < 300 ms | ${verdict(worst < 300)} |`);
	}

	return lines;
}

export function renderResults(results: Results): string {
	const {machine, transfer, startup, profile, tui, fanout, fanoutNetns} = results;
	const out = [
		`# Benchmark results${results.quick ? ' (quick run)' : ''}`,
		``,
		`${results.date}, \`npm run bench${results.quick ? ' -- --quick' : ''}\` in ${Math.round(results.seconds)} s. One run of each benchmark; ratios, so that a noisy machine`,
		`weighs on both sides alike. Everything on 127.0.0.1${fanoutNetns ? ', but the fan-out between network namespaces (its own section)' : ''}.`,
		``,
		`Machine: ${machine.cpus} CPUs (\`nproc\`), ${machine.model}, ${machine.memory} RAM, ${machine.os}, Node ${machine.node};`,
		`load average ${machine.loadAverage} (1, 5, 15 min) when the run began: other work on the machine shows there.`,
		``,
		`## Ratios against the targets`,
		``,
		...summary(results),
		``,
	];
	if (results.skipped.length > 0) out.push(`Not run: ${results.skipped.join('; ')}.`, ``);
	if (fanout) out.push(...fanoutSection(fanout), ``);
	if (fanoutNetns) out.push(...netnsSection(fanoutNetns, fanout));
	if (profile) {
		out.push(
			`## Hot spots of the hub under the fan-out load`,
			``,
			`\`node --cpu-prof\` on the hub process through the same ladder (${Math.round(profile.busyMs)} ms busy of ${Math.round(profile.totalMs)} ms profiled);`,
			`self time, positions mapped to the TypeScript sources. Share of the busy time.`,
			``,
			`| self | function | where |`,
			`|---:|---|---|`,
			...profile.functions.map(spot => `| ${fixed(spot.share * 100, 1)}% | \`${spot.name}\` | ${spot.where} |`),
			``,
			`By file: ${profile.files.slice(0, 10).map(spot => `${spot.name} ${fixed(spot.share * 100, 1)}%`).join(', ')}.`,
			``,
		);
	}

	if (transfer) {
		const baseline = transfer.socat.copyMs + transfer.socat.hashMs;
		out.push(
			`## File transfer against socat`,
			``,
			`A ${mb(transfer.size)} random file. Ours: \`uploadFile\` from a member process to the host process (RoomHost: hub and`,
			`transfer server), offered at once, \`downloadFile\` by a member process that took the offer at once; timed from the`,
			`upload's start until the receiver saved the file whole (sha256 checked at both ends). socat (${transfer.socat.version}):`,
			`\`socat -u OPEN:src TCP:127.0.0.1:P\` into \`socat -u TCP-LISTEN:P,bind=127.0.0.1 OPEN:dst,creat\`, then \`sha256sum dst\`.`,
			``,
			`| | time | throughput | peak RSS |`,
			`|---|---:|---:|---|`,
			`| ours, /send to saved | ${fixed(transfer.ours.ms, 0)} ms | ${mbps(transfer.size, transfer.ours.ms)} | ${['sender', 'host', 'receiver'].map(role => rss(transfer.ours.memory, role)).join(', ')} |`,
			`| socat copy | ${fixed(transfer.socat.copyMs, 0)} ms | ${mbps(transfer.size, transfer.socat.copyMs)} | ${['sender', 'receiver'].map(role => rss(transfer.socat.memory, role)).join(', ')} |`,
			`| socat copy + sha256sum | ${fixed(baseline, 0)} ms | ${mbps(transfer.size, baseline)} | |`,
			``,
		);
	}

	if (startup) {
		out.push(
			`## Start-up`,
			``,
			`\`node dist/cli.js --help\` to exit: median ${fixed(startup.helpMs, 0)} ms (runs: ${startup.helpAll.map(ms => ms.toFixed(0)).join(', ')}).`,
			`\`--host --headless --bind 127.0.0.1 --port 0 --transfer-port 0 --json\` until the \`{"type":"hosting"}\` line: median ${fixed(startup.hostMs, 0)} ms (runs: ${startup.hostAll.map(ms => ms.toFixed(0)).join(', ')}).`,
			``,
		);
	}

	if (results.roomSize) {
		const {roomSize} = results;
		out.push(
			`## The hub by room size (bench/room-size.ts)`,
			``,
			`${roomSize.totalRate} messages a second sent into the room whatever its size, for ${roomSize.windowMs / 1000} s; the hub's CPU per message sent in. By`,
			`unicast (\`--no-multicast\`) it sends each message once per member, so this grows with the room; by the room's multicast`,
			`group it sends each round once for the room. The hub's user time is its own code; the rest is the kernel's work in its`,
			`system calls. On loopback that includes delivering each group datagram to every member's socket inside the hub's send (a`,
			`LAN's receivers do that in their own kernels); between namespaces the hub's send is one packet on its link.`,
			...(roomSize.steering ? [roomSize.steering] : []),
			...(roomSize.namespacesSkipped === undefined ? [] : [`Not measured between namespaces: ${roomSize.namespacesSkipped}.`]),
			``,
			`| members | where | by | msgs/s in | hub µs per message | of it, user time | hub µs per delivery | delivered |`,
			`|---:|---|---|---:|---:|---:|---:|---:|`,
			...roomSize.points.map(
				point =>
					`| ${point.members} | ${point.where} | ${point.mode}${point.servedByGroup === undefined ? '' : ` (the group served ${point.servedByGroup})`} | ${fixed(point.sendRate, 0)} | ${fixed(point.usPerMessage, 0)} | ${fixed(point.userUsPerMessage, 0)} | ${fixed(point.usPerDelivery, 2)} | ${thousands(point.delivered)} of ${thousands(point.expected)} |`,
			),
			``,
			...roomSize.points
				.filter(point => point.mode === 'multicast' && point.servedWhy !== undefined)
				.map(
					point =>
						`- ${point.members} members (${point.where})${point.settleMs === undefined ? '' : `, measured after ${fixed(point.settleMs / 1000, 1)} s of probing (until the group served no more for 6 s)`}; how each was served at the end: ${Object.entries(point.servedWhy!).map(([why, count]) => `${count} by ${why}`).join('; ')}.`,
				),
			``,
		);
	}

	if (results.abuse) {
		const {abuse} = results;
		out.push(
			`## Abuse (bench/abuse.ts)`,
			``,
			`A real hub (defaults) on 127.0.0.1; a blind spoofer sends each kind of datagram every 10 ms for ${abuse.seconds} s in the name of`,
			`an address of its own (a socket bound there counts what reaches it), then a second for the hub's resends. Bytes received`,
			`over bytes sent, by kind: ${Object.entries(abuse.factors)
				.map(([kind, factor]) => `${kind} ${fixed(factor, 3)}`)
				.join(', ')}.`,
			``,
			`Heap per peer not yet a member, after a full collection, on the pure endpoint with ${abuse.peers} real member connections: a join`,
			`under way (a query with a valid cookie) ${fixed(abuse.perPending / 1024, 1)} KiB; a session accepted and not confirmed (its join's entry`,
			`included) ${fixed(abuse.perUnconfirmed / 1024, 1)} KiB. At most 256 of those wait at once, 16 per address prefix.`,
			``,
		);
	}

	if (tui) out.push(`## The TUI under a flood (bench/tui-flood.tsx)`, ``, ...(tui.note ? [tui.note, ``] : []), '```', tui.output.trimEnd(), '```', ``);
	out.push(changesMade());
	return out.join('\n');
}

/** bench/CHANGES.md: what the profiles led us to change (kept by hand, copied into each report). */
function changesMade(): string {
	try {
		return readFileSync(fileURLToPath(new URL('../../bench/CHANGES.md', import.meta.url)), 'utf8');
	} catch {
		return '';
	}
}

/** The hub's saturation figure in an earlier results file (its summary row), if there is one. */
export function previousSaturation(markdown: string): number | undefined {
	const row = markdown.split('\n').find(line => line.startsWith('| fan-out delivered/s at saturation, hub vs ngircd |'));
	const figure = row?.split('|')[2]?.trim().replaceAll(',', '');
	return figure && /^\d+$/.test(figure) ? Number(figure) : undefined;
}
