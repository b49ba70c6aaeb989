import type {Readable} from 'node:stream';
import type {CellPixels} from '../ui/preview/previews.js';

/**
 * The size in pixels of one of the terminal's cells, asked of the terminal before the full
 * screen starts (sixel draws pixels, so it must know how many cells a picture covers). The
 * question is CSI 16 t (answered "CSI 6 ; height ; width t" by terminals that know it), followed
 * by a primary device attributes request (CSI c), which every terminal answers: its answer ends
 * the wait at once where the first question got none.
 */

const question = '\u001B[16t\u001B[c';
/** The answers (what else comes in between is keys typed meanwhile, given back to stdin). */
const cellReply = /\u001B\[6;(\d{1,4});(\d{1,4})t/;
const attributesReply = /\u001B\[\?[\d;]*c/;

/** What came back so far: the cell size if its answer is there, whether the wait is over, and the bytes that were no answer. */
export function readReplies(received: string): {readonly cell?: CellPixels; readonly done: boolean; readonly rest: string} {
	const cell = cellReply.exec(received);
	const attributes = attributesReply.exec(received);
	let rest = received;
	for (const match of [cell, attributes]) if (match) rest = rest.replace(match[0], '');
	const height = cell ? Number(cell[1]) : 0;
	const width = cell ? Number(cell[2]) : 0;
	// A cell of 0 (some terminals answer so when they do not know) is no answer.
	return {...(width > 0 && height > 0 ? {cell: {width, height}} : {}), done: attributes !== null, rest};
}

type Input = Readable & {readonly isTTY?: boolean; setRawMode?(mode: boolean): unknown; readonly isRaw?: boolean};
type Output = Pick<NodeJS.WriteStream, 'write'> & {readonly isTTY?: boolean};

/**
 * Asks the terminal its cell size, waiting at most `timeoutMs` (the attributes' answer usually
 * ends it within a round trip). Undefined where either side is no terminal, or the terminal does
 * not say. Keys typed while waiting are put back on stdin for the screen that follows.
 */
export async function askCellSize(stdin: Input, stdout: Output, timeoutMs = 500): Promise<CellPixels | undefined> {
	if (stdin.isTTY !== true || stdout.isTTY !== true || stdin.setRawMode === undefined) return undefined;
	const wasRaw = stdin.isRaw === true;
	stdin.setRawMode(true);
	let received = '';
	try {
		return await new Promise<CellPixels | undefined>(resolve => {
			const finish = () => {
				clearTimeout(timer);
				stdin.off('data', onData);
				resolve(readReplies(received).cell);
			};

			const onData = (chunk: Buffer | string) => {
				received += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
				if (readReplies(received).done) finish();
			};

			const timer = setTimeout(finish, timeoutMs);
			stdin.on('data', onData);
			stdin.resume();
			stdout.write(question);
		});
	} finally {
		stdin.pause();
		const {rest} = readReplies(received);
		if (rest !== '') stdin.unshift(Buffer.from(rest, 'latin1'));
		stdin.setRawMode(wasRaw);
	}
}
