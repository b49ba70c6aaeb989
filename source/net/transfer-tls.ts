import net from 'node:net';
import tls from 'node:tls';
import {transferIdentity} from '../protocol/secure/handshake.js';

/**
 * File transfers run inside TLS 1.3 with a pre-shared key, in an open room as in a private one:
 * the member's own session's (from its join handshake), named by an identity derived from it. No
 * certificates, and (EC)DHE on top of the key for forward secrecy. Everything after the TCP
 * handshake (names, tokens, bytes) is encrypted and authenticated.
 *
 * A TLS 1.3 server may ignore the client's PSK and authenticate with a certificate instead, so the
 * client refuses every certificate: only a server that holds the key gets a byte.
 */

/** A client's pre-shared key: its session token (the PSK identity) and the key. */
export type TransferPsk = {readonly identity: string; readonly key: Buffer};

/** A session's transfer key as the client offers it (undefined: no key, plain TCP). */
export function pskOf(key: Buffer | undefined): TransferPsk | undefined {
	return key && {identity: transferIdentity(key), key};
}
const common: {minVersion: tls.SecureVersion; ciphers: string} = {
	minVersion: 'TLSv1.3',
	ciphers: 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384',
};

/** How a transfer listener bounds the connections it holds. */
export type TransferListenerLimits = {
	/** A TLS handshake not done in this long is cut (Node's default is 120 s). */
	readonly handshakeTimeoutMs: number;
	/** Connections held at once; Node closes any more as they come. */
	readonly maxConnections: number;
};

/**
 * The transfer server's listener: TLS with the members' transfer keys, or plain TCP without a
 * way to look them up (a bare TransferServer, as its own tests start it; a host always has one).
 * `onConnection` gets the connection once it is ready for the request (after the TLS handshake).
 */
export function transferListener(
	psk: ((identity: string) => Buffer | undefined) | undefined,
	onConnection: (socket: net.Socket) => void,
	limits: TransferListenerLimits,
): net.Server {
	const server = psk
		? tls.createServer(
				{
					...common,
					allowHalfOpen: true,
					handshakeTimeout: limits.handshakeTimeoutMs,
					pskCallback: (_socket, identity) => psk(identity) ?? null,
				},
				onConnection,
			)
		: net.createServer({allowHalfOpen: true}, onConnection);
	server.maxConnections = limits.maxConnections;
	// A handshake that failed or timed out. Node reports it here and leaves the connection open
	// (a silent client would hold its socket forever): it is closed here.
	server.on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => socket.destroy());
	return server;
}

function refuseCertificate(): Error {
	return new Error('the transfer server showed a certificate instead of the room key: refused');
}

/** Opens a connection to the transfer server; resolves once TLS (if any) is established. */
export function transferConnect(host: string, port: number, psk: TransferPsk | undefined): {socket: net.Socket; ready: 'connect' | 'secureConnect'} {
	if (!psk) {
		return {socket: net.connect({host, port}), ready: 'connect'};
	}

	// allowHalfOpen is honoured by tls.connect (an upload ends its side, then reads the answer), but
	// is missing from its type.
	const options: tls.ConnectionOptions & {allowHalfOpen: boolean} = {
		...common,
		host,
		port,
		allowHalfOpen: true,
		pskCallback: () => ({identity: psk.identity, psk: psk.key}),
		// No certificate authority is trusted, unauthorized servers are refused whatever
		// NODE_TLS_REJECT_UNAUTHORIZED says, and a certificate that verifies all the same is refused
		// here: Node asks this only of a handshake that a certificate authenticated, never of a PSK one.
		ca: [],
		rejectUnauthorized: true,
		checkServerIdentity: refuseCertificate,
	};
	const socket = tls.connect(options);
	return {socket, ready: 'secureConnect'};
}
