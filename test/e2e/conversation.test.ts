/**
 * Replies, reactions and presence through the real CLI in line mode, with the JSON fields the
 * README promises: `replyTo` on a message, `reaction` and `presence` events, the headless hub's
 * log, and --plain's lines.
 */
import {afterEach, expect, test} from 'vitest';
import {headlessHub, runCli, type CliProcess} from '../helpers/cli-process.js';
import {waitFor} from '../helpers/wait-for.js';

const running: CliProcess[] = [];
afterEach(() => {
	for (const process of running.splice(0)) process.child.kill('SIGKILL');
});

function member(port: number, name: string, format: '--json' | '--plain' = '--json'): CliProcess {
	const started = runCli(['--join', `127.0.0.1:${port}`, '--name', name, format]);
	running.push(started);
	return started;
}

test('a reply, a reaction given and taken back, away and back: every member sees them, in --json and --plain, and the hub logs them', async () => {
	const {hub, port} = await headlessHub();
	running.push(hub);
	const ann = member(port, 'ann');
	const bob = member(port, 'bob');
	const cat = member(port, 'cat', '--plain');
	for (const one of [ann, bob]) await waitFor(() => one.json().some(event => event.type === 'welcome'), {what: () => `welcome\n${one.stderr}`});
	await waitFor(() => cat.stdout.includes('joined'), {what: () => `cat joined\n${cat.stderr}`});
	ann.child.stdin.write('the slides are ready\n');
	const original = await waitFor(() => bob.json().find(event => event.type === 'message' && event.text === 'the slides are ready'), {what: 'the message at bob'});
	const seq = original.seq as number;
	bob.child.stdin.write(`/reply ${seq} thanks!\n`);
	bob.child.stdin.write(`/react ${seq} 👍\n`);
	bob.child.stdin.write(`/react ${seq} 🎉\n`);
	bob.child.stdin.write(`/react ${seq} 👍\n`);
	bob.child.stdin.write('/away at lunch\n');
	bob.child.stdin.write('/back\n');

	const presences = (one: CliProcess) => one.json().filter(event => event.type === 'presence');
	await waitFor(() => presences(ann).length >= 2, {timeoutMs: 20_000, what: () => `presence at ann: ${ann.stdout}`});
	expect(ann.json().find(event => event.type === 'message' && event.text === 'thanks!')).toMatchObject({from: 'bob', replyTo: seq});
	const reactions = ann.json().filter(event => event.type === 'reaction');
	expect(reactions.map(event => [event.from, event.target, event.emoji, event.removed])).toEqual([
		['bob', seq, '👍', false],
		['bob', seq, '🎉', false],
		['bob', seq, '👍', true],
	]);
	expect(reactions.every(event => typeof event.seq === 'number' && typeof event.time === 'string')).toBe(true);
	expect(presences(ann).map(event => [event.name, event.state, event.reason])).toEqual([
		['bob', 'away', 'at lunch'],
		['bob', 'here', undefined],
	]);
	// --plain: readable lines for the same.
	await waitFor(() => cat.stdout.includes('* bob is back'), {what: () => `cat's lines: ${cat.stdout}`});
	expect(cat.stdout).toContain(`bob (re #${seq}): thanks!`);
	expect(cat.stdout).toContain(`* bob reacted 👍 to #${seq}`);
	expect(cat.stdout).toContain(`* bob took back 👍 on #${seq}`);
	expect(cat.stdout).toContain('* bob is away (at lunch)');
	// The headless hub's log has them too.
	expect(hub.json().filter(event => event.type === 'reaction')).toHaveLength(3);
	expect(hub.json().filter(event => event.type === 'presence')).toHaveLength(2);

	// A newcomer gets the reactions with the history.
	const dan = member(port, 'dan');
	await waitFor(() => dan.json().some(event => event.type === 'welcome'), {what: 'dan in'});
	await waitFor(() => dan.json().filter(event => event.type === 'reaction' && event.history === true).length === 3, {what: () => `dan's history: ${dan.stdout}`});

	// Refused with a reason, nothing sent: a number that is no message.
	bob.child.stdin.write('/react 99999 👍\n');
	await waitFor(() => bob.json().some(event => event.type === 'error' && String(event.text).includes('#99999')), {what: () => `bob's error: ${bob.stdout}`});
	for (const one of [ann, bob, cat, dan]) one.child.stdin.end();
	for (const one of [ann, bob, cat, dan]) expect(await one.exited(20_000)).toBe(0);
}, 60_000);
