import {z} from 'zod';
import {decodeError, type DecodeError} from './envelope.js';
import {MAX_FRAGMENTS, MAX_SACK_RANGES} from './limits.js';

/*
 * A datagram's body is a JSON array of frames. Several frames share one datagram: that is how
 * events and acks are packed (see docs/protocol.md).
 */

const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const epoch = z.number().int().min(0).max(0xff_ff_ff_ff);
const cid = z.string().min(1).max(64);
/** Bytes as base64url (no padding), at most `chars` characters. */
const b64 = (chars: number) => z.string().max(chars).regex(/^[A-Za-z0-9_-]*$/);

/** The fields of a hello, sealed inside it (`s`) under the handshake's hello key. */
export const helloFieldsSchema = z.object({
	name: z.string().max(512),
	hk: z.string().max(64).optional(),
	/** Rejoining: the last room sequence number this member has shown. */
	since: z.number().int().nonnegative().optional(),
	/** Rejoining: the token of the session this one replaces. */
	prev: z.string().regex(/^[0-9a-f]{16}$/).optional(),
	/** Rejoining: the resume secret the replaced session's welcome carried. */
	resume: z.string().max(64).optional(),
	/**
	 * The member takes its own message, come back by the room stream with its id, as the ack of
	 * the request that carried it (docs/protocol.md, "Acknowledgement timing"): the hub may leave that ack out.
	 */
	ea: z.literal(true).optional(),
});
export type HelloFields = z.infer<typeof helloFieldsSchema>;

/**
 * A data frame carries either a whole payload `e`, or a fragment: `p` [index, count] and its
 * text `x`. One object schema (so the frame union can switch on `t`), checked for exactly one
 * of the two shapes.
 */
const dataFrame = z
	.object({
		t: z.literal('d'),
		g: epoch,
		n: seq,
		e: z.unknown().optional(),
		p: z.tuple([z.number().int().min(0), z.number().int().min(2).max(MAX_FRAGMENTS)]).optional(),
		x: z.string().max(4096).optional(),
	})
	.strict()
	.refine(f => ('e' in f ? f.p === undefined && f.x === undefined : f.p !== undefined && f.x !== undefined && f.p[0] < f.p[1]), 'a data frame has e, or p and x');

export const frameSchema = z.discriminatedUnion('t', [
	// The handshake (docs/protocol.md, "Joining"): binary values are base64url.
	// `c`: the address cookie of an earlier `retry` (docs/protocol.md, "Joining").
	z.object({t: z.literal('query'), cid, n: b64(24), c: b64(44).optional()}),
	z.object({t: z.literal('retry'), cid, c: b64(44)}),
	// `e`: the hub's key is new each run (it has no data folder): not worth pinning.
	z.object({t: z.literal('room'), cid, secret: z.boolean(), id: b64(44), n: b64(24), y: b64(44), e: z.boolean().optional()}),
	z.object({t: z.literal('hello'), cid, n: b64(24), y: b64(44), s: b64(2048)}),
	z.object({t: z.literal('accept'), cid, sig: b64(88)}),
	z.object({
		t: z.literal('refuse'),
		cid: cid.optional(),
		code: z.string().max(64),
		reason: z.string().max(1000),
		versions: z.array(z.number().int()).max(16).optional(),
	}),
	// `ts` and `sig`: on a `gone` for a session the hub no longer knows, signed by its long-term key.
	z.object({t: z.literal('gone'), reason: z.string().max(1000), code: z.enum(['unknown', 'removed']).optional(), ts: z.number().optional(), sig: b64(88).optional()}),
	dataFrame,
	z.object({
		t: z.literal('ack'),
		g: epoch,
		c: z.number().int().min(0),
		s: z.array(z.tuple([seq, seq])).max(MAX_SACK_RANGES).optional(),
	}),
	z.object({t: z.literal('ping'), ts: z.number()}),
	// The member is typing, or stopped (docs/protocol.md, "Payloads": never an item of a stream).
	z.object({t: z.literal('ty'), a: z.boolean()}),
	z.object({t: z.literal('pong'), ts: z.number()}),
	// The room stream (docs/protocol.md, "The room stream"): its ack, and the answer to the probe.
	// `g`, `r`: datagrams delivered whose first copy came by the group, and by a repair (cumulative, this session).
	z.object({
		t: z.literal('ca'),
		c: z.number().int().min(0).max(0xff_ff_ff_ff),
		s: z.array(z.tuple([seq, seq])).max(MAX_SACK_RANGES).optional(),
		g: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
		r: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
	}),
	z.object({t: z.literal('probe'), u: z.number().int().min(0).max(1000), g: z.number().int().min(0).max(1000), l: z.number().int().min(-100_000).max(100_000), o: z.boolean().optional()}),
]);

type ParsedFrame = z.infer<typeof frameSchema>;
type WholeData = {t: 'd'; g: number; n: number; e: unknown};
type FragmentData = {t: 'd'; g: number; n: number; p: [number, number]; x: string};

/** A decoded frame; data frames narrowed to their two shapes. */
export type Frame = Exclude<ParsedFrame, {t: 'd'}> | WholeData | FragmentData;
export type DataFrame = Extract<Frame, {t: 'd'}>;
export type AckFrame = Extract<Frame, {t: 'ack'}>;

const framesSchema = z.array(frameSchema).min(1).max(1024);

const isUint = (value: unknown, max: number): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;

/**
 * The hot frames in their plainest form (a whole data frame, an ack without ranges), recognised
 * without zod. Every check here is one the schema makes too, and anything else (other frames,
 * extra keys, ranges) goes to the schema: this can only say yes where the schema says yes.
 */
export function fastFrame(value: unknown): Frame | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return undefined;
	}

	const frame = value as Record<string, unknown>;
	const keys = Object.keys(frame);
	if (frame.t === 'd' && keys.length === 4 && 'e' in frame && isUint(frame.g, 0xff_ff_ff_ff) && isUint(frame.n, Number.MAX_SAFE_INTEGER) && frame.n >= 1) {
		return frame as WholeData;
	}

	if (frame.t === 'ack' && keys.length === 3 && isUint(frame.g, 0xff_ff_ff_ff) && isUint(frame.c, Number.MAX_SAFE_INTEGER)) {
		return frame as Frame;
	}

	// The room stream's ack without ranges: what every member the group serves sends most.
	if (
		frame.t === 'ca' &&
		isUint(frame.c, 0xff_ff_ff_ff) &&
		keys.every(key => key === 't' || key === 'c' || key === 'g' || key === 'r') &&
		(frame.g === undefined || isUint(frame.g, Number.MAX_SAFE_INTEGER)) &&
		(frame.r === undefined || isUint(frame.r, Number.MAX_SAFE_INTEGER))
	) {
		return frame as Frame;
	}

	return undefined;
}

/** Parses a datagram body into frames; never throws. */
export function decodeFrames(body: Buffer | string): {ok: true; frames: Frame[]} | DecodeError {
	let json: unknown;
	try {
		json = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
	} catch {
		return decodeError('bad-json', 'body is not JSON');
	}

	if (Array.isArray(json) && json.length > 0 && json.length <= 1024) {
		const fast = json.map(fastFrame);
		if (fast.every(frame => frame !== undefined)) {
			return {ok: true, frames: fast as Frame[]};
		}
	}

	const result = framesSchema.safeParse(json);
	if (!result.success) {
		const issue = result.error.issues[0];
		return decodeError('bad-frame', issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid frames');
	}

	return {ok: true, frames: result.data as Frame[]};
}

/** Encodes one frame. Data frames on the hot path are assembled by the reliable sender instead. */
export function encodeFrame(frame: Frame): string {
	return JSON.stringify(frame);
}
