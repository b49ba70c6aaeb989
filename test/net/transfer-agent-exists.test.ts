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

describe('TransferAgent.exists: what /send checks a typed path against', () => {
	const agent = new TransferAgent({} as MemberLink, 'downloads', dir);

	it.each<[string, boolean]>([
		["it's.png", true],
		['my file.txt', true],
		[path.join(dir, 'my file.txt'), true],
		['folder', false],
		['missing.png', false],
		['my file.txt/below', false],
		['x'.repeat(5000), false],
	])('%j (relative to where it started) exists as a file: %s', (typed, expected) => {
		expect(agent.exists(typed)).toBe(expected);
	});

	it('resolves ~ as resolvePath does', () => {
		expect(agent.exists('~')).toBe(false);
		expect(agent.resolvePath('~/a')).toBe(path.join(homedir(), 'a'));
	});

	it('has the path rules of the machine unless told', () => {
		expect(agent.platform).toBe(process.platform === 'win32' ? 'win32' : 'posix');
		expect(new TransferAgent({} as MemberLink, 'downloads', dir, 'win32').platform).toBe('win32');
	});
});
