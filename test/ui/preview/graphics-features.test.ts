import {describe, expect, test} from 'vitest';
import {kittyPlaceholders, pixelProtocol, terminalFeatures} from '../../../source/ui/terminal/terminal-features.js';

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
			if (expected) expect(terminalFeatures(env, on).graphics).toBe('kitty');
			else expect(terminalFeatures(env, on).graphics).not.toBe('kitty');
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

describe('which terminals get iTerm2\'s inline images or sixel (--graphics auto)', () => {
	const tmux = {TMUX: '/tmp/tmux-0/default,1,0', TERM_PROGRAM: 'tmux', TERM: 'tmux-256color'};
	test.each([
		['iTerm2', {TERM: 'xterm-256color', TERM_PROGRAM: 'iTerm.app', LC_TERMINAL: 'iTerm2'}, 'iterm2'],
		['iTerm2 over ssh (LC_TERMINAL alone)', {TERM: 'xterm-256color', LC_TERMINAL: 'iTerm2'}, 'iterm2'],
		['WezTerm', {TERM: 'xterm-256color', TERM_PROGRAM: 'WezTerm'}, 'iterm2'],
		['foot', {TERM: 'foot'}, 'sixel'],
		['foot with its extra terminfo', {TERM: 'foot-extra'}, 'sixel'],
		['mlterm', {TERM: 'mlterm'}, 'sixel'],
		['mlterm with TERM changed', {TERM: 'xterm-256color', MLTERM: '3.9.3'}, 'sixel'],
		['contour', {TERM: 'contour', TERMINAL_NAME: 'contour'}, 'sixel'],
		['kitty first (it also reads sixel-free placeholders)', {TERM: 'xterm-kitty', KITTY_WINDOW_ID: '1'}, 'kitty'],
		['ghostty first', {TERM: 'xterm-ghostty', TERM_PROGRAM: 'ghostty'}, 'kitty'],
		['iTerm2 inside tmux', {...tmux, LC_TERMINAL: 'iTerm2'}, undefined],
		['foot inside tmux', {...tmux, TERM: 'foot'}, undefined],
		['WezTerm inside GNU screen', {TERM: 'screen', TERM_PROGRAM: 'WezTerm', STY: '1.pts-0'}, undefined],
		['foot inside zellij', {TERM: 'foot', ZELLIJ: '0'}, undefined],
		['xterm (sixel only when started with it)', {TERM: 'xterm-256color'}, undefined],
		['Windows Terminal (no version to tell 1.22 by)', {TERM: 'xterm-256color', WT_SESSION: 'x'}, undefined],
		['Konsole', {TERM: 'xterm-256color', KONSOLE_VERSION: '230800'}, undefined],
	] as const)('%s', (_name, env, expected) => {
		expect(terminalFeatures(env, on).graphics).toBe(expected);
		if (expected !== 'kitty') expect(pixelProtocol(env)).toBe(expected);
	});

	test('--graphics iterm2 and sixel force them outside a multiplexer, never inside one; blocks and no previews turn them off', () => {
		const xterm = {TERM: 'xterm-256color'};
		const iterm = {TERM_PROGRAM: 'iTerm.app'};
		expect(terminalFeatures(xterm, {...on, graphics: 'iterm2'}).graphics).toBe('iterm2');
		expect(terminalFeatures(xterm, {...on, graphics: 'sixel'}).graphics).toBe('sixel');
		expect(terminalFeatures({...xterm, ...tmux}, {...on, graphics: 'sixel'}).graphics).toBeUndefined();
		expect(terminalFeatures(iterm, {...on, graphics: 'blocks'}).graphics).toBeUndefined();
		expect(terminalFeatures(iterm, {...on, graphics: 'kitty'}).graphics).toBe('kitty');
		expect(terminalFeatures(iterm, {...on, previews: false}).graphics).toBeUndefined();
		expect(terminalFeatures({...iterm, NO_COLOR: '1'}, on).graphics).toBeUndefined();
		expect(terminalFeatures(iterm, {...on, isTty: false}).graphics).toBeUndefined();
	});
});
