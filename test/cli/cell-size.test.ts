import {PassThrough} from 'node:stream';
import {describe, expect, test} from 'vitest';
import {askCellSize, readReplies} from '../../source/cli/cell-size.js';

/** A terminal on both ends of two streams: what the program writes, and what it answers on stdin. */
function terminal(answer: (question: string) => string | undefined) {
	const stdin = Object.assign(new PassThrough(), {isTTY: true, isRaw: false, rawModes: [] as boolean[]});
	const raw = (mode: boolean) => {
		stdin.rawModes.push(mode);
		stdin.isRaw = mode;
	};
	const input = Object.assign(stdin, {setRawMode: raw});
	const written: string[] = [];
	const stdout = {
		isTTY: true,
		write(chunk: string) {
			written.push(chunk);
			const reply = answer(chunk);
			if (reply !== undefined) setImmediate(() => stdin.write(Buffer.from(reply, 'latin1')));
			return true;
		},
	};
	return {stdin: input, stdout, written};
}

describe("the terminal's cell size, asked before the full screen", () => {
	test('read from the answer to CSI 16 t; the device attributes answer ends the wait', () => {
		expect(readReplies('\u001B[6;17;8t\u001B[?62;4c')).toEqual({cell: {width: 8, height: 17}, done: true, rest: ''});
		expect(readReplies('\u001B[?1;2c')).toEqual({done: true, rest: ''});
		expect(readReplies('\u001B[6;17;8t')).toEqual({cell: {width: 8, height: 17}, done: false, rest: ''});
		// A cell of 0 is no answer; keys typed meanwhile are kept.
		expect(readReplies('hi\u001B[6;0;0t\u001B[?62c!')).toEqual({done: true, rest: 'hi!'});
	});

	test('asks, answers at once when the terminal does, and gives keys typed meanwhile back to stdin', async () => {
		const {stdin, stdout, written} = terminal(() => 'a\u001B[6;20;10t\u001B[?62;4c');
		expect(await askCellSize(stdin, stdout, 5000)).toEqual({width: 10, height: 20});
		expect(written).toEqual(['\u001B[16t\u001B[c']);
		expect(stdin.rawModes).toEqual([true, false]);
		expect(String(stdin.read())).toBe('a');
	});

	test('a terminal that knows only the device attributes (tmux): no size, and no waiting for the time bound', async () => {
		const {stdin, stdout} = terminal(() => '\u001B[?1;2c');
		const started = Date.now();
		expect(await askCellSize(stdin, stdout, 60_000)).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(30_000);
	});

	test('a terminal that answers nothing: no size once the time bound passes; no terminal: nothing asked', async () => {
		const silent = terminal(() => undefined);
		expect(await askCellSize(silent.stdin, silent.stdout, 50)).toBeUndefined();
		expect(silent.stdin.rawModes).toEqual([true, false]);
		const piped = terminal(() => undefined);
		expect(await askCellSize(Object.assign(piped.stdin, {isTTY: false}), piped.stdout, 50)).toBeUndefined();
		expect(piped.written).toEqual([]);
	});
});
