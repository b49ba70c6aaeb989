import {randomBytes} from 'node:crypto';
import {readdir} from 'node:fs/promises';
import {expect, test} from 'vitest';
import {uploadFile} from '../../source/net/transfer-client.js';
import {aliceToken, bobToken, randomFile, within} from './transfer-helpers.js';
import {fileOf, limitFixture} from './transfer-limit-helpers.js';

const GiB = 1024 ** 3;
const {held, setup} = limitFixture();

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
