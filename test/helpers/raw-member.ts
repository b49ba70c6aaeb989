import dgram from 'node:dgram';
import {SessionCipher} from '../../source/protocol/crypto.js';
import {decodeEnvelope, encodeEnvelope, encodeSealedEnvelope, FLAG_ENCRYPTED, HEADER_BYTES, NO_TOKEN} from '../../source/protocol/envelope.js';
import {HANDSHAKE_PAD_BYTES, PROTOCOL_VERSION} from '../../source/protocol/limits.js';
import {fromBase64, toBase64} from '../../source/protocol/secure/base64.js';
import {memberReply, NONCE_BYTES, sealHello} from '../../source/protocol/secure/handshake.js';
import {systemRandom} from '../../source/protocol/secure/random.js';
import {waitFor} from './wait-for.js';

type Frame = Record<string, unknown> & {t: string};

/**
 * A member on a bare UDP socket that speaks the wire by hand: the address cookie, the real
 * handshake glue (protocol/secure/handshake.ts), the confirming ping, then frames of its
 * choosing, sealed in its session. For tests that must do what the real member never would
 * (flood past its pace, withhold acks, send junk).
 */
export class RawMember {
	/** Every frame received, opened, in order. */
	readonly frames: Frame[] = [];
	token = NO_TOKEN;
	private cipher: SessionCipher | undefined;

	private constructor(
		readonly socket: dgram.Socket,
		private readonly port: number,
	) {
		socket.on('message', datagram => this.receive(datagram));
	}

	/** Opens a socket on 127.0.0.1 and runs the handshake under `name` (join: wait for the accept). */
	static async connect(port: number, name: string, options: {secret?: string; join?: boolean; confirm?: boolean; bind?: string; fields?: Record<string, unknown>} = {}): Promise<RawMember> {
		const socket = dgram.createSocket('udp4');
		await new Promise<void>(resolve => {
			socket.bind(0, options.bind ?? '127.0.0.1', resolve);
		});
		const member = new RawMember(socket, port);
		const cid = `raw-${name.slice(0, 8)}`;
		const nonce = systemRandom(NONCE_BYTES);
		member.clear([{t: 'query', cid, n: toBase64(nonce)}]);
		const retry = await waitFor(() => member.frames.find(frame => frame.t === 'retry'), {what: 'the address cookie'});
		member.clear([{t: 'query', cid, n: toBase64(nonce), c: retry.c}]);
		const room = await waitFor(() => member.frames.find(frame => frame.t === 'room'), {what: 'the room answer'});
		const reply = memberReply({
			cid,
			memberNonce: nonce,
			hubNonce: fromBase64(room.n as string)!,
			hubKey: fromBase64(room.id as string)!,
			hubShare: fromBase64(room.y as string)!,
			secret: options.secret,
			random: systemRandom,
		})!;
		member.cipher = new SessionCipher(Buffer.from(reply.keys.session.memberToHub), Buffer.from(reply.keys.session.hubToMember));
		member.clear([{t: 'hello', cid, n: toBase64(nonce), y: toBase64(reply.share), s: toBase64(sealHello(reply.keys, JSON.stringify({name, ...options.fields})))}]);
		if (options.join !== false) {
			await waitFor(() => member.token !== NO_TOKEN || member.frames.some(frame => frame.t === 'refuse'), {what: `${name} accepted`});
			// The hub admits the session on its first sealed datagram (unless this member is to leave it half-open).
			if (options.confirm !== false && member.token !== NO_TOKEN) {
				member.send([{t: 'ping', ts: 0}]);
			}
		}

		return member;
	}

	/** Sends frames in the clear (under `token`, by default none), padded as the real member pads its join. */
	clear(frames: unknown[], token = NO_TOKEN): void {
		this.socket.send(encodeEnvelope(PROTOCOL_VERSION, token, JSON.stringify(frames).padEnd(HANDSHAKE_PAD_BYTES - HEADER_BYTES, ' ')), this.port, '127.0.0.1');
	}

	/** Sends frames in the session, sealed. */
	send(frames: unknown[]): void {
		const cipher = this.cipher!;
		this.socket.send(encodeSealedEnvelope(PROTOCOL_VERSION, this.token, JSON.stringify(frames), (header, plaintext) => cipher.seal(header, plaintext)), this.port, '127.0.0.1');
	}

	/** Sends raw bytes. */
	raw(datagram: Uint8Array): void {
		this.socket.send(datagram, this.port, '127.0.0.1');
	}

	close(): void {
		this.socket.close();
	}

	private receive(datagram: Buffer): void {
		const envelope = decodeEnvelope(datagram);
		if (!envelope.ok) {
			return;
		}

		let body: Buffer | undefined = envelope.body;
		if ((envelope.flags & FLAG_ENCRYPTED) !== 0) {
			body = this.cipher?.open(datagram.subarray(0, HEADER_BYTES), envelope.body);
		}

		if (!body) {
			return;
		}

		const frames = JSON.parse(body.toString('utf8')) as Frame[];
		for (const frame of frames) {
			if (frame.t === 'accept' && this.token === NO_TOKEN) {
				this.token = envelope.token;
			}
		}

		this.frames.push(...frames);
	}
}
