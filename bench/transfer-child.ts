/**
 * One party of the file-transfer benchmark, in a process of its own so its memory is its own:
 *   host                 a RoomHost (hub + transfer server) on 127.0.0.1; reports its ports
 *   sender PORT FILE     joins the room, uploads FILE when told ("/send"), reports when it started
 *   receiver PORT DIR    joins the room, downloads the first offer at once, reports when saved
 * Driven over IPC by transfer-vs-socat.ts; exits when done, when the parent goes, or after 10 min.
 */
import {RoomHost} from '../source/net/room-host.js';
import {MemberLink} from '../source/net/member-link.js';
import {downloadFile, uploadFile} from '../source/net/transfer-client.js';
import {pskOf, type TransferPsk} from '../source/net/transfer-tls.js';
import {nowMs} from './util.js';

export type TransferChildMessage =
	| {type: 'ready'; port?: number}
	| {type: 'started'; at: number}
	| {type: 'uploaded'; at: number; sha256: string}
	| {type: 'saved'; at: number; sha256: string; path: string}
	| {type: 'failed'; error: string};

const [role, arg1, arg2, sizeText] = process.argv.slice(2);
const reply = (message: TransferChildMessage) => process.send?.(message);
const guard = setTimeout(() => process.exit(2), 10 * 60_000);
let cleanup: () => Promise<void> = async () => undefined;
async function stop(code: number): Promise<never> {
	clearTimeout(guard);
	await cleanup().catch(() => undefined);
	process.exit(code);
}

process.on('disconnect', () => void stop(0));
process.on('message', (message: {type: string}) => {
	if (message.type === 'stop') void stop(0);
});

type Endpoint = {host: string; port: number; psk?: TransferPsk};

/** Joins as `name`; the endpoint carries the session's transfer key (TLS), as the app's transfer agent does. */
async function member(port: number, name: string): Promise<{link: MemberLink; token: string; endpoint: Endpoint}> {
	const link = new MemberLink({host: '127.0.0.1', port});
	const joined = await link.join(name);
	if (!joined.ok) throw new Error(`${name} could not join: ${joined.reason}`);
	const token = link.sessionToken;
	const endpoint = link.transferEndpoint;
	if (!token || !endpoint) throw new Error('the welcome announced no transfer port');
	cleanup = async () => link.leave(1000);
	return {link, token, endpoint: {...endpoint, psk: pskOf(link.transferKey)}};
}

try {
	if (role === 'host') {
		const size = Number(sizeText);
		const host = new RoomHost({bind: '127.0.0.1', port: 0, transferPort: 0, rateLimit: false, joinLimit: false, maxFileSize: size, spoolQuota: 2 * size});
		const {port} = await host.start();
		cleanup = async () => host.close();
		reply({type: 'ready', port});
	} else if (role === 'sender') {
		const {token, endpoint} = await member(Number(arg1), 'sender');
		process.on('message', (message: {type: string}) => {
			if (message.type !== 'send') return;
			const at = nowMs();
			reply({type: 'started', at});
			uploadFile({...endpoint, token, path: arg2!}).then(
				result => reply({type: 'uploaded', at: nowMs(), sha256: result.sha256}),
				(error: Error) => reply({type: 'failed', error: `upload: ${error.message}`}),
			);
		});
		reply({type: 'ready'});
	} else if (role === 'receiver') {
		const {link, token, endpoint} = await member(Number(arg1), 'receiver');
		let taken = false;
		link.onItem(item => {
			if (item.k !== 'offer' || taken || item.failed) return;
			taken = true;
			downloadFile({...endpoint, token, id: item.id, dir: arg2!, name: item.name, size: item.size}).then(
				result => reply({type: 'saved', at: nowMs(), sha256: result.sha256, path: result.path}),
				(error: Error) => reply({type: 'failed', error: `download: ${error.message}`}),
			);
		});
		reply({type: 'ready'});
	} else {
		throw new Error(`unknown role ${role}`);
	}
} catch (error) {
	reply({type: 'failed', error: (error as Error).message});
	await stop(1);
}
