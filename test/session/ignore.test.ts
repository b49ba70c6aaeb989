import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {ignoreFile} from '../../source/net/ignore-file.js';
import {followRename, ignore, ignoredAs, isHidden, unignore} from '../../source/session/ignore-list.js';
import type {ChatEntry, FoundLines} from '../../source/session/types.js';
import {waitFor} from '../helpers/wait-for.js';
import {connectedSession, entriesOf, ev, tick} from './session-helpers.js';

const entry = (kind: ChatEntry['kind'], from: string): ChatEntry => ({id: 1, kind, from, text: 'x', time: 0, fromHistory: false, mentionsMe: false});

describe('the ignore list (pure)', () => {
	test('ignoring is case-insensitive, like names; unignore takes any spelling', () => {
		const list = ignore([], 'Bob');
		expect(ignoredAs(list, 'BOB')?.name).toBe('Bob');
		expect(ignore(list, 'bob')).toBe(list);
		expect(unignore(list, 'bOb')).toEqual([]);
		expect(unignore(list, 'carol')).toBe(list);
	});

	test('hides messages, actions and DMs from an ignored member, not joins, leaves, renames or others', () => {
		const list = ignore([], 'bob');
		expect(['message', 'action', 'direct'].map(kind => isHidden(list, entry(kind as ChatEntry['kind'], 'BOB')))).toEqual([true, true, true]);
		expect(['join', 'leave', 'nick', 'offer', 'notice'].map(kind => isHidden(list, entry(kind as ChatEntry['kind'], 'bob')))).toEqual([false, false, false, false, false]);
		expect(isHidden(list, entry('message', 'carol'))).toBe(false);
		expect(isHidden(undefined, entry('message', 'bob'))).toBe(false);
	});

	test('follows renames: bob becomes robert, robert is ignored, and bob\'s earlier lines stay hidden', () => {
		const list = followRename(ignore([], 'bob'), 'Bob', 'Robert');
		expect(ignoredAs(list, 'robert')?.name).toBe('Robert');
		expect(isHidden(list, entry('message', 'bob'))).toBe(true);
		expect(followRename(list, 'carol', 'dave')).toBe(list);
		expect(unignore(list, 'robert')).toEqual([]);
	});
});

let work: string;

beforeEach(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'ignore-'));
});

afterEach(async () => {
	await rm(work, {recursive: true, force: true});
});

async function run(session: Awaited<ReturnType<typeof connectedSession>>['session'], line: string): Promise<ChatEntry[]> {
	const before = entriesOf(session).length;
	session.submit(line);
	await waitFor(() => entriesOf(session).length > before, {timeoutMs: 2000, what: `an answer to ${line}`});
	return entriesOf(session).slice(before);
}

describe('/ignore and /unignore in a session', () => {
	test('/ignore NAME hides their messages and DMs; /ignore lists; /unignore shows them again', async () => {
		const {link, session} = await connectedSession();
		expect((await run(session, '/ignore BOB'))[0]).toMatchObject({kind: 'notice', text: 'ignoring bob: their messages and DMs are hidden here (/unignore bob)'});
		link.push(ev.msg(10, 'bob', 'hello'), ev.dm(11, 'bob', 'alice', 'psst'), ev.msg(12, 'carol', 'hi'));
		await tick();
		const {entries, ignored} = session.getSnapshot();
		expect(entries.filter(found => isHidden(ignored, found)).map(found => found.text)).toEqual(['hello', 'psst']);
		expect((await run(session, '/ignore'))[0]!.text).toBe('ignoring bob (/unignore NAME shows them again)');
		expect((await run(session, '/ignore bob'))[0]!.text).toBe('already ignoring bob (/unignore bob shows them again)');
		expect((await run(session, '/unignore Bob'))[0]!.text).toBe('no longer ignoring bob');
		expect(session.getSnapshot().ignored).toEqual([]);
		expect((await run(session, '/unignore bob'))[0]).toMatchObject({kind: 'error', text: 'bob is not ignored (/ignore lists who is)'});
		expect((await run(session, '/ignore'))[0]!.text).toMatch(/^ignoring nobody/);
	});

	test('ignoring yourself is refused; a name not present is allowed and said so; a bad name is refused', async () => {
		const {session} = await connectedSession();
		expect((await run(session, '/ignore ALICE'))[0]).toMatchObject({kind: 'error', text: 'you cannot ignore yourself'});
		expect((await run(session, '/ignore dave'))[0]!.text).toBe('ignoring dave (not here now): their messages and DMs are hidden here (/unignore dave)');
		expect((await run(session, '/ignore /x'))[0]).toMatchObject({kind: 'error'});
		expect(session.getSnapshot().ignored?.map(member => member.name)).toEqual(['dave']);
	});

	test('follows a rename in the room: bob becomes robert, robert stays ignored', async () => {
		const {link, session} = await connectedSession();
		await run(session, '/ignore bob');
		link.push(ev.nick(20, 'bob', 'robert'), ev.msg(21, 'robert', 'still me'));
		await tick();
		const {entries, ignored} = session.getSnapshot();
		expect(ignored?.map(member => member.name)).toEqual(['robert']);
		expect(isHidden(ignored, entries.at(-1)!)).toBe(true);
		expect(isHidden(ignored, entries.at(-2)!)).toBe(false);
	});

	test('/find hands the matches held to the front end, leaving out ignored members', async () => {
		const {link, session} = await connectedSession();
		const found: FoundLines[] = [];
		session.onFind(result => found.push(result));
		link.push(ev.msg(10, 'bob', 'Lunch?'), ev.msg(11, 'carol', 'lunch at noon'), ev.msg(12, 'carol', 'ok'));
		await tick();
		await run(session, '/ignore bob');
		session.submit('/find LUNCH');
		await tick();
		expect(found.map(result => [result.query, result.matches.map(match => match.seq)])).toEqual([['LUNCH', [11]]]);
		expect((await run(session, '/find'))[0]).toMatchObject({kind: 'error', text: 'usage: /find TEXT'});
	});
});

describe('kept in the data folder', () => {
	test('remembered for the room: a later session in the same room has it, another room does not; the file is 0600', async () => {
		const file = path.join(work, 'data', 'ignored.json');
		const first = await connectedSession({ignores: ignoreFile(file, '127.0.0.1:9999')});
		await run(first.session, '/ignore bob');
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		await run(first.session, '/ignore dave');

		const again = await connectedSession({ignores: ignoreFile(file, '127.0.0.1:9999')});
		await again.session.ignoresLoaded();
		expect(again.session.getSnapshot().ignored?.map(member => member.name)).toEqual(['bob', 'dave']);
		const other = await connectedSession({ignores: ignoreFile(file, '10.0.0.1:9999')});
		await other.session.ignoresLoaded();
		expect(other.session.getSnapshot().ignored ?? []).toEqual([]);
		await run(other.session, '/ignore carol');
		expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
			version: 1,
			rooms: {'10.0.0.1:9999': [{name: 'carol', keys: ['carol']}], '127.0.0.1:9999': [{name: 'bob', keys: ['bob']}, {name: 'dave', keys: ['dave']}]},
		});
	});

	test('a rename followed is saved too', async () => {
		const file = path.join(work, 'ignored.json');
		const {link, session} = await connectedSession({ignores: ignoreFile(file, '127.0.0.1:9999')});
		await run(session, '/ignore bob');
		link.push(ev.nick(20, 'bob', 'robert'));
		await waitFor(async () => (await readFile(file, 'utf8')).includes('robert'), {timeoutMs: 2000, what: 'the rename saved'});
		expect(JSON.parse(await readFile(file, 'utf8')).rooms['127.0.0.1:9999']).toEqual([{name: 'robert', keys: ['bob', 'robert']}]);
	});

	test('a corrupt file: a clear message naming it, /ignore works for the session only, and the file is left as it was', async () => {
		const file = path.join(work, 'ignored.json');
		await writeFile(file, '{"version":1,"rooms":{"127.0.0.1:9999":[{"nam', {mode: 0o600});
		const {session} = await connectedSession({ignores: ignoreFile(file, '127.0.0.1:9999')});
		await session.ignoresLoaded();
		const error = entriesOf(session, 'error')[0];
		expect(error?.text).toBe(
			`${file} is not a list of ignored members (not JSON); it was left as it is. Repair or remove it (removing it forgets who you ignored in every room). Until then, /ignore holds for this session only.`,
		);
		expect((await run(session, '/ignore bob'))[0]!.text).toBe(
			'ignoring bob: their messages and DMs are hidden here (for this session only: the kept list could not be read) (/unignore bob)',
		);
		expect(session.getSnapshot().ignored?.map(member => member.name)).toEqual(['bob']);
		expect(await readFile(file, 'utf8')).toBe('{"version":1,"rooms":{"127.0.0.1:9999":[{"nam');
	});

	test('a file of the wrong shape names what is wrong', async () => {
		const file = path.join(work, 'ignored.json');
		await writeFile(file, JSON.stringify({version: 1, rooms: {'127.0.0.1:9999': [{name: 'bob'}]}}), {mode: 0o600});
		await expect(ignoreFile(file, '127.0.0.1:9999').load()).rejects.toThrow(/is not a list of ignored members \(rooms\.127\.0\.0\.1:9999\.0\.keys: /);
		await writeFile(file, JSON.stringify({version: 2, rooms: {}}), {mode: 0o600});
		await expect(ignoreFile(file, '127.0.0.1:9999').load()).rejects.toThrow(/version 2, but this program reads only version 1/);
		await expect(ignoreFile(file, '127.0.0.1:9999').save([])).rejects.toThrow(/version 2/);
	});
});
