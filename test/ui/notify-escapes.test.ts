import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {
	notificationSequence,
	sanitizeNotifyText,
	type TerminalFeatures,
	titleSequence,
	tmuxPassthrough,
	unreadTitle,
} from '../../source/ui/terminal/notify-escapes.js';
import {notifyKind, supportsHyperlinks, terminalFeatures} from '../../source/ui/terminal/terminal-features.js';

const ESC = '\u001B';
const BEL = '\u0007';
const plain = (notify: TerminalFeatures['notify'], tmux = false): TerminalFeatures => ({notify, tmux, hyperlinks: false});

describe('which notification the terminal speaks', () => {
	test.each([
		['kitty', {TERM: 'xterm-kitty', KITTY_WINDOW_ID: '1'}, 'osc99'],
		['kitty inside tmux', {TERM: 'tmux-256color', TERM_PROGRAM: 'tmux', TMUX: '/tmp/t,1,0', KITTY_WINDOW_ID: '3'}, 'osc99'],
		['iTerm2', {TERM: 'xterm-256color', TERM_PROGRAM: 'iTerm.app'}, 'osc9'],
		['iTerm2 over ssh', {TERM: 'xterm-256color', LC_TERMINAL: 'iTerm2'}, 'osc9'],
		['WezTerm', {TERM: 'xterm-256color', TERM_PROGRAM: 'WezTerm'}, 'osc9'],
		['Windows Terminal', {TERM: 'xterm-256color', WT_SESSION: 'abc'}, 'osc9'],
		['ConEmu', {TERM: 'xterm', ConEmuPID: '42'}, 'osc9'],
		['foot', {TERM: 'foot'}, 'osc777'],
		['urxvt', {TERM: 'rxvt-unicode-256color'}, 'osc777'],
		['GNOME Terminal (VTE)', {TERM: 'xterm-256color', VTE_VERSION: '7600'}, 'osc777'],
		['plain xterm: OSC 9, which xterm ignores', {TERM: 'xterm-256color'}, 'osc9'],
		['tmux, outer terminal unknown', {TERM: 'tmux-256color', TERM_PROGRAM: 'tmux', TMUX: '/tmp/t,1,0'}, 'osc9'],
		['the Linux console prints unknown OSC: none', {TERM: 'linux'}, undefined],
		['a dumb terminal: none', {TERM: 'dumb'}, undefined],
		['no TERM: none', {}, undefined],
	])('%s', (_name, env, kind) => {
		expect(notifyKind(env)).toBe(kind);
	});

	test('--no-notify, or output that is no terminal, turns notifications off; TMUX turns passthrough on', () => {
		const env = {TERM: 'xterm-kitty', TMUX: '/tmp/t,1,0'};
		expect(terminalFeatures(env, {notify: true, isTty: true})).toEqual({notify: 'osc99', tmux: true, hyperlinks: true});
		expect(terminalFeatures(env, {notify: false, isTty: true}).notify).toBeUndefined();
		expect(terminalFeatures(env, {notify: true, isTty: false}).notify).toBeUndefined();
	});
});

describe('whether the terminal shows hyperlinks', () => {
	test.each([
		['FORCE_HYPERLINK=1 anywhere', {FORCE_HYPERLINK: '1', TERM: 'dumb'}, false, true],
		['FORCE_HYPERLINK=0 over a known terminal', {FORCE_HYPERLINK: '0', TERM: 'xterm-kitty'}, true, false],
		['kitty', {TERM: 'xterm-kitty'}, true, true],
		['not a terminal', {TERM: 'xterm-kitty'}, false, false],
		['iTerm2 3.1', {TERM: 'xterm', TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.1.0'}, true, true],
		['iTerm2 3.0', {TERM: 'xterm', TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.0.9'}, true, false],
		['VS Code 1.72', {TERM: 'xterm', TERM_PROGRAM: 'vscode', TERM_PROGRAM_VERSION: '1.72.0'}, true, true],
		['VS Code 1.71', {TERM: 'xterm', TERM_PROGRAM: 'vscode', TERM_PROGRAM_VERSION: '1.71.2'}, true, false],
		['WezTerm', {TERM: 'xterm', TERM_PROGRAM: 'WezTerm'}, true, true],
		['Windows Terminal', {TERM: 'xterm', WT_SESSION: 'x'}, true, true],
		['VTE 0.50.0 (crashed on links)', {TERM: 'xterm', VTE_VERSION: '5000'}, true, false],
		['VTE 0.76', {TERM: 'xterm', VTE_VERSION: '7600'}, true, true],
		['foot', {TERM: 'foot'}, true, true],
		['alacritty', {TERM: 'alacritty'}, true, true],
		['plain xterm', {TERM: 'xterm-256color'}, true, false],
		['the Linux console', {TERM: 'linux'}, true, false],
	])('%s', (_name, env, isTty, expected) => {
		expect(supportsHyperlinks(env, isTty)).toBe(expected);
	});
});

describe('the notification bytes', () => {
	test('per kind', () => {
		expect(notificationSequence(plain('osc9'), 'bob mentioned you', 'bob: hi alice')).toBe(`${ESC}]9;bob mentioned you: bob: hi alice${BEL}`);
		expect(notificationSequence(plain('osc777'), 'bob mentioned you', 'bob: hi; alice')).toBe(`${ESC}]777;notify;bob mentioned you;bob: hi; alice${BEL}`);
		expect(notificationSequence(plain('osc99'), 'bob mentioned you', 'bob: hi alice')).toBe(`${ESC}]99;;bob mentioned you: bob: hi alice${ESC}\\`);
		expect(notificationSequence(plain(undefined), 'bob', 'hi')).toBe('');
	});

	test("OSC 777's title keeps no ';' (it would shift the body); OSC 9 never starts with a digit (ConEmu's commands)", () => {
		expect(notificationSequence(plain('osc777'), 'a;b', 'c')).toBe(`${ESC}]777;notify;a,b;c${BEL}`);
		expect(notificationSequence(plain('osc9'), '4;3;50', 'x')).toBe(`${ESC}]9;socket-chat-tui 4,3,50: x${BEL}`);
	});

	test('inside tmux: wrapped for passthrough, every ESC doubled', () => {
		expect(tmuxPassthrough(`${ESC}]99;;hi${ESC}\\`)).toBe(`${ESC}Ptmux;${ESC}${ESC}]99;;hi${ESC}${ESC}\\${ESC}\\`);
		expect(notificationSequence(plain('osc9', true), 'bob', 'hi')).toBe(`${ESC}Ptmux;${ESC}${ESC}]9;bob: hi${BEL}${ESC}\\`);
	});

	test('a long body is cut to 200 characters with an ellipsis; line breaks become spaces', () => {
		expect(sanitizeNotifyText('a\nb\r\n\tc')).toBe('a b c');
		const long = sanitizeNotifyText('🦊'.repeat(300));
		expect([...long]).toHaveLength(200);
		expect(long.endsWith('…')).toBe(true);
	});

	const hostile = fc.string({unit: fc.oneof(fc.constantFrom(ESC, BEL, '\u009C', '\u009D', '\\', ';', ']', '\n', '\u2028', 'P'), fc.string({unit: 'binary', maxLength: 1})), maxLength: 80});

	test('property: no text in a message can end the sequence early or start another', () => {
		fc.assert(
			fc.property(hostile, hostile, fc.constantFrom<TerminalFeatures['notify']>('osc9', 'osc777', 'osc99'), fc.boolean(), (title, body, kind, tmux) => {
				let sequence = notificationSequence(plain(kind, tmux), title, body);
				if (tmux) {
					expect(sequence.startsWith(`${ESC}Ptmux;`) && sequence.endsWith(`${ESC}\\`)).toBe(true);
					sequence = sequence.slice(`${ESC}Ptmux;`.length, -2).replaceAll(`${ESC}${ESC}`, ESC);
				}

				const end = kind === 'osc99' ? `${ESC}\\` : BEL;
				expect(sequence.endsWith(end)).toBe(true);
				const inner = sequence.slice(2, -end.length);
				expect(sequence.startsWith(`${ESC}]`)).toBe(true);
				expect(inner).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/);
				const fields = inner.split(';');
				expect(fields.length).toBeGreaterThanOrEqual(kind === 'osc777' ? 4 : 2);
				if (kind === 'osc777') {
					expect(fields.slice(0, 2)).toEqual(['777', 'notify']);
				}
			}),
			{numRuns: 500},
		);
	});
});

describe('the window title', () => {
	test('counts unread messages; the plain name at 0; sanitised', () => {
		expect(unreadTitle(3)).toBe('(3) socket-chat-tui');
		expect(unreadTitle(0)).toBe('socket-chat-tui');
		expect(titleSequence(unreadTitle(1))).toBe(`${ESC}]2;(1) socket-chat-tui${BEL}`);
		expect(titleSequence(`x${BEL}${ESC}]0;y`)).toBe(`${ESC}]2;x ]0;y${BEL}`);
	});
});
