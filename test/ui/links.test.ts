import fc from 'fast-check';
import stringWidth from 'string-width';
import stripAnsi from 'strip-ansi';
import {afterEach, describe, expect, test, vi} from 'vitest';
import type {ChatEntry} from '../../source/session/types.js';
import {entryLines} from '../../source/ui/messages/format-entry.js';
import {findLinks, linkify, linkTarget} from '../../source/ui/messages/links.js';

const ESC = '\u001B';
const BEL = '\u0007';
/** A finished OSC 8 hyperlink: target, shown text (BEL-terminated, as the TUI draws them). */
const osc8 = /\u001B\]8;;([^\u0007\u001B]*)\u0007([^\u001B\u0007]*)\u001B\]8;;\u0007/g;
const sgrCodes = /\u001B\[[\d;]*m/g;

afterEach(() => {
	vi.unstubAllEnvs();
});

function entry(text: string, init: Partial<ChatEntry> = {}): ChatEntry {
	return {id: 1, kind: 'message', time: Date.UTC(2026, 0, 1), from: 'alice', fromHistory: false, mentionsMe: false, text, ...init};
}

describe('finding links', () => {
	test.each([
		['see https://example.com/a.', [['https://example.com/a', 'https://example.com/a']]],
		['(http://example.com/x)', [['http://example.com/x', 'http://example.com/x']]],
		['https://en.wikipedia.org/wiki/Foo_(bar), ok', [['https://en.wikipedia.org/wiki/Foo_(bar)', 'https://en.wikipedia.org/wiki/Foo_(bar)']]],
		['mail mailto:bob@example.com!', [['mailto:bob@example.com', 'mailto:bob@example.com']]],
		['HTTPS://Example.COM/Ä?q=1 two http://b.test', [['HTTPS://Example.COM/Ä?q=1', 'https://example.com/%C3%84?q=1'], ['http://b.test', 'http://b.test/']]],
		['https://bücher.de', [['https://bücher.de', 'https://xn--bcher-kva.de/']]],
	])('%s', (text, expected) => {
		expect(findLinks(text).map(link => [text.slice(link.start, link.end), link.url])).toEqual(expected);
	});

	test.each([
		'javascript:alert(1)',
		'file:///etc/passwd',
		'ftp://example.com',
		'data:text/html,hi',
		'https://',
		'http:// spaced.com',
		'xhttps://example.com',
		'mailto:',
		'www.example.com',
		'no links here',
	])('no link in %s', text => {
		expect(findLinks(text)).toEqual([]);
		expect(linkify(text)).toBe(text);
	});

	test('only http, https and mailto are targets, whatever the text around them', () => {
		for (const text of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'ftp://example.com/', 'vbscript:x', 'http:', 'mailto:']) {
			expect(linkTarget(text)).toBeUndefined();
		}

		expect(linkTarget('mailto:bob@example.com')).toBe('mailto:bob@example.com');
	});

	test('a target is printable ASCII: spaces and controls are never in it', () => {
		expect(linkTarget('https://example.com/a b')).toBe('https://example.com/a%20b');
		expect(linkTarget('https://example.com/a\u0007b')).toBe('https://example.com/a%07b');
	});

	test('property: a hyperlink only ever wraps a typed http(s) or mailto URL, and the text shown is unchanged', () => {
		const unit = fc.oneof(
			fc.constantFrom('https://', 'http://', 'mailto:', 'a@b.c', 'example.com', '/', '(', ')', '.', ' ', ';', 'javascript:', 'ä', '🦊', 'x'),
			fc.string({maxLength: 3}),
		);
		fc.assert(
			fc.property(fc.array(unit, {maxLength: 20}), parts => {
				const text = parts.join('').replace(/[\u0000-\u001F\u007F-\u009F]/g, '');
				const linked = linkify(text);
				expect(linked.replace(osc8, '$2')).toBe(text);
				for (const [, url, shown] of linked.matchAll(osc8)) {
					expect(shown).toMatch(/^(https?:\/\/|mailto:)/i);
					expect(linkTarget(shown!)).toBe(url);
					expect(url).toMatch(/^(https?:\/\/[^/?#]+|mailto:.)[\u0021-\u007E]*$/);
				}
			}),
			{numRuns: 1000},
		);
	});
});

describe('links on screen', () => {
	test('with support: OSC 8 around the URL; without: plain text', () => {
		vi.stubEnv('NO_COLOR', '1');
		const message = entry('read https://example.com/doc now');
		const [linked] = entryLines(message, 80, {links: true});
		expect(linked).toContain(`${ESC}]8;;https://example.com/doc${BEL}https://example.com/doc${ESC}]8;;${BEL}`);
		expect(entryLines(message, 80)).toEqual([stripAnsi(linked!)]);
		expect(entryLines(message, 80)[0]).not.toContain(ESC);
	});

	test('a link broken over lines is a link on each of them, and no line is wider', () => {
		const url = 'https://example.com/a/very/long/path/that/does/not/fit/on/one/line';
		const lines = entryLines(entry(`see ${url} please`, {mentionsMe: true}), 30, {links: true});
		expect(lines.length).toBeGreaterThan(2);
		const pieces = lines.flatMap(line => [...line.matchAll(osc8)]);
		expect(pieces.map(piece => piece[1])).toEqual(pieces.map(() => url));
		expect(pieces.map(piece => piece[2]).join('')).toBe(url);
		for (const line of lines) {
			expect(stringWidth(line)).toBeLessThanOrEqual(30);
		}
	});

	test("property: the escapes take no width: lines are the same text with or without links, and hostile text leaks no raw escape", () => {
		const unit = fc.oneof(
			fc.constantFrom('https://example.com/', 'http://a.b/c?d=e', 'mailto:x@y.z', ESC, BEL, `${ESC}]8;;javascript:x${BEL}`, '\u009B', '\u009D', ' ', '\n', '日本', '🦊', '(', ')', '.'),
			fc.string({unit: 'grapheme', maxLength: 4}),
		);
		fc.assert(
			fc.property(fc.array(unit, {maxLength: 25}), fc.integer({min: 8, max: 90}), fc.boolean(), (parts, width, mentionsMe) => {
				const message = entry(parts.join(''), {mentionsMe});
				const plainLines = entryLines(message, width);
				const linkedLines = entryLines(message, width, {links: true});
				expect(linkedLines.map(line => stripAnsi(line))).toEqual(plainLines.map(line => stripAnsi(line)));
				expect(linkedLines.map(line => stringWidth(line))).toEqual(plainLines.map(line => stringWidth(line)));
				for (const line of linkedLines) {
					// Only SGR and complete hyperlinks to http(s)/mailto remain: nothing raw.
					const rest = line.replace(osc8, (_all, url: string, shown: string) => {
						expect(url).toMatch(/^(https?:|mailto:)[\u0021-\u007E]+$/);
						return shown;
					});
					expect(rest.replace(sgrCodes, '')).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/);
				}
			}),
			{numRuns: 400},
		);
	});
});
