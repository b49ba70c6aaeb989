import {describe, expect, test} from 'vitest';
import {kittyPlaceholders, terminalFeatures} from '../../../source/ui/terminal/terminal-features.js';

const on = {notify: false, isTty: true, previews: true} as const;

describe("which terminals get kitty's graphics protocol for previews", () => {
	test.each([
		['kitty', {TERM: 'xterm-kitty', KITTY_WINDOW_ID: '1'}, true],
		['kitty over ssh (TERM alone)', {TERM: 'xterm-kitty'}, true],
		['kitty with TERM changed', {TERM: 'xterm-256color', KITTY_WINDOW_ID: '3'}, true],
		['ghostty', {TERM: 'xterm-ghostty', TERM_PROGRAM: 'ghostty'}, true],
		['ghostty with TERM changed', {TERM: 'xterm-256color', TERM_PROGRAM: 'ghostty'}, true],
		['ghostty, seen from inside tmux', {TERM: 'tmux-256color', TERM_PROGRAM: 'tmux', TMUX: '/tmp/tmux-0/default,1,0', GHOSTTY_RESOURCES_DIR: '/usr/share/ghostty'}, 'passthrough'],
		['kitty, seen from inside tmux', {TERM: 'tmux-256color', TERM_PROGRAM: 'tmux', TMUX: '/tmp/tmux-0/default,1,0', KITTY_WINDOW_ID: '1'}, 'passthrough'],
		['kitty inside zellij', {TERM: 'xterm-kitty', KITTY_WINDOW_ID: '1', ZELLIJ: '0'}, false],
		['kitty inside GNU screen', {TERM: 'screen', KITTY_WINDOW_ID: '1', STY: '123.pts-0'}, false],
		['WezTerm (no placeholders)', {TERM: 'xterm-256color', TERM_PROGRAM: 'WezTerm'}, false],
		['iTerm2', {TERM: 'xterm-256color', TERM_PROGRAM: 'iTerm.app', LC_TERMINAL: 'iTerm2'}, false],
		['foot (sixel)', {TERM: 'foot'}, false],
		['Windows Terminal', {TERM: 'xterm-256color', WT_SESSION: 'x'}, false],
		['xterm', {TERM: 'xterm-256color'}, false],
		['Konsole', {TERM: 'xterm-256color', KONSOLE_VERSION: '230800'}, false],
		['tmux alone', {TERM: 'tmux-256color', TERM_PROGRAM: 'tmux', TMUX: '/tmp/tmux-0/default,1,0'}, false],
	] as const)('%s', (_name, env, expected) => {
		if (expected === 'passthrough') {
			// Only when tmux passes the commands on (allow-passthrough on).
			expect(kittyPlaceholders(env, true)).toBe(true);
			expect(kittyPlaceholders(env, false)).toBe(false);
			expect(kittyPlaceholders(env, undefined)).toBe(false);
			expect(terminalFeatures(env, {...on, tmuxPassthrough: true}).graphics).toBe('kitty');
			expect(terminalFeatures(env, on).graphics).toBeUndefined();
		} else {
			expect(kittyPlaceholders(env, true)).toBe(expected);
			expect(terminalFeatures(env, on).graphics).toBe(expected ? 'kitty' : undefined);
		}
	});

	test('--graphics kitty forces it, blocks turns it off; no previews (--no-preview, NO_COLOR, no terminal): none at all', () => {
		const kitty = {TERM: 'xterm-kitty', KITTY_WINDOW_ID: '1'};
		const xterm = {TERM: 'xterm-256color'};
		expect(terminalFeatures(xterm, {...on, graphics: 'kitty'}).graphics).toBe('kitty');
		expect(terminalFeatures(kitty, {...on, graphics: 'blocks'}).graphics).toBeUndefined();
		expect(terminalFeatures(kitty, {...on, graphics: 'blocks'}).previews).toBe('256');
		expect(terminalFeatures(kitty, {...on, graphics: 'auto'}).graphics).toBe('kitty');
		expect(terminalFeatures(kitty, {...on, previews: false, graphics: 'kitty'}).graphics).toBeUndefined();
		expect(terminalFeatures({...kitty, NO_COLOR: '1'}, on).graphics).toBeUndefined();
		expect(terminalFeatures(kitty, {...on, isTty: false}).graphics).toBeUndefined();
	});
});
