import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {waitFor} from './wait-for.js';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A running CLI process with its output collected as it arrives. */
export type CliProcess = {
	readonly child: ChildProcessWithoutNullStreams;
	stdout: string;
	stderr: string;
	exitCode: number | null | undefined;
	/** Parsed JSON lines of stdout so far. */
	json(): Array<Record<string, unknown>>;
	exited(timeoutMs?: number): Promise<number>;
};

/** Starts `node dist/cli.js ARGS` (built by `npm test` before the tests run), with `env` added to this process's environment. */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): CliProcess {
	// A data folder of its own (history, pinned room keys), never the real one's.
	const data = mkdtempSync(path.join(process.env.XDG_DATA_HOME ?? tmpdir(), 'cli-data-'));
	return watchProcess(spawn(process.execPath, [cliPath, ...args], {stdio: 'pipe', env: {...process.env, XDG_DATA_HOME: data, FORCE_COLOR: '0', ...env}}), args.join(' '));
}

/** Collects a started CLI's output as it arrives, and its exit code; `label` names it in failures. */
export function watchProcess(child: ChildProcessWithoutNullStreams, label: string, exitTimeoutMs = 15_000): CliProcess {
	const cli: CliProcess = {
		child,
		stdout: '',
		stderr: '',
		exitCode: undefined,
		json() {
			return this.stdout
				.split('\n')
				.filter(line => line.startsWith('{'))
				.map(line => JSON.parse(line) as Record<string, unknown>);
		},
		async exited(timeoutMs = exitTimeoutMs) {
			await waitFor(() => this.exitCode !== undefined, {timeoutMs, what: () => `exit of ${label}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`});
			return this.exitCode!;
		},
	};
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		cli.stdout += chunk;
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		cli.stderr += chunk;
	});
	child.on('exit', code => {
		cli.exitCode = code;
	});
	return cli;
}

/** Starts a headless hub on 127.0.0.1 with a system-chosen port and resolves that port. */
export async function headlessHub(): Promise<{hub: CliProcess; port: number}> {
	const hub = runCli(['--host', '--headless', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--json']);
	const hosting = await waitFor(() => hub.json().find(event => event.type === 'hosting'), {
		what: () => `the hub to start\nstderr: ${hub.stderr}`,
	});
	return {hub, port: hosting.port as number};
}
