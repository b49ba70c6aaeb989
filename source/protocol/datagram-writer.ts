import {HEADER_BYTES} from './envelope.js';

/** Where a reliable sender hands its frames: a whole item as its parts, anything else as text. */
export type FrameSink = {
	/** A whole data item: `{"t":"d","g":epoch,"n":seq,"e":` + the payload + `}`, `bytes` long in all. */
	data(epoch: number, seq: number, payload: string, encoded: Uint8Array | undefined, bytes: number): void;
	/** A frame as UTF-8 text, `bytes` long. */
	frame(frame: string, bytes: number): void;
};

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const COMMA = 0x2c;
const BRACE = 0x7d; // }
const DATA_HEAD = Buffer.from('{"t":"d","g":', 'latin1');
const SEQ_KEY = Buffer.from(',"n":', 'latin1');
const PAYLOAD_KEY = Buffer.from(',"e":', 'latin1');

type Part =
	| {kind: 'data'; epoch: number; seq: number; payload: string; encoded: Uint8Array | undefined}
	| {kind: 'text'; frame: string; bytes: number};

/**
 * Packs frames into datagrams and writes each straight into its bytes: the header, `[`, the
 * frames with commas, `]`. The same bodies as `packFrames` (as few as fit `maxBodyBytes`, frames
 * in order, a frame too big for any body alone), without the strings in between: a data item's
 * payload, encoded once for every stream it went into, is copied in as bytes, and its frame head
 * is written digit by digit. This is the hub's fan-out path, where a string per delivery and a
 * joined body per datagram were most of the garbage collector's work.
 */
export class DatagramWriter implements FrameSink {
	readonly #parts: Part[] = [];
	#size = 2;

	/**
	 * `header` is the 12-byte envelope header each datagram starts with; `emit` gets each datagram
	 * (its own buffer) as soon as it is complete.
	 */
	constructor(
		private readonly header: Uint8Array,
		private readonly maxBodyBytes: number,
		private readonly emit: (datagram: Buffer) => void,
	) {}

	data(epoch: number, seq: number, payload: string, encoded: Uint8Array | undefined, bytes: number): void {
		this.#add(bytes);
		this.#parts.push({kind: 'data', epoch, seq, payload, encoded});
	}

	frame(frame: string, bytes: number): void {
		this.#add(bytes);
		this.#parts.push({kind: 'text', frame, bytes});
	}

	/** Emits the datagram in progress, if it holds any frame. */
	end(): void {
		if (this.#parts.length === 0) return;
		const datagram = Buffer.allocUnsafe(HEADER_BYTES + this.#size);
		datagram.set(this.header, 0);
		let at = HEADER_BYTES;
		datagram[at++] = OPEN;
		for (let index = 0; index < this.#parts.length; index++) {
			const part = this.#parts[index]!;
			if (index > 0) datagram[at++] = COMMA;
			if (part.kind === 'text') {
				at += datagram.write(part.frame, at, part.bytes, 'utf8');
				continue;
			}

			datagram.set(DATA_HEAD, at);
			at = writeDigits(datagram, at + DATA_HEAD.length, part.epoch);
			datagram.set(SEQ_KEY, at);
			at = writeDigits(datagram, at + SEQ_KEY.length, part.seq);
			datagram.set(PAYLOAD_KEY, at);
			at += PAYLOAD_KEY.length;
			if (part.encoded) {
				datagram.set(part.encoded, at);
				at += part.encoded.length;
			} else {
				at += datagram.write(part.payload, at, 'utf8');
			}

			datagram[at++] = BRACE;
		}

		datagram[at++] = CLOSE;
		this.#parts.length = 0;
		this.#size = 2;
		this.emit(at === datagram.length ? datagram : datagram.subarray(0, at));
	}

	/** Room for a frame of `bytes`: ends the datagram in progress first when it would not fit. */
	#add(bytes: number): void {
		if (this.#parts.length > 0 && this.#size + 1 + bytes > this.maxBodyBytes) this.end();
		this.#size += (this.#parts.length > 0 ? 1 : 0) + bytes;
	}
}

/** Writes a non-negative safe integer in decimal ASCII at `at`; returns the offset after it. */
function writeDigits(target: Buffer, at: number, value: number): number {
	if (value < 10) {
		target[at] = 0x30 + value;
		return at + 1;
	}

	let digits = 1;
	for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
	for (let index = digits - 1, rest = value; index >= 0; index--, rest = Math.floor(rest / 10)) {
		target[at + index] = 0x30 + (rest % 10);
	}

	return at + digits;
}
