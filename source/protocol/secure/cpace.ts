import {ristretto255, ristretto255_hasher} from '@noble/curves/ed25519.js';
import {bytesToNumberLE} from '@noble/curves/utils.js';
import {sha512} from '@noble/hashes/sha2.js';
import {concatBytes, utf8ToBytes} from '@noble/hashes/utils.js';
import {generatorString, lvCat, transcriptIr, transcriptOc} from './cpace-strings.js';
import {drawBytes, systemRandom, type RandomSource} from './random.js';

/**
 * CPace, the balanced PAKE of draft-irtf-cfrg-cpace (checked against draft 21), with the cipher
 * suite CPACE-RISTR255-SHA512. The group and the hash come from @noble; this file is only the
 * draft's glue: the generator, the shares, the checks on the peer's share and the ISK (the
 * string encodings are in cpace-strings.ts).
 */

/** A ristretto255 group element, as @noble/curves represents it. */
export type RistrettoPoint = InstanceType<typeof ristretto255.Point>;

/** G.DSI of G_Ristretto255. */
export const CPACE_DSI = utf8ToBytes('CPaceRistretto255');
/** G.DSI || "_ISK", the domain of the ISK hash. */
const DSI_ISK = utf8ToBytes('CPaceRistretto255_ISK');
/** H.s_in_bytes: SHA-512's input block size. */
export const SHA512_BLOCK_BYTES = 128;
/** The size of an encoded group element (and of a scalar's encoding). */
export const CPACE_ELEMENT_BYTES = 32;
/** G.I: the encoding of the neutral element, returned by scalarMultVfy on every failure. */
export const CPACE_IDENTITY: Readonly<Uint8Array> = new Uint8Array(CPACE_ELEMENT_BYTES);
/** G.group_size_bits: sampled scalars keep this many low bits. */
const GROUP_SIZE_BITS = 252;

/** calculate_generator: ristretto255 element derivation (RFC 9496) of SHA-512(generator_string). */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): RistrettoPoint {
	if (!ristretto255_hasher.deriveToCurve) {
		throw new Error('@noble/curves lacks ristretto255 element derivation');
	}

	return ristretto255_hasher.deriveToCurve(sha512(generatorString(CPACE_DSI, prs, ci, sid, SHA512_BLOCK_BYTES)));
}

/**
 * sample_scalar as the draft recommends: 32 random bytes, the bits above 252 cleared, read little
 * endian. Always below the group order; zero (probability 2^-252) is drawn again.
 */
export function sampleScalar(random: RandomSource = systemRandom): bigint {
	for (;;) {
		const bytes = drawBytes(random, CPACE_ELEMENT_BYTES);
		const last = CPACE_ELEMENT_BYTES - 1;
		bytes[last] = bytes[last]! & ((1 << (GROUP_SIZE_BITS % 8)) - 1);
		const scalar = bytesToNumberLE(bytes);
		bytes.fill(0);
		if (scalar !== 0n) {
			return scalar;
		}
	}
}

/** scalar_mult: encode(y * g) for a decoded generator g. */
export function scalarMult(y: bigint, g: RistrettoPoint): Uint8Array {
	return g.multiply(y).toBytes();
}

/**
 * scalar_mult_vfy: encode(y * decode(x)), or G.I when `x` is not a canonical ristretto255
 * encoding or is the neutral element (then so would be the product: the group has prime order).
 */
export function scalarMultVfy(y: bigint, x: Uint8Array): Uint8Array {
	let point: RistrettoPoint;
	try {
		point = ristretto255.Point.fromBytes(x);
	} catch {
		return Uint8Array.from(CPACE_IDENTITY);
	}

	return point.is0() ? Uint8Array.from(CPACE_IDENTITY) : point.multiply(y).toBytes();
}

/** True for the encoding of the neutral element (compared in constant time). */
export function isIdentity(element: Uint8Array): boolean {
	let bits = element.length ^ CPACE_ELEMENT_BYTES;
	for (const byte of element) {
		bits |= byte;
	}

	return bits === 0;
}

/** ISK = SHA-512(lv_cat(DSI || "_ISK", sid, K) || transcript). */
export function deriveIsk(sid: Uint8Array, k: Uint8Array, transcript: Uint8Array): Uint8Array {
	return sha512(concatBytes(lvCat(DSI_ISK, sid, k), transcript));
}

/** sid_output = SHA-512("CPaceSidOutput" || transcript): a public session id when none was input. */
export function sidOutput(transcript: Uint8Array): Uint8Array {
	return sha512(concatBytes(utf8ToBytes('CPaceSidOutput'), transcript));
}

/**
 * Who a party is. 'initiator' (A, sends Ya) and 'responder' (B, sends Yb) hash transcript_ir;
 * 'symmetric' is the draft's setting without roles, hashing transcript_oc (both ends pass it).
 */
export type CpaceRole = 'initiator' | 'responder' | 'symmetric';

/** The inputs of one CPace run. CI, sid and AD default to the empty string. */
export type CpaceOptions = {
	role: CpaceRole;
	/** The password-related string both sides share. */
	prs: Uint8Array;
	/** Channel identifier: bound into the generator, never sent. */
	ci?: Uint8Array;
	/** Session id, public and unique per run (e.g. both sides' nonces). */
	sid?: Uint8Array;
	/** Our associated data (ADa or ADb): sent in clear, authenticated by the ISK. */
	ad?: Uint8Array;
	random?: RandomSource;
};

/** One side of a run under way. */
export type CpaceSession = {
	/** Our public share (Ya or Yb): 32 bytes, to send together with `ad`. */
	readonly message: Uint8Array;
	/** Our associated data as given. */
	readonly ad: Uint8Array;
	/**
	 * The 64-byte ISK from the peer's share and associated data, or undefined when that share is
	 * invalid or the neutral element: then abort. Usable once; the secret scalar is dropped.
	 */
	finish(peerMessage: Uint8Array, peerAd?: Uint8Array): Uint8Array | undefined;
};

function transcriptFor(role: CpaceRole, own: Uint8Array, ownAd: Uint8Array, peer: Uint8Array, peerAd: Uint8Array): Uint8Array {
	switch (role) {
		case 'initiator': {
			return transcriptIr(own, ownAd, peer, peerAd);
		}

		case 'responder': {
			return transcriptIr(peer, peerAd, own, ownAd);
		}

		case 'symmetric': {
			return transcriptOc(own, ownAd, peer, peerAd);
		}
	}
}

/** Starts a CPace run: computes our share now; `finish` takes the peer's. */
export function cpaceStart(options: CpaceOptions): CpaceSession {
	const empty = new Uint8Array(0);
	const {role, prs, ci = empty, sid = empty, ad = empty} = options;
	const generator = calculateGenerator(prs, ci, sid);
	let scalar: bigint | undefined = sampleScalar(options.random);
	const message = scalarMult(scalar, generator);
	return {
		message,
		ad,
		finish(peerMessage, peerAd = empty) {
			if (scalar === undefined) {
				throw new Error('this CPace run is already finished');
			}

			const k = scalarMultVfy(scalar, peerMessage);
			scalar = undefined;
			if (isIdentity(k)) {
				return undefined;
			}

			const isk = deriveIsk(sid, k, transcriptFor(role, message, ad, peerMessage, peerAd));
			k.fill(0);
			return isk;
		},
	};
}
