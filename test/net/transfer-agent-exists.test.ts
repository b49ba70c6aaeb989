import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
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
