/**
 * Keys typed while the TUI was still starting (`npx` can take seconds) went through the terminal's
 * cooked mode, where Enter's carriage return becomes a line feed. Read as typed, such a line
 * landed in the input as two lines instead of being sent; Ctrl+J (a line feed in raw mode) must
 * still be a new line.
 */
import {EventEmitter} from 'node:events';
import {describe, expect, test} from 'vitest';
import {TerminalInput, TYPEAHEAD_MS} from '../../source/ui/terminal/terminal-input.js';

/** A terminal's stdin: raw mode as Ink sets it, nothing else. */
function fakeTerminal(): NodeJS.ReadStream {
	const stream = new EventEmitter() as EventEmitter & {isRaw: boolean; setRawMode(mode: boolean): void; setEncoding(): void; pause(): void};
	stream.isRaw = false;
	stream.setRawMode = mode => {
		stream.isRaw = mode;
	};

	stream.setEncoding = () => undefined;
	stream.pause = () => undefined;
	return stream as unknown as NodeJS.ReadStream;
}

/** The input layer of the TUI's real terminal, with what it gives Ink and its listeners in order. */
function input(typeahead: boolean) {
	let clock = 1000;
	const seen: string[] = [];
	const layer = new TerminalInput(fakeTerminal(), {now: () => clock, toInk: data => seen.push(`ink:${JSON.stringify(data)}`), typeahead});
	layer.onText(event => seen.push(event.kind));
	return {
		layer,
		seen,
		advance(ms: number) {
			clock += ms;
		},
		raw() {
			layer.inkStdin.setRawMode(true);
		},
	};
}

describe('keys typed before raw mode', () => {
	test('a line typed while the terminal was cooked is sent: its line feed reaches Ink as Enter', () => {
		const term = input(true);
		term.layer.feed('early bird\n');
		term.raw();
		term.advance(2000);
		term.layer.feed('\n');
		expect(term.seen).toEqual(['ink:"early bird"', 'ink:"\\r"', 'newline']);
	});

	test('what the terminal held is read in the first chunk after raw mode: the same', () => {
		const term = input(true);
		term.raw();
		term.advance(5);
		term.layer.feed('hi\n');
		term.layer.feed('\n');
		expect(term.seen).toEqual(['ink:"hi"', 'ink:"\\r"', 'newline']);
	});

	test(`a first key more than ${TYPEAHEAD_MS} ms after raw mode was typed in raw mode: Ctrl+J stays a new line`, () => {
		const term = input(true);
		term.raw();
		term.advance(TYPEAHEAD_MS + 1);
		term.layer.feed('\n');
		expect(term.seen).toEqual(['newline']);
	});

	test('several lines typed ahead wait in the input as a paste, nothing sent', () => {
		const term = input(true);
		term.layer.feed('one\ntwo\n');
		expect(term.seen).toEqual(['paste']);
	});

	test('without typeahead (a terminal already raw, the tests), a line feed is a new line from the start', () => {
		const term = input(false);
		term.layer.feed('a\n');
		expect(term.seen).toEqual(['ink:"a"', 'newline']);
	});
});
