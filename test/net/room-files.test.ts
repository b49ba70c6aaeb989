import {createHash, randomBytes} from 'node:crypto';
import {mkdir, mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, expect, test} from 'vitest';
import {MemberLink} from '../../source/net/member-link.js';
import {RoomHost} from '../../source/net/room-host.js';
import {TransferAgent} from '../../source/net/transfer-agent.js';
import {ChatSession} from '../../source/session/chat-session.js';
import {waitFor} from '../helpers/wait-for.js';

let room: RoomHost;
let port: number;
let work: string;
const sessions: ChatSession[] = [];

beforeEach(async () => {
	work = await mkdtemp(path.join(tmpdir(), 'room-files-'));
	room = new RoomHost({bind: '127.0.0.1', port: 0, transferPort: 0, maxFileSize: 8 * 1024 * 1024});
	({port} = await room.start());
});

afterEach(async () => {
	await Promise.all(sessions.splice(0).map(async session => session.leave()));
	await room.close();
	await rm(work, {recursive: true, force: true});
});

async function member(name: string): Promise<ChatSession> {
	const link = new MemberLink({host: '127.0.0.1', port});
	const cwd = path.join(work, name);
	const session = new ChatSession({link, role: 'member', transfers: new TransferAgent(link, 'downloads', cwd)});
	sessions.push(session);
	session.join(name);
	await waitFor(() => session.getSnapshot().status === 'connected', {what: `${name} connected`});
	return session;
}

async function memberFile(name: string, file: string, data: Buffer): Promise<void> {
	await mkdir(path.join(work, name), {recursive: true});
	await writeFile(path.join(work, name, file), data);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const errors = (session: ChatSession) => session.getSnapshot().entries.filter(entry => entry.kind === 'error').map(entry => entry.text);

test('/send offers a file to the room and /get saves it whole, with the same sha256', async () => {
	const alice = await member('alice');
	const bob = await member('bob');
	const data = randomBytes(3 * 1024 * 1024 + 17);
	await memberFile('alice', 'photo one.png', data);
	alice.submit('/send "photo one.png"');
	const offer = await waitFor(() => bob.getSnapshot().offers.find(o => o.complete), {what: 'a complete offer at bob'});
	expect(offer).toMatchObject({name: 'photo one.png', size: data.length, from: 'alice', sha256: sha256(data)});
	// The room can hear of the completed upload a moment before the uploader reads the host's reply.
	const upload = await waitFor(() => alice.getSnapshot().transfers.find(t => t.direction === 'upload' && t.state === 'done'), {what: "alice's upload done"});
	expect(upload.bytes).toBe(data.length);
	bob.submit(`/get ${offer.id}`);
	const done = await waitFor(() => bob.getSnapshot().transfers.find(t => t.state === 'done'), {timeoutMs: 15_000, what: 'the download'});
	expect(done.path).toBe(path.join(work, 'bob', 'downloads', 'photo one.png'));
	expect(sha256(await readFile(done.path!))).toBe(sha256(data));
});

test('bad input gets a clear message in place and loses nothing', async () => {
	const alice = await member('alice');
	alice.submit('/send missing.txt');
	await waitFor(() => errors(alice).some(text => text.includes('missing.txt') && text.includes('no such file')), {what: () => `missing-file error: ${errors(alice).join(' | ')}`});
	alice.submit('/send "unclosed');
	alice.submit('/get nope1234');
	alice.submit('/cancel nope1234');
	await waitFor(() => errors(alice).length >= 4, {what: () => errors(alice).join(' | ')});
	expect(errors(alice).slice(1)).toEqual(['/send: unclosed " quote: end the path with "', 'no file offer "nope1234" (/files lists them)', 'no running transfer "nope1234"']);
	await memberFile('alice', 'huge.bin', Buffer.alloc(9 * 1024 * 1024));
	alice.submit('/send huge.bin');
	await waitFor(() => errors(alice).some(text => text.includes('huge.bin') && /limit|large/i.test(text)), {what: () => `too-large error: ${errors(alice).join(' | ')}`});
	expect(alice.getSnapshot().offers).toEqual([]);
});

test('a download started before the upload ends receives every byte', async () => {
	const alice = await member('alice');
	const bob = await member('bob');
	const data = randomBytes(6 * 1024 * 1024);
	await memberFile('alice', 'big.bin', data);
	alice.submit('/send big.bin');
	const offer = await waitFor(() => bob.getSnapshot().offers[0], {what: 'the offer'});
	bob.submit(`/get ${offer.id}`);
	const done = await waitFor(() => bob.getSnapshot().transfers.find(t => t.state === 'done' || t.state === 'failed'), {timeoutMs: 20_000, what: 'the download'});
	expect(done.state).toBe('done');
	expect(sha256(await readFile(done.path!))).toBe(sha256(data));
	expect(await readdir(path.join(work, 'bob', 'downloads'))).toEqual(['big.bin']);
});

test('only members, from the address they joined from, may use the transfer server', async () => {
	const alice = await member('alice');
	const token = (sessions[0] as unknown as {options: {link: MemberLink}}).options.link.sessionToken!;
	expect(room.hub.memberByToken(token, '127.0.0.1')).toEqual({name: 'alice'});
	expect(room.hub.memberByToken(token, '::ffff:127.0.0.1')).toEqual({name: 'alice'});
	expect(room.hub.memberByToken(token, '10.1.2.3')).toBeUndefined();
	expect(room.hub.memberByToken('0123456789abcdef', '127.0.0.1')).toBeUndefined();
	await alice.leave();
	expect(room.hub.memberByToken(token, '127.0.0.1')).toBeUndefined();
});
