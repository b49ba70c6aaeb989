/**
 * Room fan-out, our hub against ngircd under the same load: latency at a fixed moderate rate,
 * then the rate ladder up to saturation; and our hub again behind 20% datagram loss.
 */
import {mkdtemp, readdir} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {startHubServer} from './fanout-hub.js';
import {startIrcServer} from './fanout-irc.js';
import {describeStep, ladder, type Ladder, type LadderOptions} from './fanout-ladder.js';
import {Load, type Server, type StepResult} from './fanout-load.js';

export type FanoutOptions = {
	readonly quick: boolean;
	readonly members: number;
	/** Load processes the members are split over. */
	readonly processes: number;
	/** Messages per second per member for the latency measurement. */
	readonly moderateRate: number;
	readonly log: (line: string) => void;
	/** Profile the hub (a run of its own of the ladder, with --cpu-prof). */
	readonly profile: boolean;
};

export type TargetResult = {
	readonly label: string;
	readonly version?: string;
	readonly moderate: StepResult;
	readonly ladder?: Ladder;
	readonly stats?: unknown;
};

export type FanoutResult = {
	readonly members: number;
	readonly processes: number;
	readonly moderateRate: number;
	readonly moderateMs: number;
	readonly hub: TargetResult;
	readonly irc?: TargetResult;
	readonly ircSkipped?: string;
	readonly lossy?: TargetResult;
	readonly lossySkipped?: string;
	readonly profileFile?: string;
	readonly ladder: LadderOptions;
};

export function ladderOptions(quick: boolean): LadderOptions {
	return quick
		? {startRate: 32, factor: 2, maxRate: 2048, windowMs: 1000, drainMs: 500, budgetMs: 12_000, refineSteps: 1}
		: {startRate: 4, factor: Math.SQRT2, maxRate: 2048, windowMs: 2000, drainMs: 1000, budgetMs: 50_000, refineSteps: 2};
}

/**
 * The latency at the moderate rate, then (`withLadder`) the saturation ladder, of one server; it
 * is closed at the end. `loadNetns`: the network namespace the members run in.
 */
export async function measure(server: Server, options: FanoutOptions, withLadder: boolean, loadNetns?: string): Promise<Omit<TargetResult, 'label'>> {
	let load: Load | undefined;
	try {
		load = await Load.start(server, options.members, options.processes, loadNetns);
		// A short warm-up, so JIT compilation and socket buffers are not part of the figures.
		await load.step(options.moderateRate, 500, 500);
		// Behind 20% loss a datagram may need several resends with back-off: a longer drain bound there.
		const moderate = await load.step(options.moderateRate, options.quick ? 2000 : 5000, withLadder ? 1500 : 3000);
		options.log(describeStep(`${server.label} (moderate)`, moderate));
		const result = withLadder ? await ladder(load, {...ladderOptions(options.quick), log: options.log}) : undefined;
		return {moderate, ladder: result};
	} finally {
		await load?.close();
		await server.close();
	}
}

export async function runFanout(options: FanoutOptions): Promise<FanoutResult> {
	const {log} = options;
	const hubServer = await startHubServer();
	const hub = {label: 'hub', ...(await measure(hubServer, options, true)), stats: hubServer.stats()};
	let irc: TargetResult | undefined;
	let ircSkipped: string | undefined;
	try {
		const server = await startIrcServer();
		irc = {label: 'ngircd', version: server.version, ...(await measure(server, options, true))};
	} catch (error) {
		ircSkipped = (error as Error).message;
		log(`ngircd: skipped (${ircSkipped})`);
	}

	let lossy: TargetResult | undefined;
	let lossySkipped: string | undefined;
	try {
		const lossyServer = await startHubServer({loss: 0.2});
		lossy = {label: 'hub, 20% loss', ...(await measure(lossyServer, options, false)), stats: lossyServer.stats()};
	} catch (error) {
		lossySkipped = (error as Error).message;
		log(`hub at 20% loss: failed (${lossySkipped})`);
	}

	let profileFile: string | undefined;
	if (options.profile) {
		const profileDir = await mkdtemp(path.join(os.tmpdir(), 'bench-hub-profile-'));
		log('profiling the hub (--cpu-prof) under the same load...');
		const profiled = await measure(await startHubServer({profileDir}), {...options, log: () => undefined}, true);
		log(`profiled run: saturation ${Math.round(profiled.ladder?.saturation ?? 0)} deliveries/s`);
		const file = (await readdir(profileDir)).find(name => name.endsWith('.cpuprofile'));
		profileFile = file ? path.join(profileDir, file) : undefined;
	}

	return {
		members: options.members,
		processes: options.processes,
		moderateRate: options.moderateRate,
		moderateMs: options.quick ? 2000 : 5000,
		hub,
		irc,
		ircSkipped,
		lossy,
		lossySkipped,
		profileFile,
		ladder: ladderOptions(options.quick),
	};
}
