/**
 * The hub under test, alone in its own process (so it has a core of its own): binds 127.0.0.1 (or the address given),
 * no rate or join limits, room for 1,024 members, optionally behind the seeded lossy relay of the tests. Tells its parent
 * the port over IPC; stops when told, when the parent goes, or after 10 minutes at most.
 * Run by fanout-hub.ts: node [--cpu-prof] dist/bench/hub-child.js [loss] [seed] [bind address]
 */
import {Hub} from '../source/net/hub.js';
import {LossyRelay} from '../test/helpers/lossy-relay.js';

const loss = Number(process.argv[2] ?? 0);
const seed = Number(process.argv[3] ?? 7);
const bind = process.argv[4] ?? '127.0.0.1';
// Room for the room-size benchmark's 500 members (the default cap is 256).
// Behind the lossy relay the room goes by unicast: the group's datagrams would bypass the relay's losses (the simulator covers those).
const multicast = loss === 0 && process.env.BENCH_MULTICAST !== 'off';
const hub = new Hub({bind, port: 0, rateLimit: false, joinLimit: false, maxMembers: 1024, multicast});
const {port} = await hub.start();
const relay = loss > 0 ? new LossyRelay({hubPort: port, seed, drop: loss, duplicate: 0, reorder: 0}) : undefined;
const front = relay ? await relay.start() : port;

let stopping = false;
async function stop(): Promise<void> {
	if (stopping) return;
	stopping = true;
	clearTimeout(guard);
	await relay?.close();
	const why = servedWhy();
	await hub.close();
	process.send?.({type: 'stopped', stats: hub.stats, cast: hub.castStats, relay: relay?.stats, why});
	// process.exit writes the --cpu-prof profile on the way out.
	process.exit(0);
}

/** Why each member is served as it is now (by the reason's words, numbers left out), for the report. */
function servedWhy(): Record<string, number> {
	const why: Record<string, number> = {};
	for (const served of hub.servedBy()) {
		const key = `${served.via} (${served.why.replaceAll(/\d+/g, 'N')})`;
		why[key] = (why[key] ?? 0) + 1;
	}

	return why;
}

const guard = setTimeout(() => void stop(), 10 * 60_000);
process.on('message', message => {
	const type = (message as {type?: string}).type;
	if (type === 'stop') void stop();
	if (type === 'served') process.send?.({type: 'served', why: servedWhy()});
});
process.on('disconnect', () => void stop());
process.send?.({type: 'ready', port: front});
