/**
 * Start-up time of the real CLI: `--help` to exit, and a headless host on 127.0.0.1 (ports 0)
 * until it prints its `{"type":"hosting"}` line. The median of N runs of each.
 */
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {median, nowMs} from './util.js';

export type StartupResult = {runs: number; helpMs: number; hostMs: number; helpAll: number[]; hostAll: number[]};

const cli = fileURLToPath(new URL('../cli.js', import.meta.url));

async function timeHelp(): Promise<number> {
	const started = nowMs();
	const child = spawn(process.execPath, [cli, '--help'], {stdio: 'ignore'});
	const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	const code = await new Promise<number | null>(resolve => child.once('exit', resolve));
	clearTimeout(timer);
	if (code !== 0) throw new Error(`--help exited ${code}`);
	return nowMs() - started;
}

async function timeHost(): Promise<number> {
	const started = nowMs();
	const child = spawn(process.execPath, [cli, '--host', '--headless', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--json'], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	try {
		return await new Promise<number>((resolve, reject) => {
			let output = '';
			child.stdout!.on('data', (chunk: Buffer) => {
				output += chunk.toString();
				if (output.includes('"type":"hosting"')) resolve(nowMs() - started);
			});
			child.stderr!.on('data', (chunk: Buffer) => {
				output += chunk.toString();
			});
			child.once('exit', code => reject(new Error(`the host exited (${code}) before hosting: ${output.slice(0, 500)}`)));
		});
	} finally {
		if (child.exitCode === null) {
			const gone = new Promise(resolve => child.once('exit', resolve));
			child.kill('SIGINT');
			const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
			await gone;
			clearTimeout(hard);
		}

		clearTimeout(timer);
	}
}

export async function runStartup(runs: number): Promise<StartupResult> {
	await timeHelp(); // warm the file cache once, untimed
	const helpAll: number[] = [];
	const hostAll: number[] = [];
	for (let run = 0; run < runs; run++) {
		helpAll.push(await timeHelp());
		hostAll.push(await timeHost());
	}

	return {runs, helpMs: median(helpAll), hostMs: median(hostAll), helpAll, hostAll};
}
