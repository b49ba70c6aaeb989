import fc from 'fast-check';
import stripAnsi from 'strip-ansi';
import {afterEach, beforeEach, expect, test, vi} from 'vitest';
import type {ChatEntry} from '../../source/session/types.js';
import {entryLines} from '../../source/ui/messages/format-entry.js';
import {countMatches, currentLine, marker} from '../../source/ui/messages/highlight.js';

beforeEach(() => {
	vi.stubEnv('NO_COLOR', '');
});

afterEach(() => {
	vi.unstubAllEnvs();
});

const entry = (text: string, kind: ChatEntry['kind'] = 'message'): ChatEntry => ({id: 1, kind, from: 'alice', text, time: 0, fromHistory: false, mentionsMe: false});
const words = fc.constantFrom('lunch', 'Lunch', 'a', 'noon', '  ', ' ', 'été', 'e\u0301te\u0301', '日本語', '👍🏽', 'x'.repeat(30), '\n', 'at');

test('highlighting changes no cell: the same lines, the same text, whatever the width (property)', () => {
	fc.assert(
		fc.property(fc.array(words, {maxLength: 30}), fc.constantFrom('lunch', 'a', 'été', '日本', 'x', 'at noon'), fc.integer({min: 8, max: 70}), fc.integer({min: -1, max: 3}), fc.constantFrom<ChatEntry['kind']>('message', 'action', 'join', 'offer'), (parts, query, width, current, kind) => {
			const subject = entry(parts.join(''), kind);
			const plain = entryLines(subject, width).map(line => stripAnsi(line));
			const lit = entryLines(subject, width, {mark: marker(query, current)}).map(line => stripAnsi(line));
			expect(lit).toEqual(plain);
		}),
	);
});

test('every match is underlined, the current one in reverse video instead, and counted as the pane shows them', () => {
	const subject = entry('Lunch at noon? lunch\n  or LUNCH later');
	expect(countMatches(subject, 'lunch')).toBe(3);
	const lines = entryLines(subject, 60, {mark: marker('lunch', 2)});
	expect(lines.join('\n').match(/\u001B\[4m/g)).toHaveLength(2);
	expect(currentLine(lines)).toBe(1);
	expect(lines[1]).toContain('\u001B[7mLUNCH\u001B[27m');
	expect(countMatches(entry('lunch', 'notice'), 'lunch')).toBe(0);
	expect(countMatches(entry('', 'join'), 'alice')).toBe(1);
});

test('a match cut by the wrap is marked on both lines, each line closing what it opened', () => {
	const lines = entryLines(entry('we meet at noon today'), 25, {mark: marker('at noon', 0)});
	expect(lines.map(line => stripAnsi(line))).toEqual(['00:00 alice: we meet at', '      noon today']);
	expect(lines[0]).toMatch(/\u001B\[7mat\u001B\[27m$/);
	expect(lines[1]).toContain('\u001B[7mnoon\u001B[27m today');
	expect(currentLine(lines)).toBe(0);
});
