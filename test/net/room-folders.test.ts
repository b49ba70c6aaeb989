import {createHash, randomBytes} from 'node:crypto';
import {chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile} from 'node:fs/promises';
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
	work = await mkdtemp(path.join(tmpdir(), 'room-folders-'));
	room = new RoomHost({bind: '127.0.0.1', port: 0, transferPort: 0, maxFileSize: 64 * 1024 * 1024});
	({port} = await room.start());
});

afterEach(async () => {
	await Promise.all(sessions.splice(0).map(async session => session.leave()));
	await room.close();
	await chmod(path.join(work, 'alice', 'album', 'secret.txt'), 0o644).catch(() => undefined);
	await rm(work, {recursive: true, force: true});
});

async function member(name: string): Promise<ChatSession> {
	const link = new MemberLink({host: '127.0.0.1', port});
	const cwd = path.join(work, name);
	await mkdir(cwd, {recursive: true});
	const session = new ChatSession({link, role: 'member', transfers: new TransferAgent(link, 'downloads', cwd)});
	sessions.push(session);
	session.join(name);
	await waitFor(() => session.getSnapshot().status === 'connected', {what: `${name} connected`});
	return session;
}

const errors = (session: ChatSession) => session.getSnapshot().entries.filter(entry => entry.kind === 'error').map(entry => entry.text);
const notices = (session: ChatSession) => session.getSnapshot().entries.filter(entry => entry.kind === 'notice').map(entry => entry.text);

/** Every path under `root` with its kind and, for files, the sha256 of its bytes. */
async function tree(root: string): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	const walk = async (dir: string, prefix: string) => {
		for (const entry of await readdir(dir, {withFileTypes: true})) {
			const full = path.join(dir, entry.name);
			const name = `${prefix}${entry.name}`;
			if (entry.isDirectory()) {
				out[`${name}/`] = 'dir';
				await walk(full, `${name}/`);
			} else if (entry.isFile()) {
				out[name] = createHash('sha256').update(await readFile(full)).digest('hex');
			} else {
				out[name] = 'other';
			}
		}
	};

	await walk(root, '');
	return out;
}

async function album(): Promise<string> {
	const root = path.join(work, 'alice', 'album');
	await mkdir(path.join(root, 'nested', 'deeper'), {recursive: true});
	await mkdir(path.join(root, 'empty'));
	await writeFile(path.join(root, 'top.bin'), randomBytes(700 * 1024 + 3));
	await writeFile(path.join(root, 'nested', 'ünïcödé 名前.txt'), 'héllo');
	await writeFile(path.join(root, 'nested', 'deeper', 'zero'), '');
	await writeFile(path.join(root, 'nested', 'deeper', `${'long-name-'.repeat(14)}.dat`), randomBytes(513));
	return root;
}

test('/send DIR offers the folder as one archive; /get makes the same tree, sha256 checked, files counted', async () => {
	const alice = await member('alice');
	const bob = await member('bob');
	const root = await album();
	await symlink('/etc/passwd', path.join(root, 'link-out'));
	alice.submit('/send album');
	const offer = await waitFor(() => bob.getSnapshot().offers.find(o => o.complete), {what: () => `a complete offer at bob; alice: ${errors(alice).join(' | ')}`});
	expect(offer).toMatchObject({name: 'album.tar', files: 4, from: 'alice'});
	expect(bob.getSnapshot().entries.some(entry => entry.kind === 'offer' && entry.text.includes('a folder of 4 files'))).toBe(true);
	const upload = await waitFor(() => alice.getSnapshot().transfers.find(t => t.direction === 'upload' && t.state === 'done'), {what: "alice's upload done"});
	expect(upload).toMatchObject({files: 4, filesDone: 4, bytes: offer.size});
	await waitFor(() => notices(alice).some(text => text.includes('left out 1 symlinks') && text.includes('link-out')), {what: () => notices(alice).join(' | ')});

	// A folder of that name already there: the new one is numbered, nothing overwritten.
	await mkdir(path.join(work, 'bob', 'downloads', 'album'), {recursive: true});
	await writeFile(path.join(work, 'bob', 'downloads', 'album', 'mine.txt'), 'keep me');
	bob.submit(`/get ${offer.id}`);
	const done = await waitFor(() => bob.getSnapshot().transfers.find(t => t.state === 'done' || t.state === 'failed'), {timeoutMs: 15_000, what: 'the download'});
	expect(done.error).toBeUndefined();
	expect(done).toMatchObject({files: 4, filesDone: 4, path: path.join(work, 'bob', 'downloads', 'album (1)')});
	const expected = await tree(root);
	delete expected['link-out'];
	expect(await tree(done.path!)).toEqual(expected);
	expect(await readFile(path.join(work, 'bob', 'downloads', 'album', 'mine.txt'), 'utf8')).toBe('keep me');
	expect((await readdir(path.join(work, 'bob', 'downloads'))).sort()).toEqual(['album', 'album (1)']);
	expect(notices(bob).some(text => text.includes('saved the folder album.tar') && text.includes('4 files (sha256 verified)'))).toBe(true);
});

test('a folder that is a symlink is refused; a file it cannot read is named before anything is offered', async () => {
	const alice = await member('alice');
	const root = await album();
	await symlink(root, path.join(work, 'alice', 'via-link'));
	alice.submit('/send via-link');
	await waitFor(() => errors(alice).some(text => text.includes('via-link') && text.includes('symlink')), {what: () => errors(alice).join(' | ')});
	await writeFile(path.join(root, 'secret.txt'), 'x');
	await chmod(path.join(root, 'secret.txt'), 0o000);
	const readable = await stat(path.join(root, 'secret.txt')).then(() => readFile(path.join(root, 'secret.txt')).then(() => true, () => false));
	if (readable) return; // Running as root: every file is readable.
	alice.submit('/send album');
	await waitFor(() => errors(alice).some(text => text.includes('secret.txt') && text.includes('permission denied')), {what: () => errors(alice).join(' | ')});
	expect(alice.getSnapshot().offers).toEqual([]);
});
