import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {MAX_PASTE_CHARS, TerminalDecoder, type TerminalEvent} from '../../source/ui/terminal/terminal-decoder.js';

const ESC = '\u001B';

function decode(...chunks: string[]): TerminalEvent[] {
	const decoder = new TerminalDecoder();
	// Chunks a second apart: no burst joins them.
	const events = chunks.flatMap((chunk, index) => decoder.push(chunk, index * 1000));
	return [...events, ...decoder.flush()];
}

const keys = (data: string): TerminalEvent => ({kind: 'keys', data});

/** What Ink's key parser is handed must be one of these (see terminal-decoder.ts). */
const safeKeys = new RegExp(
	[
		String.raw`[^\u0000-\u001F\u007F-\u009F\u001B]+`, // printable text
		String.raw`[\u0001-\u001A\u007F]`, // Ctrl+letter, Tab, Enter, Backspace
		String.raw`\u001B`, // Esc
		String.raw`\u001B[a-zA-Z0-9\u007F\b]`, // Alt+key
		String.raw`\u001B\[(1;\d+)?[ABCDEHFZPQRS]`, // arrows, Home/End, F1-F4, Shift+Tab
		String.raw`\u001B\[\d+(;\d+)?~`, // Insert, Delete, PgUp/PgDn, F5-F12
		String.raw`\u001BO[A-DHFP-S]`, // SS3 keys
		String.raw`\u001B\[\[.`, // Linux console F-keys
	]
		.map(part => `(?:${part})`)
		.join('|'),
);

describe('TerminalDecoder: keys', () => {
	test.each([
		['text', 'hello', [keys('hello')]],
		['Enter is a key of its own after text', 'hi\r', [keys('hi'), keys('\r')]],
		['Ctrl+C', '\u0003', [keys('\u0003')]],
		['Backspace', '\u007F', [keys('\u007F')]],
		['arrows', `${ESC}[A${ESC}[1;5C`, [keys(`${ESC}[A`), keys(`${ESC}[1;5C`)]],
		['PgUp, Shift+Tab, SS3 Home', `${ESC}[5~${ESC}[Z${ESC}OH`, [keys(`${ESC}[5~`), keys(`${ESC}[Z`), keys(`${ESC}OH`)]],
		['Alt+b', `${ESC}b`, [keys(`${ESC}b`)]],
		['a lone Esc, once it waited', ESC, [keys(ESC)]],
		['Esc Esc', `${ESC}${ESC}`, [keys(ESC), keys(ESC)]],
		['Delete is ours', `${ESC}[3~`, [{kind: 'delete-forward'}]],
		['Ctrl+J is a line break', '\n', [{kind: 'newline'}]],
		['Alt+Enter is a line break', `${ESC}\r`, [{kind: 'newline'}]],
		['Shift+Enter (CSI u) is a line break', `${ESC}[13;2u`, [{kind: 'newline'}]],
		['Shift+Enter (modifyOtherKeys) is a line break', `${ESC}[27;2;13~`, [{kind: 'newline'}]],
		['focus in and out', `${ESC}[I${ESC}[O`, [{kind: 'focus', focused: true}, {kind: 'focus', focused: false}]],
	])('%s', (_label, input, expected) => {
		expect(decode(input)).toEqual(expected);
	});

	test.each([
		['SGR colour (the crash of ink 6.8)', `a${ESC}[31mb${ESC}[0mc`, 'abc'],
		['an unknown CSI', `a${ESC}[?1049hb${ESC}[6n`, 'ab'],
		['OSC with BEL', `a${ESC}]0;title\u0007b`, 'ab'],
		['OSC with ST', `a${ESC}]8;;http://x${ESC}\\b`, 'ab'],
		['DCS', `a${ESC}P1$r0m${ESC}\\b`, 'ab'],
		['APC, PM, SOS', `a${ESC}_x${ESC}\\${ESC}^y${ESC}\\${ESC}Xz${ESC}\\b`, 'ab'],
		['NUL and other controls', 'a\u0000\u001C\u001Fb\u0085c', 'abc'],
		['Esc before punctuation', `a${ESC}.b`, 'a.b'],
	])('drops %s whole', (_label, input, text) => {
		const events = decode(input);
		expect(events.every(event => event.kind === 'keys')).toBe(true);
		expect(events.map(event => (event.kind === 'keys' ? event.data : '')).join('')).toBe(text);
	});

	test('a sequence split across reads is put together before it is judged', () => {
		expect(decode(ESC, '[', '3', '1', 'mx')).toEqual([keys('x')]);
		expect(decode(`${ESC}[1;`, '5A')).toEqual([keys(`${ESC}[1;5A`)]);
		expect(decode(`${ESC}]0;ti`, `tle\u0007ok`)).toEqual([keys('ok')]);
	});

	test('an unterminated string sequence is dropped at its bound, and reading goes on', () => {
		const events = decode(`${ESC}]${'x'.repeat(5000)}`, 'after');
		expect(events.at(-1)).toEqual(keys('after'));
	});
});

describe('TerminalDecoder: pastes', () => {
	const pasted = (text: string) => `${ESC}[200~${text}${ESC}[201~`;

	test('a bracketed paste comes whole, its escapes and controls untouched for the cleaner', () => {
		expect(decode(pasted(`a\r\nb${ESC}[31m\tc`))).toEqual([{kind: 'paste', text: `a\r\nb${ESC}[31m\tc`}]);
	});

	test('a bracketed paste split anywhere, even inside its end marker, comes whole', () => {
		const whole = `x${pasted('line one\nline two')}y`;
		for (let cut = 1; cut < whole.length; cut++) {
			expect(decode(whole.slice(0, cut), whole.slice(cut))).toEqual([keys('x'), {kind: 'paste', text: 'line one\nline two'}, keys('y')]);
		}
	});

	test('a paste over the bound is ended there, and what follows its end marker is read again', () => {
		const events = decode(`${ESC}[200~`, 'z'.repeat(MAX_PASTE_CHARS + 10), `${ESC}[201~ok`);
		expect(events).toEqual([{kind: 'paste', text: 'z'.repeat(MAX_PASTE_CHARS)}, keys('ok')]);
	});

	test('without bracketed paste, a read with a line break inside is one paste; a trailing Enter alone is not', () => {
		const decoder = new TerminalDecoder();
		expect(decoder.push('one\rtwo\r', 0)).toEqual([{kind: 'paste', text: 'one\rtwo'}]);
		// More text right after is the same paste; a lone Enter right after is a key.
		expect(decoder.push('three', 10)).toEqual([{kind: 'paste', text: 'three'}]);
		expect(decoder.push('\r', 20)).toEqual([keys('\r')]);
		expect(decoder.push('typed', 5000)).toEqual([keys('typed')]);
	});
});

/** Bytes a terminal (or a hostile paste) can send, weighted towards the interesting ones. */
const terminalBytes = fc.string({
	unit: fc.oneof(
		{weight: 4, arbitrary: fc.constantFrom('a', 'Z', '5', ' ', 'é', '漢', '😀', '\uFFFD')},
		{weight: 3, arbitrary: fc.constantFrom(ESC, '[', ']', 'O', 'P', '_', '\\', ';', '?', '~', 'm', 'u', 'A', '2', '0', '1', '3')},
		{weight: 2, arbitrary: fc.integer({min: 0, max: 0x9f}).map(code => String.fromCharCode(code))},
		{weight: 1, arbitrary: fc.constantFrom(`${ESC}[200~`, `${ESC}[201~`, `${ESC}[31m`, '\r\n', '\u0007')},
	),
	maxLength: 200,
});

describe('TerminalDecoder: any bytes', () => {
	test('property: whatever arrives, however it is split, Ink is only handed keys of the safe grammar', () => {
		fc.assert(
			fc.property(terminalBytes, fc.array(fc.nat(200), {maxLength: 6}), (bytes, cuts) => {
				const points = [...new Set(cuts.map(cut => cut % (bytes.length + 1)))].sort((a, b) => a - b);
				const chunks = [0, ...points].map((start, index, all) => bytes.slice(start, all[index + 1] ?? bytes.length));
				for (const event of decode(...chunks)) {
					if (event.kind === 'keys') {
						expect(event.data).toMatch(new RegExp(`^(?:${safeKeys.source})$`, 'u'));
					}
				}
			}),
			{numRuns: 3000},
		);
	});
});

describe('TerminalDecoder: never stuck', () => {
	test('a paste start marker that is never ended is over once nothing more comes: the keys after it are keys again', () => {
		const decoder = new TerminalDecoder();
		expect(decoder.push(`a${ESC}[200~stray`, 0)).toEqual([keys('a')]);
		expect(decoder.waiting).toBe(true);
		expect(decoder.flush()).toEqual([{kind: 'paste', text: 'stray'}]);
		expect(decoder.push('\u0015typed\r', 1000)).toEqual([keys('\u0015'), keys('typed'), keys('\r')]);
	});
});
