import {randomBytes} from 'node:crypto';
import {expect, test} from 'vitest';
import {downloadFile, TransferError, uploadFile} from '../../source/net/transfer-client.js';
import {aliceToken, bobToken, } from './transfer-helpers.js';
import {fileOf, limitFixture, refusal} from './transfer-limit-helpers.js';

const {held, setup} = limitFixture();

test('a fifth upload of one member at once is refused with "busy"; others are not, and the slot comes back', async () => {
	const {endpoint, port, events, dir} = await setup();
	const running = [];
	for (let index = 0; index < 4; index++) running.push(await held.idleUpload(port, 1000));
	const error = await refusal(uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 10)}));
	expect(error).toMatchObject({kind: 'refused', code: 'busy'});
	expect(error.message).toMatch(/already run 4 uploads on this host, the most at once/);
	await uploadFile({...endpoint, token: bobToken, path: await fileOf(dir, 10, 'b.bin')});

	const first = running[0]!;
	if (!first.reply.ok) throw new Error(first.reply.reason);
	first.socket.end(randomBytes(1000));
	expect(await first.answer()).toMatchObject({ok: true, stage: 'done'});
	await events.next('done', first.reply.id);
	// The handler ends right after its hook: a bounded number of tries (each a full round trip).
	let again: unknown;
	for (let attempt = 0; attempt < 20; attempt++) {
		again = await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 10, 'c.bin')}).catch((error_: unknown) => error_);
		if (!(again instanceof TransferError)) break;
	}

	expect(again).toMatchObject({size: 10});
});

test('a ninth download of one member at once is refused with "busy"', async () => {
	const {port, dir, endpoint} = await setup();
	const upload = await held.idleUpload(port, 1000);
	if (!upload.reply.ok) throw new Error(upload.reply.reason);
	for (let index = 0; index < 8; index++) {
		// Each follows the upload, waiting for bytes that do not come.
		expect(await held.rawDownload(port, upload.reply.id)).toMatchObject({ok: true, stage: 'accepted', complete: false});
	}

	expect(await held.rawDownload(port, upload.reply.id)).toMatchObject({ok: false, code: 'busy', reason: expect.stringMatching(/already run 8 downloads/)});
	expect(await held.rawDownload(port, upload.reply.id, aliceToken)).toMatchObject({ok: true, stage: 'accepted'});
	const error = await refusal(downloadFile({...endpoint, token: bobToken, id: upload.reply.id, dir, name: 'x', size: 1000}));
	expect(error).toMatchObject({kind: 'refused', code: 'busy'});
});
