import {spawn} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {cliPath, watchProcess, type CliProcess} from '../helpers/cli-process.js';
import {waitFor} from '../helpers/wait-for.js';

/** The CLI processes started so far, so every one is stopped however the tests end. */
export const started = new Set<CliProcess>();

/**
 * Starts `node dist/cli.js ARGS` inside a namespace (`ip netns exec` runs it in place, so the
 * child is node itself). mDNS is on: in a test namespace it reaches only the test network.
 */
export function cliIn(ns: string, args: readonly string[]): CliProcess & {write(line: string): void} {
	// A data folder of its own (history, pinned room keys), never the real one's.
	const environment: NodeJS.ProcessEnv = {...process.env, FORCE_COLOR: '0', XDG_DATA_HOME: mkdtempSync(path.join(process.env.XDG_DATA_HOME ?? tmpdir(), 'netns-data-'))};
	delete environment.SOCKET_CHAT_MDNS;
	const child = spawn('ip', ['netns', 'exec', ns, process.execPath, cliPath, ...args], {stdio: 'pipe', env: environment});
	const cli = Object.assign(watchProcess(child, `${args.join(' ')} in ${ns}`, 20_000), {
		write(line: string) {
			child.stdin.write(`${line}\n`);
		},
	});
	child.on('exit', () => {
		started.delete(cli);
	});
	started.add(cli);
	return cli;
}

/** Stops every CLI still running (SIGKILL: the namespaces go next). */
export function stopAll(): void {
	for (const cli of started) {
		cli.child.kill('SIGKILL');
	}
}

/** The texts of the room's messages a member printed, in the order it printed them, with their seq. */
export function messages(cli: CliProcess): Array<{seq: number; from: string; text: string}> {
	return cli
		.json()
		.filter(event => event.type === 'message')
		.map(event => ({seq: event.seq as number, from: event.from as string, text: event.text as string}));
}

/** Waits for a member to print a message with this text. */
export async function sawText(cli: CliProcess, text: string, timeoutMs = 15_000): Promise<void> {
	await waitFor(() => messages(cli).some(message => message.text === text), {timeoutMs, what: () => `"${text.slice(0, 40)}" at a member\nstderr: ${cli.stderr}`});
}

/** Waits for a member's welcome (it joined the room). */
export async function welcomed(cli: CliProcess, timeoutMs = 15_000): Promise<Record<string, unknown>> {
	return waitFor(() => cli.json().find(event => event.type === 'welcome'), {timeoutMs, what: () => `a welcome\nstdout: ${cli.stdout}\nstderr: ${cli.stderr}`});
}
