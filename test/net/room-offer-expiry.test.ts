import {randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, expect, test} from 'vitest';
import {MemberLink} from '../../source/net/member-link.js';
import {RoomHost} from '../../source/net/room-host.js';
import {TransferAgent} from '../../source/net/transfer-agent.js';
import {OFFER_GRACE_MS} from '../../source/protocol/limits.js';
import {ChatSession} from '../../source/session/chat-session.js';
import {waitFor} from '../helpers/wait-for.js';

let room: RoomHost;
let port: number;
let work: string;
const sessions: ChatSession[] = [];

beforeEach(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'room-expiry-'));
	room = new RoomHost({bind: '127.0.0.1', port: 0, transferPort: 0});
	({port} = await room.start());
});

afterEach(async () => {
	await Promise.all(sessions.splice(0).map(async session => session.leave()));
	await room.close();
	await rm(work, {recursive: true, force: true});
});

async function member(name: string): Promise<ChatSession> {
	const link = new MemberLink({host: '127.0.0.1', port});
	const session = new ChatSession({link, role: 'member', transfers: new TransferAgent(link, 'downloads', path.join(work, name))});
	sessions.push(session);
	session.join(name);
	await waitFor(() => session.getSnapshot().status === 'connected', {what: `${name} connected`});
	return session;
}

/** Alice offers a file and bob sees it complete; then alice leaves. */
async function offeredThenLeft() {
	const alice = await member('alice');
	const bob = await member('bob');
	await mkdir(path.join(work, 'alice'), {recursive: true});
	await writeFile(path.join(work, 'alice', 'report.pdf'), randomBytes(4096));
	alice.submit('/send report.pdf');
	const offer = await waitFor(() => bob.getSnapshot().offers.find(o => o.complete), {what: 'the complete offer at bob'});
	await alice.leave();
	await waitFor(() => !room.hub.memberNames().includes('alice'), {what: 'alice gone from the room'});
	return {bob, offer};
}

test('an offer expires 10 minutes after its sender left: the room is told why, and the file is gone', async () => {
	const {bob, offer} = await offeredThenLeft();
	const seen = Date.now();
	expect(await room.transfers.expireOffers(seen)).toEqual([]);
	expect(await room.transfers.expireOffers(seen + OFFER_GRACE_MS)).toEqual([offer.id]);
	const expired = await waitFor(() => bob.getSnapshot().offers.find(o => o.id === offer.id && o.failed), {what: 'the expired offer at bob'});
	expect(expired.failed).toBe('expired 10 minutes after alice left the room');
	expect(await readdir(room.transfers.spoolDir!)).toEqual([]);
});

test('a sender who comes back under its name, in a new session, keeps its offers', async () => {
	const {offer} = await offeredThenLeft();
	const seen = Date.now();
	expect(await room.transfers.expireOffers(seen)).toEqual([]);
	await member('alice');
	expect(await room.transfers.expireOffers(seen + OFFER_GRACE_MS)).toEqual([]);
	expect(room.transfers.offerEndsAt(offer.id)).toBeGreaterThan(seen + OFFER_GRACE_MS);
});
