/**
 * DNS-SD over mDNS on loopback only: the sockets join the group on 127.0.0.1 and send out of lo,
 * on a port of their own (not 5353), so nothing reaches the machine's networks or its responder.
 */
import {afterEach, describe, expect, test} from 'vitest';
import {RoomAnnouncer, watchRooms, type AnnouncementFields} from '../../source/net/discovery.js';
import {freeUdpPort} from '../helpers/free-port.js';
import {waitFor} from '../helpers/wait-for.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
});

const fields = (members = 1): AnnouncementFields => ({room: 'lunch', host: 'laptop', port: 9999, transferPort: 22_222, members, secret: true, version: 1});

describe('DNS-SD on loopback', () => {
	test('a room announced by mDNS and by broadcast is one row, heard both ways, and goes when it says goodbye', async () => {
		const mdns = {port: await freeUdpPort(), interfaces: ['127.0.0.1']};
		const discoveryPort = await freeUdpPort();
		let members = 1;
		const announcer = new RoomAnnouncer({bind: '127.0.0.1', discoveryPort, info: () => fields(members), mdns, fingerprint: 'k3xq-7a2m'});
		const watch = await watchRooms({discoveryPort, bind: '127.0.0.1', mdns});
		cleanups.push(async () => watch.close());
		await announcer.start();
		const room = await waitFor(() => watch.rooms().find(found => found.via.length === 2), {what: () => `both paths: ${JSON.stringify(watch.rooms())}`});
		expect(room).toMatchObject({address: '127.0.0.1', name: 'lunch', port: 9999, secret: true, id: announcer.id, fingerprint: 'k3xq-7a2m', via: ['broadcast', 'mdns']});
		expect(watch.rooms()).toHaveLength(1);
		expect(announcer.mdnsStatus()?.interfaces).toEqual(['127.0.0.1 (lo)']);
		members = 2;
		announcer.poke();
		await waitFor(() => watch.rooms()[0]?.members === 2, {what: 'the new member count'});
		await announcer.stop();
		await waitFor(() => watch.rooms().length === 0, {what: 'the goodbye'});
	});

	test('a browser started after the announcement asks, and the hub answers', async () => {
		const mdns = {port: await freeUdpPort(), interfaces: ['127.0.0.1']};
		const announcer = new RoomAnnouncer({bind: '127.0.0.1', discoveryPort: await freeUdpPort(), info: () => fields(), mdns});
		await announcer.start();
		cleanups.push(async () => announcer.stop());
		// Another discovery port: only DNS-SD can find the room.
		const watch = await watchRooms({discoveryPort: await freeUdpPort(), bind: '127.0.0.1', mdns});
		cleanups.push(async () => watch.close());
		const room = await waitFor(() => watch.rooms()[0], {what: 'the answer'});
		expect(room.via).toEqual(['mdns']);
	});
});
