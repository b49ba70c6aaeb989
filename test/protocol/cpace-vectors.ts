/**
 * Published test vectors of draft-irtf-cfrg-cpace-21 (CFRG, April 2026), copied as data from the
 * draft's text. The ristretto255 ones are unchanged since draft 19 (draft 18 had another CI).
 *
 * - STRINGS: Appendix A "CPace function definitions": "prepend_len test vectors", "Testvector for
 *   lv_cat()", "Test vectors ordered concatenation", "Test vectors transcript_ir function" and
 *   "Test vectors for transcript_oc function".
 * - RISTRETTO255_SHA512: Appendix B "Test vectors", section "Test vector for CPace using group
 *   ristretto255 and hash SHA-512" (B.3): calculate_generator, messages from A and B, the secret
 *   points K, ISK initiator/responder and parallel, the optional session id output, then "Test
 *   case for scalar_mult with valid inputs" and "Invalid inputs for scalar_mult_vfy".
 *
 * Hex is lowercase; each value is joined from the draft's wrapped lines.
 */

const joined = (...lines: string[]) => lines.join('');

export const STRINGS = {
	prependLenEmpty: '00',
	prependLen1234: '0431323334',
	/** prepend_len(bytes(range(127))) starts 7f, range(128) starts 8001. */
	prependLen127Prefix: '7f',
	prependLen128Prefix: '8001',
	lvCat: {parts: ['1234', '5', '', '678'], expected: '043132333401350003363738'},
	lexicographicallyLarger: [
		['\0', '\0\0', false],
		['\u0001', '\0\0', true],
		['\0\0', '\0', true],
		['\0\0', '\u0001', false],
		['\0\u0001', '\u0001', false],
		['ABCD', 'BCD', false],
	] as Array<[string, string, boolean]>,
	oCat: [
		{a: 'ABCD', b: 'BCD', expected: '6f6342434441424344'},
		{a: 'BCD', b: 'ABCDE', expected: '6f634243444142434445'},
	],
	transcripts: [
		{
			ya: '123',
			ada: 'PartyA',
			yb: '234',
			adb: 'PartyB',
			ir: '03313233065061727479410332333406506172747942',
			oc: '6f6303323334065061727479420331323306506172747941',
		},
		{
			ya: '3456',
			ada: 'PartyA',
			yb: '2345',
			adb: 'PartyB',
			ir: '043334353606506172747941043233343506506172747942',
			oc: '6f63043334353606506172747941043233343506506172747942',
		},
	],
};

export const RISTRETTO255_SHA512 = {
	prs: 'Password',
	zeroPadding: 100,
	dsi: 'CPaceRistretto255',
	ci: '0b415f696e69746961746f720b425f726573706f6e646572',
	sid: '7e4b4791d6a8ef019b936c79fb7f2c57',
	generatorString: joined(
		'11435061636552697374726574746f3235350850617373776f726464',
		'00000000000000000000000000000000000000000000000000000000',
		'00000000000000000000000000000000000000000000000000000000',
		'00000000000000000000000000000000000000000000000000000000',
		'00000000000000000000000000000000180b415f696e69746961746f',
		'720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f',
		'2c57',
	),
	generatorHash: joined(
		'da6d3ddc8802fca9058755ffd3ebde08a9c2c74945901a258482a288',
		'b6663af06bf645c93cd1c51512307199c80e84908916d983b34af772',
		'05f90851a657ee27',
	),
	g: joined('222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5', '698c7e56'),
	ada: 'ADa',
	ya: joined('da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4f', 'f0976d08'),
	Ya: joined('d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec', '482b9157'),
	adb: 'ADb',
	yb: joined('d2316b454718c35362d83d69df6320f38578ed5984651435e2949762', 'd900b80d'),
	Yb: joined('3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7', '433f7258'),
	K: joined('80b69a8a76457ab6a4d7f887a4bf6b55a2f80ac19c333f917a05fc98', '87c8b40f'),
	transcriptIr: joined(
		'20d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0e',
		'ec482b915703414461203ea7e0b19560d7c0b0f5734f63b955286dfa',
		'8232b5ebe63324e2d9e7433f725803414462',
	),
	iskIr: joined(
		'b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dc',
		'ae7b35cd2b38950a39dfd5d4a79164614c2984f7daa460b588c1e80c',
		'3fa2068af7900447',
	),
	transcriptOc: joined(
		'6f6320d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f',
		'8d0eec482b915703414461203ea7e0b19560d7c0b0f5734f63b95528',
		'6dfa8232b5ebe63324e2d9e7433f725803414462',
	),
	iskSy: joined(
		'544199d71f62f8d9a1fee55727e24fe4a45844593c2b6013c4fa3969',
		'd0e5debb2244675c0b43397cbb68d342b01fc0f98fc961469a25134d',
		'e9f0f813c1a57476',
	),
	sidOutputIr: joined(
		'bb1c449b35f0ea79a65c209f329a693d475e0ce2387bed9fe4b78f60',
		'b2a27c219813fb2cfe175ef40d2222d9261e66da7d78f7c55a303b1b',
		'8611dcdfab880c47',
	),
	sidOutputOc: joined(
		'10d5941d4933497fe31b9188d690b84465e2a2d158332a7267284a07',
		'1a8d0876fc5c8c329dc735d59a9f8ef6623ee23924704a2f929dd631',
		'ca981227ee82fff2',
	),
	scalarMultValid: {
		s: joined('7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88', 'cf538a05'),
		X: joined('2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d6', '54b4a51c'),
		expected: joined('7c13645fe790a468f62c39beb7388e541d8405d1ade69d1778c5fe3e', '7f6b600e'),
	},
	/** scalar_mult_vfy(s, .) MUST return G.I for these; a message carrying one MUST abort. */
	invalid: {
		s: joined('7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88', 'cf538a05'),
		notAnElement: joined('2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d6', '54b4a51c'),
		identity: '0000000000000000000000000000000000000000000000000000000000000000',
	},
};
