import dgram from 'node:dgram';

/**
 * A UDP port free on 127.0.0.1 right now (bound, read, released), for a test that must name a
 * port in advance: a discovery port parallel test files must not share, or a hub to restart on
 * the same port.
 */
export async function freeUdpPort(): Promise<number> {
	const socket = dgram.createSocket('udp4');
	await new Promise<void>(resolve => {
		socket.bind(0, '127.0.0.1', resolve);
	});
	const {port} = socket.address();
	await new Promise<void>(resolve => {
		socket.close(() => resolve());
	});
	return port;
}
