import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {cliPath, headlessHub, runCli, type CliProcess} from '../helpers/cli-process.js';
import {Terminals} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const ESC = '\u001B';
const BEL = '\u0007';
const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;

let terminals: Terminals;
let hub: CliProcess;
let bob: CliProcess | undefined;
let port: number;
let folder: string;

beforeAll(async () => {
	folder = mkdtempSync(path.join(tmpdir(), 'tui-notify-'));
	terminals = new Terminals();
	({hub, port} = await headlessHub());
});

afterAll(() => {
	terminals.close();
	bob?.child.kill();
	hub.child.kill();
	rmSync(folder, {recursive: true, force: true});
});

/**
 * Starts a TUI member in tmux with everything it writes recorded from its first byte: the
 * program waits for the recording to be on (a file) before it starts.
 */
async function tui(name: string, flags = ''): Promise<string> {
	const output = path.join(folder, `${name}.out`);
	const go = path.join(folder, `${name}.go`);
	terminals.start(
		name,
		`sh -c 'while [ ! -e ${go} ]; do sleep 0.02; done; XDG_DATA_HOME=${folder} exec ${cli} --join 127.0.0.1:${port} --name ${name} ${flags}'`,
		110,
		30,
	);
	terminals.recordOutput(name, output);
	writeFileSync(go, '');
	await terminals.waitFor(name, `● connected · joined · 127.0.0.1:${port} · as ${name}`);
	return output;
}

const raw = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

test('in the background, a mention raises a notification through tmux and the title counts it; focus back resets it; --no-notify does neither; line mode writes none', async () => {
	const aliceOut = await tui('alice');
	const carolOut = await tui('carol', '--no-notify');
	expect(raw(aliceOut)).toContain(`${ESC}[?1004h`);
	expect(raw(carolOut)).not.toContain(`${ESC}[?1004h`);
	const carolTitle = terminals.format('carol', '#{pane_title}');

	// The terminal reports the focus going away (as tmux does with focus-events on).
	terminals.sendBytes('alice', `${ESC}[O`);
	terminals.sendBytes('carol', `${ESC}[O`);
	bob = runCli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--plain']);
	let sent = 0;
	// Each line is a mention of both; one is enough once alice has read her focus report (no sleep:
	// another goes out only if the title has not counted the last one within 3 s).
	await waitFor(
		async () => {
			sent++;
			bob!.child.stdin.write(`alice carol: look ${sent}\n`);
			await terminals.waitFor('alice', `alice carol: look ${sent}`, 10_000);
			return waitFor(() => /^\(\d+\) socket-chat-tui$/.test(terminals.format('alice', '#{pane_title}')) || undefined, {timeoutMs: 3000}).catch(() => undefined);
		},
		{timeoutMs: 30_000, what: () => `alice's title to count unread: "${terminals.format('alice', '#{pane_title}')}"`},
	);
	expect(terminals.format('alice', '#{pane_title}')).toMatch(/^\(\d\) socket-chat-tui$/);
	// The notification went to tmux wrapped for passthrough (tmux shows it with allow-passthrough on).
	await waitFor(() => raw(aliceOut).includes(`${ESC}Ptmux;${ESC}${ESC}]9;bob mentioned you: alice carol: look`), {what: () => `the notification in alice's output: ${JSON.stringify(raw(aliceOut).slice(-400))}`});
	expect(raw(aliceOut)).toContain(`${ESC}]2;(1) socket-chat-tui${BEL}`);

	terminals.sendBytes('alice', `${ESC}[I`);
	await waitFor(() => terminals.format('alice', '#{pane_title}') === 'socket-chat-tui' || undefined, {what: () => `the title reset: "${terminals.format('alice', '#{pane_title}')}"`});
	expect(terminals.screen('alice')).not.toMatch(/\[[IO]/);

	// carol asked for none of it: no notification, no title, nothing but the screen.
	await terminals.waitFor('carol', `alice carol: look ${sent}`);
	expect(terminals.format('carol', '#{pane_title}')).toBe(carolTitle);
	expect(raw(carolOut)).not.toContain(`${ESC}]9;`);
	expect(raw(carolOut)).not.toContain(`${ESC}]2;`);
	expect(raw(carolOut)).not.toContain(`${ESC}Ptmux;`);

	// Line mode never writes any of it, nor a hyperlink, for a mention or a link.
	terminals.type('alice', 'bob: see https://example.com/x', 'Enter');
	await waitFor(() => bob!.stdout.includes('https://example.com/x'), {what: () => `the link at bob: ${bob!.stdout}`});
	expect(bob.stdout).not.toMatch(/[\u0007\u001B]/);

	// Leaving turns focus reporting off again and gives the old title back.
	terminals.type('alice', 'C-c');
	await waitFor(() => !terminals.running('alice') || undefined, {what: "alice's program to exit"});
	const out = raw(aliceOut);
	expect(out.indexOf(`${ESC}[22;0t`)).toBeGreaterThan(-1);
	expect(out.lastIndexOf(`${ESC}[?1004l`)).toBeGreaterThan(out.lastIndexOf(`${ESC}[?1004h`));
	expect(out.lastIndexOf(`${ESC}[23;0t`)).toBeGreaterThan(out.lastIndexOf(`${ESC}]2;`));
});
