import {randomBytes} from 'node:crypto';
import {readdir, stat} from 'node:fs/promises';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {downloadFile, TransferError, uploadFile} from '../../source/net/transfer-client.js';
import type {TransferServer} from '../../source/net/transfer-server.js';
import {
	aliceToken,
	bobToken,
	cuttingRelay,
	randomFile,
	rawUpload,
	Scratch,
	sha256File,
	startServer,
	within,
} from './transfer-helpers.js';

const MiB = 1024 * 1024;
const scratch = new Scratch();
const servers: TransferServer[] = [];

afterEach(async () => {
	await Promise.all(servers.splice(0).map(async (server) => server.close()));
	await scratch.cleanup();
});

async function setup() {
	const started = await startServer();
	servers.push(started.server);
	const endpoint = {host: '127.0.0.1', port: started.port};
	return {...started, endpoint, source: await scratch.dir(), downloads: await scratch.dir()};
}

/** A promise that resolves once a progress callback saw at least `bytes`. */
function progressPast(bytes: number) {
	let reached: () => void = () => undefined;
	const promise = new Promise<void>((resolve) => {
		reached = resolve;
	});
	return {promise, onProgress: (done: number) => done >= bytes && reached()};
}

describe('transfers over real sockets', () => {
	test('a 32 MiB random file round-trips with equal sha256', async () => {
		const {endpoint, events, source, downloads} = await setup();
		const file = await randomFile(source, 32 * MiB, 'big.bin');
		const uploadProgress: number[] = [];
		const uploaded = await within(30_000, uploadFile({...endpoint, token: aliceToken, path: file.path, onProgress: (bytes) => uploadProgress.push(bytes)}));
		expect(uploaded).toMatchObject({sha256: file.sha256, name: 'big.bin', size: 32 * MiB});
		expect(uploadProgress.at(-1)).toBe(32 * MiB);
		expect(events.log.map((event) => event.kind)).toEqual(['offer', 'done']);
		expect(events.log[0]?.detail).toEqual({id: uploaded.id, name: 'big.bin', size: 32 * MiB, from: 'alice'});

		const got = await within(30_000, downloadFile({...endpoint, token: bobToken, id: uploaded.id, dir: downloads, name: 'big.bin', size: 32 * MiB, sha256: uploaded.sha256}));
		expect(got).toEqual({path: path.join(downloads, 'big.bin'), sha256: file.sha256, resumedFrom: 0});
		expect(await sha256File(got.path)).toBe(file.sha256);
		expect(await readdir(downloads)).toEqual(['big.bin']);
	});

	test('an empty file round-trips', async () => {
		const {endpoint, source, downloads} = await setup();
		const file = await randomFile(source, 0, 'empty.txt');
		const uploaded = await within(10_000, uploadFile({...endpoint, token: aliceToken, path: file.path}));
		const got = await within(10_000, downloadFile({...endpoint, token: bobToken, id: uploaded.id, dir: downloads, name: 'empty.txt', size: 0}));
		expect([uploaded.sha256, got.sha256]).toEqual([file.sha256, file.sha256]);
		expect((await stat(got.path)).size).toBe(0);
	});

	test('an interrupted download resumes from its partial file', async () => {
		const {endpoint, events, source, downloads} = await setup();
		const file = await randomFile(source, 8 * MiB);
		const {id} = await uploadFile({...endpoint, token: aliceToken, path: file.path});
		const relay = await cuttingRelay(endpoint.port, 3 * MiB);
		try {
			const options = {...endpoint, token: bobToken, id, dir: downloads, name: 'random.bin', size: 8 * MiB};
			const first = await within(20_000, downloadFile({...options, port: relay.port}).catch((error: unknown) => error));
			expect(first).toBeInstanceOf(TransferError);
			expect((first as TransferError).kind).toBe('interrupted');
			const partial = await stat(path.join(downloads, `.${id}.part`));
			expect(partial.size).toBeGreaterThan(0);

			const second = await within(20_000, downloadFile(options));
			expect(second.resumedFrom).toBe(partial.size);
			expect(second.sha256).toBe(file.sha256);
			expect(await sha256File(second.path)).toBe(file.sha256);
			const offsets = events.log.filter((event) => event.kind === 'download').map((event) => (event.detail as {offset: number}).offset);
			expect(offsets).toEqual([0, partial.size]);
			expect(await readdir(downloads)).toEqual(['random.bin']);
		} finally {
			await relay.close();
		}
	});

	test('a download started during the upload receives everything', async () => {
		const {endpoint, events, downloads} = await setup();
		const body = randomBytes(4 * MiB);
		const upload = await rawUpload(endpoint.port, 'live.bin', body.length);
		if (!upload.reply.ok) throw new Error(upload.reply.reason);
		const {id} = upload.reply;
		await events.next('offer', id);
		upload.socket.write(body.subarray(0, MiB));
		const half = progressPast(MiB);
		const download = downloadFile({...endpoint, token: bobToken, id, dir: downloads, name: 'live.bin', size: body.length, onProgress: half.onProgress});
		await within(10_000, half.promise, 'the first MiB');
		upload.socket.end(body.subarray(MiB));
		const answer = await upload.answer();
		expect(answer).toMatchObject({ok: true, stage: 'done', id});
		const got = await within(20_000, download);
		expect(await sha256File(got.path)).toBe((answer as {sha256: string}).sha256);
		expect(events.log.map((event) => event.kind)).toEqual(['offer', 'download', 'done']);
	});

	test('an upload failing mid-way fails the download in progress and leaves no file', async () => {
		const {endpoint, events, downloads} = await setup();
		const upload = await rawUpload(endpoint.port, 'doomed.bin', 4 * MiB);
		if (!upload.reply.ok) throw new Error(upload.reply.reason);
		const {id} = upload.reply;
		upload.socket.write(randomBytes(MiB));
		const half = progressPast(MiB);
		const download = downloadFile({...endpoint, token: bobToken, id, dir: downloads, name: 'doomed.bin', size: 4 * MiB, onProgress: half.onProgress});
		const outcome = download.catch((error: unknown) => error);
		await within(10_000, half.promise, 'the first MiB');
		upload.socket.destroy();
		const failed = await events.next('failed', id);
		expect(String(failed.detail)).toMatch(/after 1048576 of (the declared )?4194304 bytes/);
		const error = await within(10_000, outcome);
		expect(error).toBeInstanceOf(TransferError);
		expect(error).toMatchObject({kind: 'refused', code: 'failed'});
		expect((error as Error).message).toMatch(/upload of doomed\.bin failed/);
		expect(await readdir(downloads)).toEqual([]);
		const again = await downloadFile({...endpoint, token: bobToken, id, dir: downloads, name: 'doomed.bin', size: 4 * MiB}).catch((error_: unknown) => error_);
		expect(again).toMatchObject({kind: 'refused', code: 'failed'});
	});

	test('cancelling a download stops it and removes the partial file', async () => {
		const {endpoint, source, downloads} = await setup();
		const file = await randomFile(source, 8 * MiB);
		const {id} = await uploadFile({...endpoint, token: aliceToken, path: file.path});
		const controller = new AbortController();
		const error = await within(
			10_000,
			downloadFile({
				...endpoint,
				token: bobToken,
				id,
				dir: downloads,
				name: 'random.bin',
				size: 8 * MiB,
				signal: controller.signal,
				onProgress: (bytes) => bytes > MiB && controller.abort(),
			}).catch((error_: unknown) => error_),
		);
		expect(error).toMatchObject({kind: 'cancelled'});
		expect(await readdir(downloads)).toEqual([]);
	});

	test('cancelling an upload fails its offer on the host', async () => {
		const {endpoint, events, source} = await setup();
		const file = await randomFile(source, 8 * MiB);
		const controller = new AbortController();
		const error = await within(
			10_000,
			uploadFile({...endpoint, token: aliceToken, path: file.path, signal: controller.signal, onProgress: (bytes) => bytes > MiB && controller.abort()}).catch(
				(error_: unknown) => error_,
			),
		);
		expect(error).toMatchObject({kind: 'cancelled'});
		const offer = await events.next('offer');
		await events.next('failed', offer.id);
	});

	test('several uploads and downloads at once', async () => {
		const {endpoint, source, downloads} = await setup();
		const files = await Promise.all([0, 1, 2, 3].map(async (n) => randomFile(source, 2 * MiB + n, `f${n}.bin`)));
		const uploads = await within(20_000, Promise.all(files.map(async (file) => uploadFile({...endpoint, token: aliceToken, path: file.path}))));
		const got = await within(
			20_000,
			Promise.all(
				uploads.flatMap((upload) =>
					[0, 1].map(async (copy) =>
						downloadFile({...endpoint, token: bobToken, id: upload.id, dir: path.join(downloads, String(copy)), name: upload.name, size: upload.size}),
					),
				),
			),
		);
		expect(got.map((result) => result.sha256)).toEqual(files.flatMap((file) => [file.sha256, file.sha256]));
	});
});
