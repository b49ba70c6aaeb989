import {randomBytes} from 'node:crypto';
import {readdir} from 'node:fs/promises';
import {afterEach, expect, test} from 'vitest';
import {uploadFile} from '../../source/net/transfer-client.js';
import type {TransferServer, TransferServerOptions} from '../../source/net/transfer-server.js';
import {aliceToken, bobToken, randomFile, Scratch, startServer, within} from './transfer-helpers.js';
import {fileOf, HeldSockets} from './transfer-limit-helpers.js';

const GiB = 1024 ** 3;
const scratch = new Scratch();
const servers: TransferServer[] = [];
const held = new HeldSockets();

afterEach(async () => {
	held.closeAll();
	await Promise.all(servers.splice(0).map(async (server) => server.close()));
	await scratch.cleanup();
});

async function setup(overrides: Partial<TransferServerOptions> = {}) {
	const started = await startServer(overrides);
	servers.push(started.server);
	return {...started, endpoint: {host: '127.0.0.1', port: started.port}, dir: await scratch.dir()};
}

test('four idle uploads declaring 1 GiB each do not lock out a real 1 MB upload', async () => {
	const {endpoint, port, events, dir} = await setup();
	for (let index = 0; index < 4; index++) {
		const ghost = await held.idleUpload(port, GiB);
		expect(ghost.reply).toMatchObject({ok: true, size: GiB});
	}

	const file = await randomFile(dir, 1_000_000, 'real.bin');
	const sent = await within(10_000, uploadFile({...endpoint, token: bobToken, path: file.path}));
	expect(sent).toMatchObject({size: 1_000_000, sha256: file.sha256});
	expect((await events.next('done', sent.id)).detail).toBe(file.sha256);
});

test('an upload that outgrows the free space fails with "quota" and its sizes, and its file is removed', async () => {
	const {endpoint, port, events, server, dir} = await setup({spoolQuota: 3000});
	const early = await held.idleUpload(port, 2000);
	if (!early.reply.ok) throw new Error(early.reply.reason);
	// The idle declaration holds nothing: this one fits and completes.
	const whole = await uploadFile({...endpoint, token: bobToken, path: await fileOf(dir, 2000)});
	early.socket.write(randomBytes(2000));
	const answer = await early.answer();
	expect(answer).toMatchObject({ok: false, code: 'quota'});
	expect(answer && !answer.ok && answer.reason).toMatch(/spool filled up while this upload ran: 1 kB of 3 kB free, 2 kB of 2 kB still to come/);
	expect(String((await events.next('failed', early.reply.id)).detail)).toMatch(/filled up/);
	expect(await readdir(server.spoolDir!)).toEqual([`${whole.id}.data`]);
	// What it had taken is free again.
	await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 1000, 'c.bin')});
});
