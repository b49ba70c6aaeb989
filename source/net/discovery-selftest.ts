import {randomBytes} from 'node:crypto';
import dgram from 'node:dgram';
import {isIPv6} from 'node:net';
import {ANNOUNCE_INTERVAL_MS, encodeDiscovery} from '../protocol/discovery-wire.js';
import {DEFAULT_PORT} from '../protocol/limits.js';
import {formatHostPort} from './address.js';
import {watchRooms, type RoomWatch} from './discovery-listen.js';
import type {FoundRoom} from './discovery-rooms.js';
import type {DiscoveryTarget} from './discovery-targets.js';
import type {MdnsOptions} from './mdns.js';

/** One target of the self-test: did a probe sent there come back to a listener on this machine? */
/** Rooms announce every ANNOUNCE_INTERVAL_MS: listening a little longer hears each one at least once. */
export const SELFTEST_LISTEN_MS = ANNOUNCE_INTERVAL_MS + 300;

export type DiscoveryCheck = DiscoveryTarget & {
	readonly heard: boolean;
	/** Why the probe could not even be sent (EACCES, ENETUNREACH ...). */
	readonly error?: string;
	/** What a person can do about it, when not heard. */
	readonly hint?: string;
};

/** The verdict: `works` (a broadcast came back), `this-machine` (loopback only), `partial`, `failed`. */
export type DiscoveryVerdict = 'works' | 'this-machine' | 'partial' | 'failed';

/** What the discovery self-test found. */
export type DiscoverySelfTest = {
	readonly verdict: DiscoveryVerdict;
	/** False when the discovery port could not be bound (then nothing is heard). */
	readonly listening: boolean;
	readonly listenError?: string;
	readonly checks: readonly DiscoveryCheck[];
	/** Rooms announced by hubs (this one or others) while the test listened, by either path. */
	readonly rooms: readonly FoundRoom[];
	/** The DNS-SD browse that ran beside it: where it asked and what failed; undefined when mDNS is off. */
	readonly mdns?: {readonly interfaces: readonly string[]; readonly failures: ReadonlyMap<string, string>};
};

/** Options of `selfTestDiscovery`. */
export type SelfTestOptions = {
	readonly discoveryPort: number;
	readonly targets: readonly DiscoveryTarget[];
	/** Listen and send on 127.0.0.1 only (tests: nothing leaves the machine). */
	readonly loopbackOnly?: boolean;
	/** How long to listen for the probes and for rooms (default: one announcement interval and a bit, so every running room is heard). */
	readonly timeoutMs?: number;
	/** This machine's hub port, if it hosts a room: hints then name the exact --join to type. */
	readonly hubPort?: number;
	/** Browse DNS-SD over mDNS meanwhile (default: no). */
	readonly mdns?: MdnsOptions | false;
};

/** Sends a probe to each target and checks that a listener on the discovery port hears it. */
export async function selfTestDiscovery(options: SelfTestOptions): Promise<DiscoverySelfTest> {
	const {discoveryPort} = options;
	const local = options.loopbackOnly ? '127.0.0.1' : '0.0.0.0';
	const targets = options.loopbackOnly ? options.targets.filter(target => target.address === '127.0.0.1') : options.targets;
	const base = randomBytes(6).toString('hex');
	const heard = new Set<string>();
	let watch: RoomWatch;
	try {
		watch = await watchRooms({
			discoveryPort,
			bind: local,
			mdns: options.mdns,
			onMessage(message) {
				if (message.k === 'probe' && message.nonce.startsWith(`${base}-`)) {
					heard.add(message.nonce);
				}
			},
		});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
		const checks = targets.map(target => ({...target, heard: false, hint: listenHint(code, discoveryPort)}));
		return {verdict: 'failed', listening: false, listenError: code, checks, rooms: []};
	}

	const errors = new Map<number, string>();
	let mdns: DiscoverySelfTest['mdns'];
	const sender = dgram.createSocket('udp4');
	try {
		await new Promise<void>((resolve, reject) => {
			sender.once('error', reject);
			sender.bind(0, local, () => {
				sender.off('error', reject);
				resolve();
			});
		});
		sender.on('error', () => undefined);
		sender.setBroadcast(true);
		await Promise.all(targets.map(async (target, index) => new Promise<void>(resolve => {
			if (isIPv6(target.address)) {
				errors.set(index, 'IPv6 is not tested');
				resolve();
				return;
			}

			sender.send(encodeDiscovery({k: 'probe', nonce: `${base}-${index}`}), discoveryPort, target.address, error => {
				if (error) {
					errors.set(index, (error as NodeJS.ErrnoException).code ?? error.message);
				}

				resolve();
			});
		})));
		// Listen the whole time, not just until the probes are back: rooms heard meanwhile are proof too.
		await new Promise(resolve => {
			setTimeout(resolve, options.timeoutMs ?? SELFTEST_LISTEN_MS);
		});
	} catch (error) {
		for (const [index] of targets.entries()) {
			errors.set(index, errors.get(index) ?? (error as Error).message);
		}
	} finally {
		sender.close();
		mdns = watch.mdnsStatus();
		await watch.close();
	}

	const checks = targets.map((target, index): DiscoveryCheck => {
		const error = errors.get(index);
		const ok = heard.has(`${base}-${index}`);
		return ok ? {...target, heard: true} : {...target, heard: false, ...(error ? {error} : {}), hint: missHint(target, discoveryPort, options.hubPort, error)};
	});
	return {verdict: verdictOf(checks), listening: true, checks, rooms: watch.rooms(), ...(mdns ? {mdns} : {})};
}

function verdictOf(checks: readonly DiscoveryCheck[]): DiscoveryVerdict {
	const heard = checks.filter(check => check.heard);
	if (heard.length === 0) {
		return 'failed';
	}

	if (heard.length < checks.length) {
		return 'partial';
	}

	return heard.some(check => check.kind === 'broadcast') ? 'works' : 'this-machine';
}

function listenHint(code: string, port: number): string {
	return code === 'EADDRINUSE'
		? `UDP port ${port} is held by another program that does not share it: stop it, or use another discovery port`
		: `cannot listen on UDP port ${port} (${code}): rooms cannot be discovered here; join by address: --join ADDR[:PORT]`;
}

function missHint(target: DiscoveryTarget, port: number, hubPort: number | undefined, error: string | undefined): string {
	const joinBy = target.source && hubPort ? `--join ${formatHostPort(target.source, hubPort)}` : '--join ADDR';
	if (target.kind === 'loopback') {
		return `${target.address} was not heard back${error ? ` (${error})` : ''}: a local firewall may block UDP port ${port}; on this machine join by address: --join ${formatHostPort(target.address, hubPort ?? DEFAULT_PORT)}`;
	}

	const where = `broadcast to ${target.address}${target.interface ? ` (${target.interface})` : ''}`;
	if (error === 'EACCES' || error === 'EPERM') {
		return `${where} was refused (${error}): a firewall or sandbox forbids broadcast here; join by address instead: ${joinBy}`;
	}

	if (error) {
		return `${where} could not be sent (${error}): is the interface still up? Join by address instead: ${joinBy}`;
	}

	return `${where} was not heard back: a firewall may block UDP port ${port}, or the network drops broadcast (guest Wi-Fi often does); join by address instead: ${joinBy}`;
}
