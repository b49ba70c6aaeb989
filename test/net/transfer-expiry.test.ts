import {randomBytes} from 'node:crypto';
import {readdir} from 'node:fs/promises';
import path from 'node:path';
import {expect, test} from 'vitest';
import {downloadFile, uploadFile} from '../../source/net/transfer-client.js';
import {OFFER_GRACE_MS, OFFER_MAX_AGE_MS} from '../../source/protocol/limits.js';
import {aliceToken, bobToken, startServer} from './transfer-helpers.js';
import {fileOf, limitFixture, refusal} from './transfer-limit-helpers.js';

const {scratch, servers, held} = limitFixture();

/** A server whose alice can leave; what it reported as expired. */
async function leaving() {
	let aliceHere = true;
	const expired: Array<{id: string; reason: string}> = [];
	const started = await startServer({
		authorize: (token) => (token === aliceToken && aliceHere ? {name: 'alice'} : token === bobToken ? {name: 'bob'} : undefined),
		onOfferExpired: (id, reason) => expired.push({id, reason}),
	});
	servers.push(started.server);
	return {...started, endpoint: {host: '127.0.0.1', port: started.port}, dir: await scratch.dir(), expired, leave: () => (aliceHere = false)};
}

test('once the sender has been gone for the grace period: its file is removed, downloads get "expired"', async () => {
	const {server, endpoint, dir, expired, leave} = await leaving();
	const sent = await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 1000)});
	const start = Date.now();
	expect(await server.expireOffers(start + 60_000)).toEqual([]);
	leave();
	const seenGone = start + 120_000;
	expect(await server.expireOffers(seenGone)).toEqual([]);
	expect(server.offerEndsAt(sent.id)).toBe(seenGone + OFFER_GRACE_MS);
	expect(await server.expireOffers(seenGone + OFFER_GRACE_MS - 1)).toEqual([]);
	expect(await readdir(server.spoolDir!)).toEqual([`${sent.id}.data`]);

	expect(await server.expireOffers(seenGone + OFFER_GRACE_MS)).toEqual([sent.id]);
	expect(expired).toEqual([{id: sent.id, reason: 'expired 10 minutes after alice left the room'}]);
	expect(await readdir(server.spoolDir!)).toEqual([]);
	const error = await refusal(downloadFile({...endpoint, token: bobToken, id: sent.id, dir: path.join(dir, 'in'), name: 'x', size: 1000}));
	expect(error).toMatchObject({kind: 'refused', code: 'expired'});
	expect(error.message).toMatch(/data\.bin is no longer offered: it expired 10 minutes after alice left the room/);
});

test('after a day even while the sender stays; a running upload is cut', async () => {
	const {server, endpoint, port, dir, events, expired} = await leaving();
	const whole = await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 1000)});
	const running = await held.idleUpload(port, 5000);
	if (!running.reply.ok) throw new Error(running.reply.reason);
	running.socket.write(randomBytes(100));
	const dropped = await server.expireOffers(Date.now() + OFFER_MAX_AGE_MS);
	expect(dropped.sort()).toEqual([whole.id, running.reply.id].sort());
	expect(expired.map((entry) => entry.reason)).toEqual(['expired 1 day after it was offered', 'expired 1 day after it was offered']);
	expect(await running.answer()).toBeNull();
	expect(await readdir(server.spoolDir!)).toEqual([]);
	expect(events.log.filter((event) => event.kind === 'failed')).toEqual([]);
	expect(await held.rawDownload(port, running.reply.id)).toMatchObject({ok: false, code: 'expired'});
});
