import {execFileSync, spawnSync} from 'node:child_process';

/** Every namespace these tests make starts with this, then the pid of the run that made it. */
export const NETNS_PREFIX = 'sctt';

/** Runs `ip ARGS` (or another tool), throwing with its stderr when it fails. */
export function sh(command: string, args: readonly string[]): string {
	return execFileSync(command, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

/** Why the namespace tests cannot run here, or undefined when they can (root, and `ip netns` works). */
export function netnsUnavailable(): string | undefined {
	if (process.platform !== 'linux') {
		return 'network namespaces are Linux only';
	}

	if (process.getuid?.() !== 0) {
		return 'not root: ip netns needs it';
	}

	const probe = `${NETNS_PREFIX}-${process.pid}-probe`;
	const made = spawnSync('ip', ['netns', 'add', probe], {encoding: 'utf8'});
	if (made.error || made.status !== 0) {
		return `ip netns does not work here: ${made.error?.message ?? made.stderr.trim()}`;
	}

	spawnSync('ip', ['netns', 'del', probe]);
	return undefined;
}

/** Whether nftables is installed (the loss test needs it). */
export function hasNft(): boolean {
	return spawnSync('nft', ['--version']).status === 0;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Removes namespaces left by runs that died without cleaning up (their pid is gone), and what still runs in them. */
export function removeLeftovers(): void {
	const names = sh('ip', ['netns', 'list']).split('\n').map(line => line.split(' ')[0]!).filter(Boolean);
	for (const name of names) {
		const match = new RegExp(`^${NETNS_PREFIX}-(\\d+)-`).exec(name);
		if (match && !alive(Number(match[1]))) {
			removeNamespace(name);
		}
	}
}

function removeNamespace(name: string): void {
	const pids = spawnSync('ip', ['netns', 'pids', name], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean);
	for (const pid of pids) {
		try {
			process.kill(Number(pid), 'SIGKILL');
		} catch {}
	}

	spawnSync('ip', ['netns', 'del', name]);
}

/** One test host: a namespace with `eth0` on the bridge. */
export type TestHost = {readonly ns: string; readonly v4: string; readonly v6: string; readonly bridgePort: string};

/** The test network: a host and three members on one bridge, in a namespace of its own. */
export type Topology = {
	readonly bridge: string;
	readonly host: TestHost & {readonly v4b: string; readonly linkLocal: string};
	readonly members: readonly [TestHost, TestHost, TestHost];
	/** Runs a command inside a namespace. */
	exec(ns: string, command: string, args: readonly string[]): string;
	remove(): void;
};

/**
 * Builds the network: namespaces `sctt-PID-br` (the bridge), `-h` (the host: 10.77.0.1 and
 * 10.77.0.11, fd77::1, fe80::1) and `-m1`..`-m3` (10.77.0.2N, fd77::2N). Only on-link routes:
 * nothing can leave these namespaces, and the machine's own interfaces are never touched.
 * IPv6 duplicate address detection is off, so addresses work at once.
 */
export function buildTopology(): Topology {
	const run = `${NETNS_PREFIX}-${process.pid}`;
	const bridge = `${run}-br`;
	const made: string[] = [];
	const exec = (ns: string, command: string, args: readonly string[]) => sh('ip', ['netns', 'exec', ns, command, ...args]);
	const remove = () => {
		for (const name of made.reverse()) {
			removeNamespace(name);
		}
	};

	const add = (name: string) => {
		sh('ip', ['netns', 'add', name]);
		made.push(name);
		exec(name, 'sysctl', ['-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
		sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
	};

	try {
		add(bridge);
		sh('ip', ['-n', bridge, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
		sh('ip', ['-n', bridge, 'link', 'set', 'br0', 'up']);
		const attach = (suffix: string, v4: string, v6: string): TestHost => {
			const ns = `${run}-${suffix}`;
			add(ns);
			const bridgePort = `v${suffix}`;
			sh('ip', ['-n', bridge, 'link', 'add', bridgePort, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
			sh('ip', ['-n', bridge, 'link', 'set', bridgePort, 'master', 'br0', 'up']);
			sh('ip', ['-n', ns, 'addr', 'add', `${v4}/24`, 'dev', 'eth0']);
			sh('ip', ['-n', ns, '-6', 'addr', 'add', `${v6}/64`, 'dev', 'eth0', 'nodad']);
			sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
			return {ns, v4, v6, bridgePort};
		};

		const host = attach('h', '10.77.0.1', 'fd77::1');
		sh('ip', ['-n', host.ns, 'addr', 'add', '10.77.0.11/24', 'dev', 'eth0']);
		sh('ip', ['-n', host.ns, '-6', 'addr', 'add', 'fe80::1/64', 'dev', 'eth0', 'nodad']);
		const members = [attach('m1', '10.77.0.21', 'fd77::21'), attach('m2', '10.77.0.22', 'fd77::22'), attach('m3', '10.77.0.23', 'fd77::23')] as const;
		return {bridge, host: {...host, v4b: '10.77.0.11', linkLocal: 'fe80::1'}, members, exec, remove};
	} catch (error) {
		remove();
		throw error;
	}
}
