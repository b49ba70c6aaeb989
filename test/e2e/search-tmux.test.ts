import {afterEach, expect, test} from 'vitest';
import {cliPath, runCli, type CliProcess} from '../helpers/cli-process.js';
import {Terminals} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

let terminals: Terminals | undefined;
const running: CliProcess[] = [];

afterEach(() => {
	terminals?.close();
	for (const process of running.splice(0)) {
		process.child.kill('SIGKILL');
	}
});

test('searching in a real terminal: Ctrl+F, type, "1 of 2", Enter and n move, Esc closes', async () => {
	terminals = new Terminals();
	const t = terminals;
	const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
	t.start('alice', `${cli} --host --bind 127.0.0.1 --port 0 --transfer-port 0 --name alice`);
	const [, port] = await t.waitFor('alice', /others join with \(lo\): npx socket-chat-tui --join 127\.0\.0\.1:(\d+)/);
	const bob = runCli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--plain']);
	running.push(bob);
	bob.child.stdin.write('Lunch at noon?\nok\nthe lunch was good\n');
	await t.waitFor('alice', 'bob: the lunch was good');

	t.type('alice', 'C-f');
	await t.waitFor('alice', 'Esc: close');
	t.type('alice', '-l', 'lunch');
	await t.waitFor('alice', /find: lunch\s+1 of 2/);
	t.type('alice', 'Enter');
	await t.waitFor('alice', /find: lunch\s+2 of 2/);
	t.type('alice', 'n');
	await t.waitFor('alice', /find: lunch\s+1 of 2/);
	t.type('alice', 'Escape');
	await waitFor(() => !t.screen('alice').includes('find:') && t.screen('alice').includes('type a message'), {what: () => `the search closed:\n${t.screen('alice')}`});
	expect(t.screen('alice')).toContain('bob: Lunch at noon?');
	t.type('alice', 'C-c');
	await waitFor(() => !t.running('alice'), {what: "alice's program to exit"});
});
