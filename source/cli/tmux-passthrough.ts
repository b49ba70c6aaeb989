import {execFile} from 'node:child_process';

/**
 * Whether the tmux this program runs in passes escape sequences on to the outer terminal (its
 * `allow-passthrough` option, tmux 3.3+, is `on` or `all` for this pane). Asked of tmux itself,
 * within a second; anything else (no tmux, an older one, no answer) is a no.
 */
export async function tmuxAllowsPassthrough(env: NodeJS.ProcessEnv): Promise<boolean> {
	if ((env.TMUX ?? '') === '') return false;
	const target = env.TMUX_PANE ? ['-t', env.TMUX_PANE] : [];
	return new Promise(resolve => {
		execFile('tmux', ['show-options', '-Apv', ...target, 'allow-passthrough'], {timeout: 1000, env}, (error, stdout) => {
			resolve(!error && /^(?:on|all)$/.test(String(stdout).trim()));
		});
	});
}
