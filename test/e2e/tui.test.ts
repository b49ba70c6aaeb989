import {afterEach, expect, test} from 'vitest';
import {cliPath} from '../helpers/cli-process.js';
import {Terminals} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

let terminals: Terminals | undefined;

afterEach(() => {
	terminals?.close();
});

test('a host and two joiners in real terminals: talk, see each other, and leave', async () => {
	terminals = new Terminals();
	const t = terminals;
	const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
	t.start('host', `${cli} --host --bind 127.0.0.1 --port 0 --transfer-port 0 --name alice`);
	const [, port] = await t.waitFor('host', /others join with \(lo\): npx socket-chat-tui --join 127\.0\.0\.1:(\d+)/);
	await t.waitFor('host', /● connected · host · .* · open room [a-z0-9]{4}-/);
	expect(t.screen('host')).not.toContain('+ the secret');
	t.start('bob', `${cli} --join 127.0.0.1:${port} --name bob`);
	t.start('carol', `${cli} --join 127.0.0.1:${port}`);
	await t.waitFor('carol', 'Your name:');
	t.type('carol', 'carol', 'Enter');
	for (const name of ['host', 'bob', 'carol']) {
		await t.waitFor(name, 'Members (3)');
	}

	const members = t.screen('carol');
	expect(members).toMatch(/alice \(host\)/);
	expect(members).toMatch(/carol \(you\)/);
	expect(members).toMatch(/│\s+bob\s/);

	t.type('bob', 'hello from bob', 'Enter');
	await t.waitFor('host', 'bob: hello from bob');
	await t.waitFor('carol', 'bob: hello from bob');
	t.type('host', 'welcome, both of you', 'Enter');
	await t.waitFor('bob', 'alice: welcome, both of you');
	await t.waitFor('carol', 'alice: welcome, both of you');

	t.type('carol', '/quit', 'Enter');
	await t.waitFor('host', 'carol left');
	await t.waitFor('bob', 'carol left');
	await t.waitFor('host', 'Members (2)');
	await t.waitFor('bob', 'Members (2)');
	await waitFor(() => !t.running('carol'), {what: "carol's program to exit"});

	t.type('bob', 'C-c');
	await t.waitFor('host', 'bob left');
	await t.waitFor('host', 'Members (1)');
	await waitFor(() => !t.running('bob'), {what: "bob's program to exit"});
});

test('a terminal too small says so, and recovers when it grows', async () => {
	terminals = new Terminals();
	const t = terminals;
	const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
	t.start('tiny', `${cli} --host --bind 127.0.0.1 --port 0 --transfer-port 0 --name solo`, 40, 10);
	await t.waitFor('tiny', 'too small');
	t.resize('tiny', 100, 30);
	await t.waitFor('tiny', 'Members (1)');
});

test('a private room asks for its secret in a hidden prompt; a wrong one asks again; the right one joins', async () => {
	terminals = new Terminals();
	const t = terminals;
	const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
	t.start('host', `SOCKET_CHAT_SECRET=sesame ${cli} --host --bind 127.0.0.1 --port 0 --transfer-port 0 --name alice`);
	const [, port] = await t.waitFor('host', /others join with \(lo\): npx socket-chat-tui --join 127\.0\.0\.1:(\d+)/);
	// The secret came from the environment: the host is still told its room is private, and that
	// others need the secret (a newcomer's run found it called "open room: anyone ... can read it").
	await t.waitFor('host', /● connected · host · .* · private [a-z0-9]{4}-/);
	expect(t.screen('host')).toContain('+ the secret');
	expect(t.screen('host')).not.toContain('anyone on the network');
	t.start('bob', `${cli} --join 127.0.0.1:${port} --name bob`);
	await t.waitFor('bob', 'Room secret:');
	t.type('bob', 'wrong', 'Enter');
	await t.waitFor('bob', 'wrong room secret');
	expect(t.screen('bob')).not.toMatch(/Room secret: wrong/);
	t.type('bob', 'sesame');
	// Masked while typed: the screen shows stars, never the secret.
	await t.waitFor('bob', 'Room secret: ******');
	expect(t.screen('bob')).not.toContain('sesame');
	t.type('bob', 'Enter');
	await t.waitFor('bob', 'Members (2)');
	await t.waitFor('bob', /● connected · joined · .* · private [a-z0-9]{4}-/);
	await t.waitFor('host', 'Members (2)');
	t.type('bob', 'psst', 'Enter');
	await t.waitFor('host', 'bob: psst');
});
