import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {DatagramWriter} from '../../source/protocol/datagram-writer.js';
import {encodeEnvelope, encodeHeader} from '../../source/protocol/envelope.js';
import {packFrames} from '../../source/protocol/pack.js';

type Input =
	| {kind: 'data'; epoch: number; seq: number; payload: string; encode: boolean}
	| {kind: 'text'; frame: string};

const payloadArbitrary = fc.oneof(
	fc.jsonValue({maxDepth: 2}).map(value => JSON.stringify(value)),
	fc.record({k: fc.constant('msg'), text: fc.string({unit: 'binary', maxLength: 300})}).map(value => JSON.stringify(value)),
);

const inputArbitrary: fc.Arbitrary<Input> = fc.oneof(
	fc.record({
		kind: fc.constant('data' as const),
		epoch: fc.oneof(fc.integer({min: 0, max: 9}), fc.integer({min: 0, max: 0xff_ff_ff_ff})),
		seq: fc.oneof(fc.integer({min: 1, max: 12}), fc.integer({min: 1, max: Number.MAX_SAFE_INTEGER})),
		payload: payloadArbitrary,
		encode: fc.boolean(),
	}),
	fc.record({kind: fc.constant('text' as const), frame: fc.jsonValue({maxDepth: 2}).map(value => JSON.stringify(value))}),
);

const asFrame = (input: Input) => (input.kind === 'text' ? input.frame : `{"t":"d","g":${input.epoch},"n":${input.seq},"e":${input.payload}}`);

describe('DatagramWriter', () => {
	test('property: the datagrams are the envelope around exactly the bodies packFrames makes', () => {
		fc.assert(
			fc.property(fc.array(inputArbitrary, {maxLength: 40}), fc.integer({min: 3, max: 1500}), fc.boolean(), (inputs, max, encrypted) => {
				const token = '0123456789abcdef';
				const header = encodeHeader(1, token, encrypted ? 1 : 0);
				const datagrams: Buffer[] = [];
				const writer = new DatagramWriter(header, max, datagram => datagrams.push(datagram));
				for (const input of inputs) {
					const bytes = Buffer.byteLength(asFrame(input));
					if (input.kind === 'text') writer.frame(input.frame, bytes);
					else writer.data(input.epoch, input.seq, input.payload, input.encode ? Buffer.from(input.payload) : undefined, bytes);
				}

				writer.end();
				const frames = inputs.map(asFrame);
				expect(datagrams).toEqual(packFrames(frames, max).map(body => encodeEnvelope(1, token, body, encrypted ? 1 : 0)));
			}),
			{numRuns: 500},
		);
	});

	test('nothing written, nothing sent; end twice sends once', () => {
		const datagrams: Buffer[] = [];
		const writer = new DatagramWriter(encodeHeader(1, '0123456789abcdef'), 1188, datagram => datagrams.push(datagram));
		writer.end();
		expect(datagrams).toEqual([]);
		writer.frame('{"t":"pong","ts":5}', 19);
		writer.end();
		writer.end();
		expect(datagrams.map(datagram => datagram.subarray(12).toString())).toEqual(['[{"t":"pong","ts":5}]']);
	});
});
