import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {headlessHub, runCli, type CliProcess} from '../helpers/cli-process.js';
import {waitFor} from '../helpers/wait-for.js';

const running: CliProcess[] = [];
const folders: string[] = [];
function cli(args: readonly string[]): CliProcess {
	const started = runCli(args);
	running.push(started);
	return started;
}

afterEach(async () => {
	for (const process of running.splice(0)) {
		process.child.kill('SIGKILL');
	}

	await Promise.all(folders.splice(0).map(async folder => rm(folder, {recursive: true, force: true})));
});

const said = (member: CliProcess, type: string, text: string) => member.json().some(event => event.type === type && event.text === text);

test('line mode: /find prints the matching lines held with their seq (--json and --plain)', async () => {
	const {hub, port} = await headlessHub();
	running.push(hub);
	const carol = cli(['--join', `127.0.0.1:${port}`, '--name', 'carol', '--json']);
	const dave = cli(['--join', `127.0.0.1:${port}`, '--name', 'dave', '--plain']);
	await waitFor(() => carol.json().some(event => event.type === 'welcome'), {what: () => `carol welcomed: ${carol.stderr}`});
	await waitFor(() => dave.stdout.includes('* joined'), {what: () => `dave joined: ${dave.stderr}`});
	const bob = cli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--plain']);
	bob.child.stdin.write('Lunch at noon?\nok\n/me wants LUNCH\n');
	await waitFor(() => said(carol, 'message', 'wants LUNCH') && dave.stdout.includes('* bob wants LUNCH'), {what: () => `bob's lines at carol and dave:\n${carol.stdout}\n${dave.stdout}`});
	carol.child.stdin.write('/find lunch\n');
	const found = await waitFor(() => carol.json().find(event => event.type === 'find'), {what: () => `carol's find:\n${carol.stdout}`});
	const seqOf = (text: string) => carol.json().find(event => event.type === 'message' && event.text === text)?.seq;
	expect(found).toEqual({
		type: 'find',
		query: 'lunch',
		matches: [
			{seq: seqOf('Lunch at noon?'), from: 'bob', text: 'Lunch at noon?'},
			{seq: seqOf('wants LUNCH'), from: 'bob', text: 'wants LUNCH'},
		],
	});
	dave.child.stdin.write('/find NOON\n');
	await waitFor(() => dave.stdout.includes('* find "NOON": 1 line of those held\n'), {what: () => `dave's find:\n${dave.stdout}`});
	expect(dave.stdout).toContain(`\n  #${String(seqOf('Lunch at noon?'))} bob: Lunch at noon?\n`);
	carol.child.stdin.write('/find\n');
	await waitFor(() => said(carol, 'error', 'usage: /find TEXT'), {what: () => `carol's usage error:\n${carol.stdout}`});
});

test('line mode: /ignore hides a member (renames followed), is remembered for the room, and refuses yourself', async () => {
	const {hub, port} = await headlessHub();
	running.push(hub);
	const data = await mkdtemp(path.join(tmpdir(), 'ignore-cli-'));
	folders.push(data);
	const carol = cli(['--join', `127.0.0.1:${port}`, '--name', 'carol', '--json', '--data-dir', data]);
	await waitFor(() => carol.json().some(event => event.type === 'welcome'), {what: () => `carol welcomed: ${carol.stderr}`});
	const bob = cli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--plain']);
	await waitFor(() => carol.json().some(event => event.type === 'join' && event.name === 'bob'), {what: 'bob joined'});
	carol.child.stdin.write('/ignore Carol\n/ignore BOB\n/ignore erin\n');
	await waitFor(() => said(carol, 'info', 'ignoring erin (not here now): their messages and DMs are hidden here (/unignore erin)'), {
		what: () => `carol's answers:\n${carol.stdout}`,
	});
	expect(said(carol, 'error', 'you cannot ignore yourself')).toBe(true);
	expect(said(carol, 'info', 'ignoring bob: their messages and DMs are hidden here (/unignore bob)')).toBe(true);

	bob.child.stdin.write('hidden one\n/msg carol hidden dm\n/nick robert\nhidden as robert\n');
	bob.child.stdin.end();
	await waitFor(() => carol.json().some(event => event.type === 'leave' && event.name === 'robert'), {what: () => `robert left, at carol:\n${carol.stdout}`});
	expect(carol.json().filter(event => event.type === 'message' || event.type === 'direct')).toEqual([]);
	expect(carol.json().some(event => event.type === 'nick' && event.from === 'bob' && event.to === 'robert')).toBe(true);
	carol.child.stdin.write('/find hidden\n');
	expect(await waitFor(() => carol.json().find(event => event.type === 'find'), {what: 'the find'})).toEqual({type: 'find', query: 'hidden', matches: []});
	carol.child.stdin.end();
	expect(await carol.exited()).toBe(0);

	const again = cli(['--join', `127.0.0.1:${port}`, '--name', 'carol', '--json', '--data-dir', data]);
	await waitFor(() => again.json().some(event => event.type === 'welcome'), {what: () => `carol welcomed again: ${again.stderr}`});
	again.child.stdin.write('/ignore\n');
	await waitFor(() => said(again, 'info', 'ignoring robert, erin (/unignore NAME shows them again)'), {what: () => `the list remembered:\n${again.stdout}`});
	// The history the room sends on joining hides robert's lines too.
	expect(again.json().filter(event => event.type === 'message')).toEqual([]);
	again.child.stdin.end();
	expect(await again.exited()).toBe(0);
});
