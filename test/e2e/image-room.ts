/**
 * The room the image-preview runs share: a scratch folder, tmux terminals, alice hosting in one
 * of them, and bob in line mode who offers pictures. `close()` ends it all (call it afterEach).
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {cliPath, runCli, type CliProcess} from '../helpers/cli-process.js';
import {Terminals} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

/** The CLI as a terminal runs it, with colours allowed (previews are colours). */
export const tuiCommand = `env -u NO_COLOR ${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;

export class ImageRoom {
	readonly t = new Terminals();
	port = 0;
	readonly #running: CliProcess[] = [];

	private constructor(readonly scratch: string) {}

	static async open(prefix: string): Promise<ImageRoom> {
		return new ImageRoom(await mkdtemp(path.join(tmpdir(), prefix)));
	}

	/** A file in the scratch folder; returns its path. */
	async file(name: string, bytes: Uint8Array): Promise<string> {
		const where = path.join(this.scratch, name);
		await writeFile(where, bytes);
		return where;
	}

	/** `--download-dir` for a member of this room. */
	downloads(name: string): string {
		return `--download-dir ${JSON.stringify(path.join(this.scratch, name))}`;
	}

	/** alice hosts in a terminal (`command` the CLI, with whatever env it needs); resolves once others can join. */
	async host(command = tuiCommand): Promise<number> {
		this.t.start('alice', `${command} --host --bind 127.0.0.1 --port 0 --transfer-port 0 --name alice ${this.downloads('alice')}`);
		const [, port] = await this.t.waitFor('alice', /others join with \(lo\): npx socket-chat-tui --join 127\.0\.0\.1:(\d+)/);
		this.port = Number(port);
		return this.port;
	}

	/** `name` joins in a terminal of its own, with these flags. */
	join(name: string, flags = '', command = tuiCommand): void {
		this.t.start(name, `${command} --join 127.0.0.1:${this.port} --name ${name} ${flags} ${this.downloads(name)}`);
	}

	/** bob joins in line mode; resolves once alice sees him. */
	async bob(): Promise<CliProcess> {
		const bob = runCli(['--join', `127.0.0.1:${this.port}`, '--name', 'bob', '--plain', '--download-dir', path.join(this.scratch, 'bob')]);
		this.#running.push(bob);
		await this.t.waitFor('alice', 'bob joined');
		return bob;
	}

	/** bob offers the file at `file`; resolves with the offer's id. */
	async offer(bob: CliProcess, file: string): Promise<string> {
		const name = path.basename(file).replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&');
		bob.child.stdin.write(`/send ${file}\n`);
		const sent = new RegExp(`sent ${name} to the room \\(offer ([a-z0-9]+)`);
		return waitFor(() => sent.exec(bob.stdout)?.[1], {what: () => `bob's offer of ${file}: ${bob.stdout} ${bob.stderr}`});
	}

	async close(): Promise<void> {
		this.t.close();
		for (const process of this.#running.splice(0)) process.child.kill('SIGKILL');
		await rm(this.scratch, {recursive: true, force: true});
	}
}
