/**
 * A two-host network for the benchmarks (issue 16), as root: the namespaces `sctb-PID-srv` (the
 * server, 198.18.0.1) and `sctb-PID-load` (the members, 198.18.0.2), each with `eth0`, one end of a
 * veth pair whose other end is a port of `br0` in `sctb-PID-br`. MTU 1500 on every link, and GSO
 * limited to one segment: otherwise a veth carries TCP's GSO packets of up to 64 KB, as loopback
 * does, and the MTU would be on paper only (200 MB through socat over a plain veth pair: 8.1 KB a
 * packet on average; with the limit, 1,441 bytes). 198.18.0.0/15 is the range set aside for benchmarks
 * (RFC 2544); the only routes are on-link ones (no default route), so nothing sent in there can
 * leave, and the machine's own interfaces are never touched. Names carry the pid of the run that
 * made them: those of a run that is gone are swept away at the start, and `remove()` (also called
 * on exit and on SIGINT or SIGTERM) deletes this run's, killing what still runs inside.
 *
 * Each host's kernel work on its own cores, as on a LAN: all of it runs on this machine, and a veth
 * hands a packet to the receiving namespace in the sender's own system call, so the work of
 * delivering what the server sends (the bridge's flood, and in the load's namespace a copy of each
 * group datagram for every member's socket) was charged to the server. Where the machine has two
 * CPUs or more and `taskset` is here, the server runs on the first CPU this process may use
 * (`serverPin`), and receive packet steering (RPS) sends the packets that arrive on the bridge's
 * ports and the load's `eth0` to the others, the server's `eth0` to the server's: the receiving
 * side's kernel does its own work, on its own CPU, as it does when the hosts are machines.
 */
import {type ChildProcess, execFileSync, fork, type ForkOptions, spawn, spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';

export const BENCH_NETNS_PREFIX = 'sctb';
export const NETNS_MTU = 1500;

const ip = (args: readonly string[]) => execFileSync('ip', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});

/** Why the namespace benchmark cannot run here, or undefined when it can (Linux, root, `ip netns` works). */
export function netnsUnavailable(): string | undefined {
	if (process.platform !== 'linux') return 'network namespaces are Linux only';
	if (process.getuid?.() !== 0) return 'not root: ip netns needs it';
	const probe = `${BENCH_NETNS_PREFIX}-${process.pid}-probe`;
	const made = spawnSync('ip', ['netns', 'add', probe], {encoding: 'utf8'});
	if (made.error || made.status !== 0) return `ip netns does not work here: ${made.error?.message ?? made.stderr.trim()}`;
	spawnSync('ip', ['netns', 'del', probe]);
	return undefined;
}

/** The CPUs this process may run on (Linux's Cpus_allowed_list), in order; empty where it cannot be read. */
export function allowedCpus(status: string = readStatus()): number[] {
	const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1];
	if (!list) return [];
	const cpus: number[] = [];
	for (const part of list.split(',')) {
		const [from, to = from] = part.split('-').map(Number);
		if (!Number.isInteger(from) || !Number.isInteger(to)) return [];
		for (let cpu = from!; cpu <= to!; cpu++) cpus.push(cpu);
	}

	return cpus;
}

function readStatus(): string {
	try {
		return readFileSync('/proc/self/status', 'utf8');
	} catch {
		return '';
	}
}

/** CPUs as sysfs takes them in `rps_cpus`: a hex mask in groups of 32 bits, highest first, comma between. */
export function cpuMask(cpus: readonly number[]): string {
	const words: number[] = [];
	for (const cpu of cpus) {
		const word = Math.floor(cpu / 32);
		while (words.length <= word) words.push(0);
		words[word] = (words[word]! | (1 << (cpu % 32))) >>> 0;
	}

	return words
		.reverse()
		.map((word, index) => word.toString(16).padStart(index === 0 ? 1 : 8, '0'))
		.join(',');
}

/** Which CPU the server gets and which the rest, or why each host's kernel work cannot be kept apart here. */
export type Steering = {readonly server: number; readonly others: readonly number[]} | {readonly why: string};

let steering: Steering | undefined;
export function benchSteering(): Steering {
	if (steering) return steering;
	const cpus = allowedCpus();
	if (cpus.length < 2) steering = {why: `${cpus.length === 0 ? 'no CPU list' : 'one CPU'}: the hosts share it`};
	else if (spawnSync('taskset', ['--version']).status !== 0) steering = {why: 'no taskset to pin the server with'};
	else steering = {server: cpus[0]!, others: cpus.slice(1)};
	return steering;
}

/** The steering in words, for the report. */
export function describeSteering(steer: Steering): string {
	if ('why' in steer) return `Each host's kernel work is not kept apart here (${steer.why}): a veth delivers in the sender's system call, so the receivers' work is charged to the server.`;
	return `The server runs on CPU ${steer.server} (\`taskset\`), and receive packet steering (RPS) hands what arrives on the bridge's ports and the load's \`eth0\` to CPU ${steer.others.join(', ')}, and what arrives on the server's \`eth0\` to CPU ${steer.server}: each host's kernel does its own receiving on its own CPU, as on a LAN (a veth would otherwise do it in the sender's system call, charging the members' kernel work to the server).`;
}

/** What a server's command in the namespaces starts with: `taskset -c CPU` where steering works, else nothing. */
export function serverPin(): readonly string[] {
	const steer = benchSteering();
	return 'server' in steer ? ['taskset', '-c', String(steer.server)] : [];
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Kills what runs in a namespace, then deletes it. */
function removeNamespace(name: string): void {
	const pids = spawnSync('ip', ['netns', 'pids', name], {encoding: 'utf8'}).stdout?.split('\n').filter(Boolean) ?? [];
	for (const pid of pids) {
		try {
			process.kill(Number(pid), 'SIGKILL');
		} catch {}
	}

	spawnSync('ip', ['netns', 'del', name]);
}

/** Removes the namespaces of earlier benchmark runs whose process is gone. */
export function sweepStale(): string[] {
	const names = spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout?.split('\n').map(line => line.split(' ')[0]!).filter(Boolean) ?? [];
	const swept: string[] = [];
	for (const name of names) {
		const match = new RegExp(`^${BENCH_NETNS_PREFIX}-(\\d+)-`).exec(name);
		if (match && !alive(Number(match[1]))) {
			removeNamespace(name);
			swept.push(name);
		}
	}

	return swept;
}

export type NetHost = {readonly ns: string; readonly address: string};
export type LinkCounters = {readonly txPackets: number; readonly txBytes: number; readonly rxPackets: number; readonly rxBytes: number};

export type BenchNet = {
	readonly server: NetHost;
	readonly load: NetHost;
	/** The packet and byte counters of a host's `eth0` (as the veth counts them: a GSO packet is one). */
	counters(host: NetHost): LinkCounters;
	/** How each host's kernel work is kept on its own CPUs (RPS), or why it is not. */
	readonly steering: Steering;
	remove(): void;
};

/** Builds the two hosts and their bridge; throws (having removed what it made) when a step fails. */
export function buildBenchNet(): BenchNet {
	const run = `${BENCH_NETNS_PREFIX}-${process.pid}`;
	const made: string[] = [];
	const interrupted = (signal: NodeJS.Signals) => {
		remove();
		process.exit(signal === 'SIGINT' ? 130 : 143);
	};

	const remove = () => {
		for (const name of made.splice(0).reverse()) removeNamespace(name);
		process.off('exit', remove);
		process.off('SIGINT', interrupted);
		process.off('SIGTERM', interrupted);
	};

	// However the run ends (the watchdog's process.exit, Ctrl-C included), the namespaces go with it.
	process.on('exit', remove);
	process.once('SIGINT', interrupted);
	process.once('SIGTERM', interrupted);
	const add = (name: string) => {
		ip(['netns', 'add', name]);
		made.push(name);
		ip(['-n', name, 'link', 'set', 'lo', 'up']);
	};

	try {
		const bridge = `${run}-br`;
		add(bridge);
		// No snooping: the bridge floods the room's multicast group to every port, as a plain switch does.
		ip(['-n', bridge, 'link', 'add', 'br0', 'mtu', String(NETNS_MTU), 'type', 'bridge', 'mcast_snooping', '0']);
		ip(['-n', bridge, 'link', 'set', 'br0', 'up']);
		const attach = (suffix: string, address: string): NetHost => {
			const ns = `${run}-${suffix}`;
			add(ns);
			const port = `v${suffix}`;
			ip(['-n', bridge, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
			const limits = ['mtu', String(NETNS_MTU), 'gso_max_segs', '1', 'gso_max_size', String(NETNS_MTU)];
			ip(['-n', bridge, 'link', 'set', port, ...limits]);
			ip(['-n', bridge, 'link', 'set', port, 'master', 'br0', 'up']);
			ip(['-n', ns, 'link', 'set', 'eth0', ...limits]);
			// A /24 on the link, nothing else: no default route, nowhere to go but the bridge.
			ip(['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
			ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
			return {ns, address};
		};

		const server = attach('srv', '198.18.0.1');
		const load = attach('load', '198.18.0.2');
		for (const host of [server, load]) {
			const routes = ip(['-n', host.ns, 'route', 'show', 'default']).trim();
			if (routes) throw new Error(`${host.ns} has a default route (${routes}): refusing to send anything`);
		}

		const steer = benchSteering();
		if ('server' in steer) {
			// `ip netns exec` mounts the namespace's own /sys, where its interfaces' queues are.
			const steerTo = (ns: string, device: string, cpus: readonly number[]) =>
				execFileSync('ip', ['netns', 'exec', ns, 'sh', '-c', `for queue in /sys/class/net/${device}/queues/rx-*/rps_cpus; do echo ${cpuMask(cpus)} > "$queue" || exit 1; done`], {stdio: 'ignore'});
			try {
				steerTo(bridge, 'vsrv', steer.others);
				steerTo(bridge, 'vload', steer.others);
				steerTo(load.ns, 'eth0', steer.others);
				steerTo(server.ns, 'eth0', [steer.server]);
			} catch {
				// A kernel without RPS, or a read-only /sys: no steering, and no pinning without it.
				steering = {why: 'rps_cpus cannot be written here'};
			}
		}

		return {
			server,
			load,
			steering: benchSteering(),
			counters(host) {
				const links = JSON.parse(ip(['-n', host.ns, '-s', '-j', 'link', 'show', 'eth0'])) as Array<{
					stats64?: {tx: {packets: number; bytes: number}; rx: {packets: number; bytes: number}};
				}>;
				const stats = links[0]?.stats64;
				return {txPackets: stats?.tx.packets ?? Number.NaN, txBytes: stats?.tx.bytes ?? Number.NaN, rxPackets: stats?.rx.packets ?? Number.NaN, rxBytes: stats?.rx.bytes ?? Number.NaN};
			},
			remove,
		};
	} catch (error) {
		remove();
		throw error;
	}
}

/**
 * `fork()`, or inside a namespace: `ip netns exec NS [PIN...] node ...` (ip, and taskset when
 * `pin` is `serverPin()`, exec node in place, so the child's pid is node's, for its CPU readings),
 * with the IPC channel passed down the same way.
 */
export function forkIn(ns: string | undefined, script: string, args: readonly string[], options: ForkOptions & {readonly pin?: readonly string[]} = {}): ChildProcess {
	if (!ns) return fork(script, args, options);
	const execArgv = options.execArgv ?? [];
	const stdio = options.stdio ?? ['inherit', 'inherit', 'inherit', 'ipc'];
	return spawn('ip', ['netns', 'exec', ns, ...(options.pin ?? []), process.execPath, ...execArgv, script, ...args], {env: options.env, stdio, serialization: options.serialization});
}
