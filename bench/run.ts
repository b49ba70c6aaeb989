/**
 * Runs every benchmark once and writes bench/RESULTS.md (a quick run: bench/RESULTS-quick.md).
 *   npm run bench                  the full run (a few minutes)
 *   npm run bench -- --quick       a short form, under a minute
 *   npm run bench -- --only=fanout,fanoutns,endpoint,roomsize,transfer,startup,join,abuse,tui,release   some of them
 * The full run also builds the commit before the secure handshake aside and runs its fan-out just
 * before ours (`release`, bench/release.ts; `--release=REV` for another commit).
 * Everything binds and sends to 127.0.0.1 only, but `fanoutns` (the fan-out again between two
 * network namespaces this run makes, as root, with no route out: bench/netns.ts); every load is
 * bounded in count and time.
 * Node flags for the processes under test, to profile or trace them: BENCH_HUB_FLAGS (the hub),
 * BENCH_LOAD_FLAGS (the members' load process), BENCH_TRANSFER_FLAGS (sender, host, receiver),
 * e.g. BENCH_HUB_FLAGS="--cpu-prof --cpu-prof-dir /tmp/p" or "--trace-gc-nvp".
 */
import {spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {runAbuse} from './abuse.js';
import {runEndpoint} from './endpoint.js';
import {runFanout} from './fanout.js';
import {ensureTools, hasNgircd} from './fanout-irc.js';
import {fanoutNetnsUnavailable, runFanoutNetns} from './fanout-netns.js';
import {summariseProfile} from './profile-summary.js';
import {previousSaturation, renderResults, type Results} from './report.js';
import {runJoin} from './join.js';
import {BEFORE_HANDSHAKE, runRelease} from './release.js';
import {runRoomSize} from './room-size.js';
import {runStartup} from './startup.js';
import {runTransfer} from './transfer-vs-socat.js';
import {machine, nowMs} from './util.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find(arg => arg.startsWith('--only='))?.slice(7).split(',');
const wanted = (name: string) => !only || only.includes(name);
const began = nowMs();
const limitMs = quick ? 100_000 : 20 * 60_000;
const watchdog = setTimeout(() => {
	console.error(`bench: over ${limitMs / 1000} s, stopping`);
	process.exit(1);
}, limitMs);
watchdog.unref();

const log = (line: string) => console.log(`[${((nowMs() - began) / 1000).toFixed(1).padStart(5)} s] ${line}`);
const skipped: string[] = [];
const results: {-readonly [K in keyof Results]: Results[K]} = {quick, date: new Date().toISOString(), machine: machine(), seconds: 0, skipped};

/** Runs bench/tui-flood (another engineer's) if it was built, within `budgetMs`, keeping what it printed. */
async function runTui(budgetMs: number): Promise<{output: string; note?: string} | undefined> {
	const script = fileURLToPath(new URL('tui-flood.js', import.meta.url));
	if (!existsSync(script)) return undefined;
	const child = spawn(process.execPath, ['--expose-gc', script], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NODE_ENV: 'production'}});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	let cut = false;
	const timer = setTimeout(() => {
		cut = true;
		child.kill('SIGKILL');
	}, budgetMs);
	const code = await new Promise<number | null>(resolve => child.once('exit', resolve));
	clearTimeout(timer);
	const note = cut ? `Stopped after ${Math.round(budgetMs / 1000)} s (the run's time budget); what it printed until then:` : code === 0 ? undefined : `Exited with code ${code}.`;
	// Its last line restores the cursor: terminal escapes have no place in Markdown.
	return {output: output.replaceAll(/\u001B\[[0-9;?]*[A-Za-z]/g, ''), note};
}

const missing = ensureTools();
if (missing) log(missing);

if (wanted('startup')) {
	log('start-up...');
	results.startup = await runStartup(quick ? 5 : 15);
	log(`start-up: --help ${results.startup.helpMs.toFixed(0)} ms, --host --headless ${results.startup.hostMs.toFixed(0)} ms (medians)`);
}

if (wanted('join')) {
	log('joins...');
	results.join = await runJoin(quick ? 10 : 30);
	log(`join on loopback: open ${results.join.openMs.toFixed(1)} ms, private ${results.join.privateMs.toFixed(1)} ms (medians)`);
}

if (wanted('abuse')) {
	log('abuse: amplification toward forged addresses, memory per peer not yet a member...');
	results.abuse = await runAbuse(quick);
	log(`abuse: amplification at most ${Math.max(...Object.values(results.abuse.factors)).toFixed(3)}, ${(results.abuse.perUnconfirmed / 1024).toFixed(1)} KiB per unconfirmed session`);
}

if (wanted('endpoint')) {
	log('the hub endpoint alone, no sockets...');
	results.endpoint = runEndpoint(quick);
	log(`hub endpoint: ${results.endpoint.perDeliveryUs.toFixed(3)} µs per delivery (median)`);
}

if (wanted('roomsize') && quick && !only) {
	// Three rooms and their joins take half a minute: the quick run stays under a minute without them.
	skipped.push('room sizes (in the full run, or with --only=roomsize)');
} else if (wanted('roomsize')) {
	log('the hub by room size...');
	try {
		results.roomSize = await runRoomSize(quick, log);
	} catch (error) {
		skipped.push(`room sizes (${(error as Error).message})`);
		log(`room sizes failed: ${(error as Error).message}`);
	}
}

// Just before ours, so that both ladders meet the machine in the same state (full runs, or --only=release).
if (only ? wanted('release') : !quick) {
	const rev = process.argv.find(arg => arg.startsWith('--release='))?.slice(10) ?? BEFORE_HANDSHAKE;
	log(`the fan-out of ${rev}${rev === BEFORE_HANDSHAKE ? ', the commit before the secure handshake' : ''}...`);
	results.release = runRelease(rev, log);
	if ('skipped' in results.release) skipped.push(`the fan-out of ${rev} (${results.release.skipped})`);
}

if (wanted('fanout')) {
	log('room fan-out...');
	try {
		results.fanout = await runFanout({quick, members: 50, processes: 1, moderateRate: 4, log, profile: !quick && wanted('profile')});
		if (results.fanout.profileFile) {
			results.profile = summariseProfile(results.fanout.profileFile, 20);
			log(`hub profile: ${results.fanout.profileFile}`);
		}
	} catch (error) {
		skipped.push(`room fan-out (${(error as Error).message})`);
		log(`room fan-out failed: ${(error as Error).message}`);
	}
}

if (wanted('fanoutns')) {
	const unavailable = fanoutNetnsUnavailable();
	if (unavailable) {
		skipped.push(`room fan-out between network namespaces (${unavailable})`);
		log(`room fan-out between network namespaces: skipped (${unavailable})`);
	} else {
		log('room fan-out between network namespaces, MTU 1500...');
		try {
			results.fanoutNetns = await runFanoutNetns({quick, members: 50, processes: 1, moderateRate: 4, log, profile: false});
			if (!hasNgircd()) skipped.push('ngircd between network namespaces (ngircd is not installed)');
		} catch (error) {
			skipped.push(`room fan-out between network namespaces (${(error as Error).message})`);
			log(`room fan-out between network namespaces failed: ${(error as Error).message}`);
		}
	}
}

if (wanted('transfer')) {
	const size = (quick ? 128 : 1024) * 1024 * 1024;
	log(`file transfer, ${size / 1024 ** 2} MiB...`);
	try {
		results.transfer = await runTransfer(size, log);
	} catch (error) {
		skipped.push(`file transfer (${(error as Error).message})`);
		log(`file transfer failed: ${(error as Error).message}`);
	}
}

if (wanted('tui')) {
	// It takes about 35 s on a 2-core machine: a quick run includes it only when that much is left.
	const budget = quick ? 48_000 - (nowMs() - began) : 120_000;
	if (budget < 36_000) {
		skipped.push('the TUI flood (no time left in the quick run; see the full run)');
	} else {
		log('the TUI under a flood (bench/tui-flood)...');
		const tui = await runTui(budget);
		if (tui) results.tui = tui;
		else skipped.push('the TUI flood (dist/bench/tui-flood.js is not built)');
	}
}

results.seconds = (nowMs() - began) / 1000;
const file = fileURLToPath(new URL(`../../bench/${quick ? 'RESULTS-quick.md' : 'RESULTS.md'}`, import.meta.url));
// The saturation figure of the run this one replaces, to say how far it moved.
results.previousSaturation = existsSync(file) ? previousSaturation(readFileSync(file, 'utf8')) : undefined;
const markdown = renderResults(results);
if (!only) await writeFile(file, markdown);
console.log(`\n${markdown}`);
log(only ? 'done (a partial run: results not written)' : `done; written to ${file}`);
process.exit(0);
