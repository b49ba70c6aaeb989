import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import type {ChatEntry} from '../../source/session/types.js';
import {entryLines, formatTime, ruleLine, timeColumnWidth} from '../../source/ui/messages/format-entry.js';

const time = new Date(2026, 0, 1, 9, 5).getTime();

function entry(init: Partial<ChatEntry> & {text: string}): ChatEntry {
	return {id: 1, kind: 'message', time, from: 'alice', fromHistory: false, mentionsMe: false, ...init};
}

function plain(init: Partial<ChatEntry> & {text: string}, width = 60): string[] {
	return entryLines(entry(init), width).map(line => stripAnsi(line));
}

beforeEach(() => {
	vi.stubEnv('NO_COLOR', '');
});

afterEach(() => {
	vi.unstubAllEnvs();
});

describe('entryLines', () => {
	test('a message: local HH:MM, the name, the text', () => {
		expect(formatTime(time)).toBe('09:05');
		expect(plain({text: 'hi there'})).toEqual(['09:05 alice: hi there']);
	});

	test.each([
		[{kind: 'action', text: 'waves'}, '09:05 * alice waves'],
		[{kind: 'direct', to: 'bob', text: 'psst'}, '09:05 [dm] alice -> bob: psst'],
		[{kind: 'join', text: ''}, '09:05 → alice joined'],
		[{kind: 'leave', text: '', reason: 'timed out'}, '09:05 ← alice left (timed out)'],
		[{kind: 'nick', text: '', to: 'al'}, '09:05 ~ alice is now known as al'],
		[{kind: 'notice', text: 'bob is away'}, '09:05 bob is away'],
		[{kind: 'error', text: 'unknown command /sned'}, '09:05 unknown command /sned'],
	] as const)('%o', (init, expected) => {
		expect(plain(init)).toEqual([expected]);
	});

	test('an offer names the command that fetches it', () => {
		expect(plain({kind: 'offer', text: 'alice offers photo.jpg (1.2 MB): /get f7', offerId: 'f7'})).toEqual(['09:05 ⇩ alice offers photo.jpg (1.2 MB): /get f7']);
	});

	test('history markers are rules across the width', () => {
		const [start] = plain({kind: 'history-start', text: ''}, 30);
		const [end] = plain({kind: 'history-end', text: ''}, 30);
		expect(start).toMatch(/^── history ─+$/);
		expect(start).toHaveLength(30);
		expect(end).toMatch(/^── live ─+$/);
		expect(stringWidth(ruleLine('x', 12))).toBe(12);
	});

	test('styles: error red, events dim, mentions yellow and bold, names coloured', () => {
		expect(entryLines(entry({kind: 'error', text: 'nope'}), 40)[0]).toContain('\u001B[31mnope');
		expect(entryLines(entry({kind: 'join', text: ''}), 40)[0]).toContain('\u001B[2m→ alice joined');
		expect(entryLines(entry({text: 'hey me', mentionsMe: true}), 40)[0]).toContain('\u001B[33m\u001B[1mhey me');
		expect(entryLines(entry({text: 'plain'}), 40)[0]).not.toContain('\u001B[33m');
	});

	test('NO_COLOR leaves the styles out', () => {
		vi.stubEnv('NO_COLOR', '1');
		expect(entryLines(entry({text: 'hey me', mentionsMe: true}), 40)[0]).toBe('09:05 alice: hey me');
	});

	test('long text wraps under the text column, no line wider than the pane', () => {
		const lines = plain({text: 'the quick brown fox jumps over the lazy dog again and again'}, 30);
		expect(lines.length).toBeGreaterThan(1);
		for (const line of lines) {
			expect(stringWidth(line)).toBeLessThanOrEqual(30);
		}

		expect(lines.slice(1).every(line => line.startsWith(' '.repeat(timeColumnWidth)))).toBe(true);
		expect(lines.join(' ').replaceAll(/\s+/g, ' ')).toContain('quick brown fox jumps over the lazy dog again and again');
	});

	test('wide CJK, emoji and combining characters are measured in cells', () => {
		const text = '日本語のテキストはとても長いです👍🏽e\u0301\u0301漢字';
		for (const width of [17, 18, 21]) {
			const lines = entryLines(entry({text}), width);
			for (const line of lines) {
				expect(stringWidth(line)).toBeLessThanOrEqual(width);
			}

			expect(lines.map(line => stripAnsi(line).slice(timeColumnWidth)).join('').replaceAll(' ', '')).toContain('はとても長いです👍🏽e\u0301\u0301漢字'.normalize());
		}
	});

	test('a multi-line message keeps its indentation, its lines aligned under the text column', () => {
		expect(plain({text: 'look:\nif x:\n    return 1\n\nend'})).toEqual([
			'09:05 alice: look:',
			'             if x:',
			'                 return 1',
			'             ',
			'             end',
		]);
		expect(plain({kind: 'direct', from: 'bob', to: 'alice', text: 'a\n  b'})[1]).toBe(`${' '.repeat(6 + '[dm] bob -> alice: '.length)}  b`);
	});

	test('multi-line notices keep their indentation', () => {
		expect(plain({kind: 'notice', text: 'commands:\n  /send PATH  share a file'})).toEqual([
			'09:05 commands:',
			'        /send PATH  share a file',
		]);
	});

	test('control characters and escapes are dropped', () => {
		expect(plain({text: 'a\u001B[2Jb\u0007c\td'})).toEqual(['09:05 alice: a[2Jbc    d']);
	});
});
