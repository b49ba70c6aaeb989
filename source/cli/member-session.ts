import {hostname} from 'node:os';
import {formatNetInfo, gatherNetInfo} from '../net/netinfo.js';
import {formatServed} from '../net/netinfo-served.js';
import {ignoreFile} from '../net/ignore-file.js';
import {loopbackFor} from '../net/interfaces.js';
import {roomKey} from '../net/known-rooms.js';
import {MemberLink} from '../net/member-link.js';
import {knownRoomPins} from '../net/room-pins.js';
import {TransferAgent} from '../net/transfer-agent.js';
import {ChatSession} from '../session/chat-session.js';
import {pathPlatform} from '../session/commands/split-args.js';
import type {CliOptions} from './options.js';
import type {RunningHub} from './run-host.js';

/** A member session for the room this process hosts, or for the one at `target`. */
export function memberSession(options: CliOptions, room: RunningHub | undefined, target = options.join): ChatSession {
	const hub = room ? {host: loopbackFor(options.bind), port: room.port} : target;
	if (!hub) {
		throw new Error('no room to join');
	}

	// The host's own member joins over loopback and needs no pin; everyone else pins the room's key.
	const pins = room ? undefined : knownRoomPins(options.knownRoomsFile, hub.host, hub.port, options.acceptNewKey);
	const link = new MemberLink({...hub, hostKey: room?.hub.hostKey, secret: options.secret, secretFrom: options.secretFrom, pins, multicast: options.multicast});
	return new ChatSession({
		hostname: hostname(),
		link,
		transfers: new TransferAgent(link, options.downloadDir, process.cwd(), pathPlatform(process.platform)),
		role: room ? 'host' : 'member',
		shareAddresses: room?.shareAddresses,
		scrollback: options.scrollback,
		ignores: ignoreFile(options.ignoreFile, roomKey(hub.host, hub.port)),
		netinfo: async () => [
			...formatNetInfo(
				await gatherNetInfo({
					discoveryPort: options.discoveryPort,
					hubPort: room?.port ?? hub.port,
					transferPort: room?.transferPort,
					bind: options.bind,
					announcer: room?.announcer,
				}),
			),
			...formatServed(link.served, room?.hub.servedBy()),
		],
	});
}
