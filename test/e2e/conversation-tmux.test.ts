/**
 * Replies, reactions, typing and presence in real terminals (tmux): a host and a member in full
 * screen, as people run them, and a third member in line mode.
 */
import {afterEach, expect, test} from 'vitest';
import {cliPath, runCli, type CliProcess} from '../helpers/cli-process.js';
import {Terminals} from '../helpers/tmux.js';
import {waitFor} from '../helpers/wait-for.js';

let terminals: Terminals | undefined;
const running: CliProcess[] = [];

afterEach(() => {
	terminals?.close();
	for (const process of running.splice(0)) process.child.kill('SIGKILL');
});

test('in two terminals: "bob is typing…", a reply by r with its quote, a reaction by + and a digit, away in the member list', async () => {
	terminals = new Terminals();
	const t = terminals;
	const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
	t.start('alice', `${cli} --host --bind 127.0.0.1 --port 0 --transfer-port 0 --name alice`);
	const [, port] = await t.waitFor('alice', /others join with \(lo\): npx socket-chat-tui --join 127\.0\.0\.1:(\d+)/);
	t.start('bob', `${cli} --join 127.0.0.1:${port} --name bob`);
	await t.waitFor('bob', 'as bob');
	const cat = runCli(['--join', `127.0.0.1:${port}`, '--name', 'cat', '--json']);
	running.push(cat);
	await waitFor(() => cat.json().some(event => event.type === 'welcome'), {what: () => `cat in: ${cat.stderr}`});

	t.type('alice', '-l', 'the slides are ready');
	t.type('alice', 'Enter');
	await t.waitFor('bob', 'alice: the slides are ready');
	// Typing shows on the other side, above its input.
	t.type('bob', '-l', 'thank');
	await t.waitFor('alice', 'bob is typing…');
	await waitFor(() => cat.json().some(event => event.type === 'typing' && event.from === 'bob' && event.active === true), {what: () => `cat's typing event: ${cat.stdout}`});
	t.type('bob', 'C-u');

	// Bob selects alice's message (Esc to the messages pane, Up) and replies with r.
	// (A person pauses after Esc: it is a key of its own, not the start of the next sequence.)
	t.type('bob', 'Escape');
	await t.waitFor('bob', '╔═ Messages');
	t.type('bob', 'Up');
	await t.waitFor('bob', /#\d+ · r: reply · \+: react/);
	t.type('bob', 'r');
	await t.waitFor('bob', /› \/reply \d+/);
	t.type('bob', '-l', 'thanks!');
	t.type('bob', 'Enter');
	const alice = await t.waitFor('alice', 'bob: thanks!');
	expect(alice[0]).toBeDefined();
	const screen = t.screen('alice');
	expect(screen.indexOf('↳ alice: the slides are ready')).toBeGreaterThan(-1);
	expect(screen.indexOf('↳ alice: the slides are ready')).toBeLessThan(screen.indexOf('bob: thanks!'));
	// Typing ended with the message.
	await waitFor(() => !t.screen('alice').includes('bob is typing'), {what: () => `typing gone:\n${t.screen('alice')}`});

	// A reaction from alice: select the message, +, 1 (👍); both screens count it.
	t.type('alice', 'Escape');
	await t.waitFor('alice', '╔═ Messages');
	t.type('alice', 'Up');
	await t.waitFor('alice', /#\d+ · r: reply/);
	t.type('alice', '+');
	await t.waitFor('alice', /react to #\d+: 1 👍/);
	t.type('alice', '1');
	await t.waitFor('bob', '👍 1');
	await t.waitFor('alice', '👍 1');
	const reaction = await waitFor(() => cat.json().find(event => event.type === 'reaction'), {what: () => `cat's reaction event: ${cat.stdout}`});
	expect(reaction).toMatchObject({from: 'alice', emoji: '👍', removed: false});

	// Away: the member list says so on the other screen.
	t.type('bob', '-l', '/away lunch');
	t.type('bob', 'Enter');
	await t.waitFor('alice', 'bob · away');
	t.type('alice', 'C-c');
	t.type('bob', 'C-c');
	await waitFor(() => !t.running('alice') && !t.running('bob'), {what: 'both programs to exit'});
}, 90_000);
