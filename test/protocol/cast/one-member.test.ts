/**
 * A process with one member (a TUI, a script) keeps no memo of opened room stream datagrams: the
 * memo only pays when members share a process (cast-wire.ts, `openCastKnown`). A file of its own,
 * so that no other test's members share this module's process-wide count.
 */
import {randomBytes} from 'node:crypto';
import {expect, test} from 'vitest';
import {castSigner, openedKnown, readCastHead} from '../../../source/protocol/cast/cast-wire.js';
import {MemberCast} from '../../../source/protocol/cast/member-cast.js';
import {RoomCast} from '../../../source/protocol/cast/room-cast.js';
import type {HubMember} from '../../../source/protocol/room/hub-room-member.js';
import {generateIdentity} from '../../../source/protocol/secure/identity.js';

test('one member in the process opens the room stream without the memo; with a second, the memo fills', () => {
	const identity = generateIdentity();
	const hub = new RoomCast({random: bytes => new Uint8Array(randomBytes(bytes)), signer: castSigner(identity.secretKey, identity.publicKey), version: 4, rto: () => 100, group: '239.255.1.1', port: 9999});
	const join = (name: string) => {
		const cast = new MemberCast();
		cast.welcome({g: '239.255.1.1', p: 9999, ...hub.current}, identity.publicKey);
		const {e, q} = hub.promote({name} as HubMember);
		cast.marker('group', 'test', e, q);
		return cast;
	};

	const round = (members: MemberCast[], from: number) => {
		for (let i = from; i < from + 5; i++) hub.append(Buffer.from(JSON.stringify({k: 'msg', seq: i, time: 1, from: 'alice', text: `line ${i}`})));
		const group: Buffer[] = [];
		hub.poll(from * 10, datagram => group.push(datagram), () => {});
		return members.map(member => group.flatMap(datagram => member.accept(datagram, readCastHead(datagram)!, 'group', 1)).length);
	};

	const first = join('bob');
	expect(round([first], 1)).toEqual([5]);
	expect(openedKnown()).toBe(0);
	const second = join('carol');
	expect(round([first, second], 6)).toEqual([5, 5]);
	expect(openedKnown()).toBeGreaterThan(0);
});
