import net from 'node:net';
import tls from 'node:tls';

/**
 * In a room with a secret, file transfers run inside TLS 1.3 with a pre-shared key derived
 * from the room key: no certificates, and (EC)DHE on top of the key for forward secrecy.
 * Everything after the TCP handshake (names, tokens, bytes) is encrypted and authenticated.
 *
 * A TLS 1.3 server may ignore the client's PSK and authenticate with a certificate instead, so the
 * client refuses every certificate: only a server that holds the key gets a byte.
 */
const IDENTITY = 'socket-chat-tui transfer v1';
const common: {minVersion: tls.SecureVersion; ciphers: string} = {
	minVersion: 'TLSv1.3',
	ciphers: 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384',
};

/** The transfer server's listener: TLS with the room's transfer key, or plain TCP without one. */
export function transferListener(psk: Buffer | undefined, onConnection: (socket: net.Socket) => void): net.Server {
	if (!psk) {
		return net.createServer({allowHalfOpen: true}, onConnection);
	}

	return tls.createServer(
		{
			...common,
			allowHalfOpen: true,
			pskCallback: (_socket, identity) => (identity === IDENTITY ? psk : null),
		},
		onConnection,
	);
}

function refuseCertificate(): Error {
	return new Error('the transfer server showed a certificate instead of the room key: refused');
}

/** Opens a connection to the transfer server; resolves once TLS (if any) is established. */
export function transferConnect(host: string, port: number, psk: Buffer | undefined): {socket: net.Socket; ready: 'connect' | 'secureConnect'} {
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
		pskCallback: () => ({identity: IDENTITY, psk}),
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
