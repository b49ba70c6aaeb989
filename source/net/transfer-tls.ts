import net from 'node:net';
import tls from 'node:tls';

/**
 * In a room with a secret, file transfers run inside TLS 1.3 with a pre-shared key: the member's
 * own session's (from its join handshake), named by its session token as the PSK identity. No
 * certificates, and (EC)DHE on top of the key for forward secrecy. Everything after the TCP
 * handshake (names, tokens, bytes) is encrypted and authenticated.
 *
 * A TLS 1.3 server may ignore the client's PSK and authenticate with a certificate instead, so the
 * client refuses every certificate: only a server that holds the key gets a byte.
 */

/** A client's pre-shared key: its session token (the PSK identity) and the key. */
export type TransferPsk = {readonly identity: string; readonly key: Buffer};
const common: {minVersion: tls.SecureVersion; ciphers: string} = {
	minVersion: 'TLSv1.3',
	ciphers: 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384',
};

/** The transfer server's listener: TLS with the room's transfer key, or plain TCP without one. */
export function transferListener(psk: ((identity: string) => Buffer | undefined) | undefined, onConnection: (socket: net.Socket) => void): net.Server {
	if (!psk) {
		return net.createServer({allowHalfOpen: true}, onConnection);
	}

	return tls.createServer(
		{
			...common,
			allowHalfOpen: true,
			pskCallback: (_socket, identity) => psk(identity) ?? null,
		},
		onConnection,
	);
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
