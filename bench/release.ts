/**
 * The fan-out's saturation of an earlier commit, measured in this run (issue 14: "the hub's
 * saturation figure must not fall by more than 10%" through the secure handshake). Figures from
 * runs days apart are not comparable on a shared machine (ngircd's own saturation has ranged from
 * 1.3 to 2.9 million deliveries a second here), so the commit before the handshake is built in a
 * temporary git worktree (borrowing this tree's node_modules) and its own ladder (`--only=fanout`,
 * 127.0.0.1 only) runs just before this tree's. `npm run bench -- --only=release,fanout` runs the
 * two alone (`--release=REV` for another commit); run it again for another round.
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** The last commit before the secure handshake (protocol version 2), whose full runs measured 406,882 and 474,844. */
export const BEFORE_HANDSHAKE = 'd01e680';

export type ReleaseResult = {readonly rev: string; readonly hub: number; readonly ngircd: number} | {readonly rev: string; readonly skipped: string};

const repo = fileURLToPath(new URL('../..', import.meta.url));

function git(...args: string[]) {
	return spawnSync('git', ['-C', repo, ...args], {encoding: 'utf8'});
}

/** Builds `rev` aside and runs its fan-out ladder; its saturation figures, or why it could not. */
export function runRelease(rev: string, log: (line: string) => void): ReleaseResult {
	if (git('cat-file', '-e', `${rev}^{commit}`).status !== 0) return {rev, skipped: `commit ${rev} is not in this checkout (a shallow clone, or no git)`};
	const tree = join(mkdtempSync(join(tmpdir(), 'socket-chat-release-')), 'tree');
	try {
		const added = git('worktree', 'add', '--detach', tree, rev);
		if (added.status !== 0) return {rev, skipped: `git worktree add failed: ${added.stderr.trim()}`};
		symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'));
		log(`${rev}: building in ${tree}...`);
		const built = spawnSync('npm', ['run', 'build'], {cwd: tree, encoding: 'utf8', timeout: 180_000});
		if (built.status !== 0) return {rev, skipped: `its build failed: ${(built.stderr || built.stdout).trim().split('\n').at(-1)}`};
		log(`${rev}: its fan-out ladder...`);
		const run = spawnSync(process.execPath, ['dist/bench/run.js', '--only=fanout'], {cwd: tree, encoding: 'utf8', timeout: 600_000});
		const line = /\| fan-out delivered\/s at saturation, hub vs ngircd \| ([\d,]+) \| ([\d,]+) \|/.exec(run.stdout);
		if (!line) return {rev, skipped: `its ladder printed no saturation (exit ${run.status ?? run.signal})`};
		const number = (text: string) => Number(text.replaceAll(',', ''));
		const result = {rev, hub: number(line[1]!), ngircd: number(line[2]!)};
		log(`${rev}: saturation ${result.hub} (ngircd ${result.ngircd})`);
		return result;
	} finally {
		git('worktree', 'remove', '--force', tree);
		rmSync(join(tree, '..'), {recursive: true, force: true});
		git('worktree', 'prune');
	}
}
