import {describe, expect, test} from 'vitest';
import {terminalFeatures} from '../../../source/ui/terminal/terminal-features.js';

describe('whether downloaded images are previewed, and in which colours', () => {
	test('24-bit colours where COLORTERM says so, the 256-colour palette elsewhere', () => {
		expect(terminalFeatures({TERM: 'xterm-256color', COLORTERM: 'truecolor'}, {notify: false, isTty: true, previews: true}).previews).toBe('truecolor');
		expect(terminalFeatures({TERM: 'xterm-256color', COLORTERM: '24bit'}, {notify: false, isTty: true, previews: true}).previews).toBe('truecolor');
		expect(terminalFeatures({TERM: 'xterm-256color'}, {notify: false, isTty: true, previews: true}).previews).toBe('256');
	});

	test('off with --no-preview, with NO_COLOR (a preview is colours alone), and when the output is no terminal', () => {
		const env = {TERM: 'xterm-256color', COLORTERM: 'truecolor'};
		expect(terminalFeatures(env, {notify: false, isTty: true, previews: false}).previews).toBeUndefined();
		expect(terminalFeatures({...env, NO_COLOR: '1'}, {notify: false, isTty: true, previews: true}).previews).toBeUndefined();
		expect(terminalFeatures(env, {notify: false, isTty: false, previews: true}).previews).toBeUndefined();
	});
});
