import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, expect, test} from 'vitest';
import {cliPath, headlessHub, runCli, type CliProcess} from '../helpers/cli-process.js';
import {Terminals} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
let terminals: Terminals | undefined;
let hub: CliProcess | undefined;
let watcher: CliProcess | undefined;
const folder = mkdtempSync(path.join(tmpdir(), 'sct-outage-'));

afterAll(() => {
	if (hub?.child.pid !== undefined && hub.exitCode === undefined) process.kill(hub.child.pid, 'SIGCONT');
	terminals?.close();
	watcher?.child.kill('SIGKILL');
	hub?.child.kill('SIGKILL');
	rmSync(folder, {recursive: true, force: true});
});

test('a line typed while the host is silent stays on screen as waiting, and takes its place once the host is back', async () => {
	let port: number;
	({hub, port} = await headlessHub());
	watcher = runCli(['--join', `127.0.0.1:${port}`, '--name', 'watcher', '--json']);
	await waitFor(() => watcher!.json().some(event => event.type === 'welcome'), {what: 'the watcher to join'});
	terminals = new Terminals();
	const t = terminals;
	t.start('bob', `XDG_DATA_HOME=${JSON.stringify(folder)} ${cli} --join 127.0.0.1:${port} --name bob`, 110, 30);
	await t.waitFor('bob', `● connected · joined · 127.0.0.1:${port} · as bob`);

	// The host freezes (as a machine gone to sleep): nothing it would say comes.
	process.kill(hub.child.pid!, 'SIGSTOP');
	t.type('bob', 'said into the silence', 'Enter');
	await t.waitFor('bob', /\d\d:\d\d bob: said into the silence · sending…/);
	// Once the silence is noticed, the line says what it waits for.
	await t.waitFor('bob', /● reconnecting/, 20_000);
	await t.waitFor('bob', /bob: said into the silence · waits for the host/);
	expect(watcher.json().some(event => event.type === 'message' && event.text === 'said into the silence')).toBe(false);

	process.kill(hub.child.pid!, 'SIGCONT');
	await waitFor(() => watcher!.json().some(event => event.type === 'message' && event.from === 'bob' && event.text === 'said into the silence'), {
		timeoutMs: 30_000,
		what: () => `the line at the watcher\n${t.screen('bob')}`,
	});
	await t.waitFor('bob', /\d\d:\d\d bob: said into the silence +│/, 20_000);
	await waitFor(() => !/said into the silence ·/.test(t.screen('bob')), {what: () => `the waiting mark gone\n${t.screen('bob')}`});
	// Shown once: as the room's line, no longer as a waiting one.
	expect(t.screen('bob').match(/bob: said into the silence/g)).toHaveLength(1);
}, 90_000);
