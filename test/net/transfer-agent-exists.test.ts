import {chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {homedir, tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import type {MemberLink} from '../../source/net/member-link.js';
import {TransferAgent} from '../../source/net/transfer-agent.js';

const dir = mkdtempSync(path.join(tmpdir(), 'agent-exists-'));
writeFileSync(path.join(dir, "it's.png"), 'x');
writeFileSync(path.join(dir, 'my file.txt'), 'x');
mkdirSync(path.join(dir, 'folder'));
afterAll(() => {
	rmSync(dir, {recursive: true, force: true});
});

describe('TransferAgent.exists: what /send checks a typed path against (files and, since /send DIR, folders)', () => {
	const agent = new TransferAgent({} as MemberLink, 'downloads', dir);

	it.each<[string, boolean]>([
		["it's.png", true],
		['my file.txt', true],
		[path.join(dir, 'my file.txt'), true],
		// A folder is offered too (as its archive: /send DIR).
		['folder', true],
		['missing.png', false],
		['my file.txt/below', false],
		['x'.repeat(5000), false],
	])('%j (relative to where it started) is something /send can offer, a file or a folder: %s', (typed, expected) => {
		expect(agent.exists(typed)).toBe(expected);
	});

	it('resolves ~ as resolvePath does (the home folder is a folder)', () => {
		expect(agent.exists('~')).toBe(true);
		expect(agent.resolvePath('~/a')).toBe(path.join(homedir(), 'a'));
	});

	it('has the path rules of the machine unless told', () => {
		expect(agent.platform).toBe(process.platform === 'win32' ? 'win32' : 'posix');
		expect(new TransferAgent({} as MemberLink, 'downloads', dir, 'win32').platform).toBe('win32');
	});
});

describe('TransferAgent.listFolder: what Tab after /send completes from (a real folder on disk)', () => {
	const root = mkdtempSync(path.join(tmpdir(), 'agent-list-'));
	writeFileSync(path.join(root, 'photo.png'), 'x');
	writeFileSync(path.join(root, '.hidden'), 'x');
	mkdirSync(path.join(root, 'pics'));
	writeFileSync(path.join(root, 'pics', 'cat.jpg'), 'x');
	symlinkSync(path.join(root, 'pics'), path.join(root, 'to-pics'));
	symlinkSync(path.join(root, 'gone'), path.join(root, 'dangling'));
	const locked = path.join(root, 'locked');
	mkdirSync(locked);
	writeFileSync(path.join(locked, 'secret.txt'), 'x');
	chmodSync(locked, 0o000);
	afterAll(() => {
		chmodSync(locked, 0o700);
		rmSync(root, {recursive: true, force: true});
	});
	const agent = new TransferAgent({} as MemberLink, 'downloads', root);
	const listed = (typed: string) =>
		agent
			.listFolder(typed)
			?.map(entry => `${entry.name}${entry.folder ? '/' : ''}`)
			.sort();

	it('lists where it started for an empty folder part, hidden names included (the completer decides)', () => {
		expect(listed('')).toEqual(['.hidden', 'dangling', 'locked/', 'photo.png', 'pics/', 'to-pics/']);
	});

	it('marks a symlink to a folder as a folder and a dangling one as a file', () => {
		const entries = agent.listFolder('') ?? [];
		expect(entries.find(entry => entry.name === 'to-pics')?.folder).toBe(true);
		expect(entries.find(entry => entry.name === 'dangling')?.folder).toBe(false);
	});

	it('reads a typed folder relative to where it started, and an absolute one as typed', () => {
		expect(listed('pics/')).toEqual(['cat.jpg']);
		expect(listed('to-pics/')).toEqual(['cat.jpg']);
		expect(listed(`${path.join(root, 'pics')}/`)).toEqual(['cat.jpg']);
	});

	it('answers undefined, not a throw, for a missing folder, a file, or one it may not read', () => {
		expect(agent.listFolder('nope/')).toBeUndefined();
		expect(agent.listFolder('photo.png/')).toBeUndefined();
		expect(agent.listFolder(`${'x'.repeat(5000)}/`)).toBeUndefined();
		// root reads any folder whatever its mode, so the unreadable case only holds for others.
		if (process.getuid?.() !== 0) expect(agent.listFolder('locked/')).toBeUndefined();
		else expect(listed('locked/')).toEqual(['secret.txt']);
	});
});
