import {randomBytes} from 'node:crypto';
import {readdir, rm, stat, writeFile} from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {downloadFile, TransferError, uploadFile} from '../../source/net/transfer-client.js';
import type {TransferServer, TransferServerOptions} from '../../source/net/transfer-server.js';
import {ChunkReader} from '../../source/net/transfer-socket.js';
import {decodeResponse, MAX_LINE_BYTES} from '../../source/protocol/transfer-wire.js';
import {aliceToken, bobToken, rawUpload, Scratch, startServer, within} from './transfer-helpers.js';

const scratch = new Scratch();
const servers: TransferServer[] = [];

afterEach(async () => {
	await Promise.all(servers.splice(0).map(async (server) => server.close()));
	await scratch.cleanup();
});

async function setup(overrides: Partial<TransferServerOptions> = {}) {
	const started = await startServer(overrides);
	servers.push(started.server);
	return {...started, endpoint: {host: '127.0.0.1', port: started.port}, dir: await scratch.dir()};
}

async function fileOf(dir: string, size: number, name = 'data.bin'): Promise<string> {
	const where = path.join(dir, name);
	await writeFile(where, randomBytes(size));
	return where;
}

async function refusal(promise: Promise<unknown>): Promise<TransferError> {
	const error = await within(10_000, promise.then(() => undefined, (error_: unknown) => error_));
	expect(error).toBeInstanceOf(TransferError);
	return error as TransferError;
}

/** Send raw bytes as a request and read the one line answered. */
async function rawRequest(port: number, bytes: Uint8Array | string) {
	const socket = net.connect({host: '127.0.0.1', port});
	socket.on('error', () => undefined);
	try {
		socket.write(bytes);
		const line = await within(10_000, new ChunkReader(socket).readLine());
		if (line?.kind !== 'line') throw new Error('no answer line');
		return decodeResponse(line.line, 'upload-accepted');
	} finally {
		socket.destroy();
	}
}

describe('transfer server refusals', () => {
	test.each([
		['fewer', 50],
		['more', 150],
	])('an upload sending %s bytes than declared is refused and reported to the uploader', async (_, sent) => {
		const {port, events, server} = await setup();
		const upload = await rawUpload(port, 'liar.bin', 100);
		if (!upload.reply.ok) throw new Error(upload.reply.reason);
		upload.socket.end(randomBytes(sent));
		expect(await upload.answer()).toMatchObject({ok: false, code: 'size-mismatch'});
		const failed = await events.next('failed', upload.reply.id);
		expect(String(failed.detail)).toMatch(sent < 100 ? /ended after 50 of the declared 100/ : /more than the declared 100/);
		expect(events.log.some((event) => event.kind === 'done')).toBe(false);
		expect(await readdir(server.spoolDir!)).toEqual([]);
	});

	test('an upload over the size limit is refused before any offer', async () => {
		const {endpoint, events, dir} = await setup({maxFileSize: 1000});
		const error = await refusal(uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 1001)}));
		expect(error).toMatchObject({kind: 'refused', code: 'too-large'});
		expect(error.message).toMatch(/over the host's limit of 1 kB/);
		expect(events.log).toEqual([]);
	});

	test('with no limit given (the host without --max-file-size): 1 GiB is accepted, one byte more refused', async () => {
		const {port, events} = await setup();
		const over = await rawUpload(port, 'over.bin', 1024 ** 3 + 1);
		expect(over.reply).toMatchObject({ok: false, code: 'too-large'});
		over.socket.destroy();
		const limit = await rawUpload(port, 'limit.bin', 1024 ** 3);
		expect(limit.reply).toMatchObject({ok: true});
		limit.socket.destroy();
		await events.next('failed', (limit.reply as {id: string}).id);
	});

	test('the spool quota counts uploads and frees failed ones', async () => {
		const {endpoint, port, events, dir} = await setup({spoolQuota: 3000});
		await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 2000)});
		const error = await refusal(uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 1001, 'b.bin')}));
		expect(error).toMatchObject({kind: 'refused', code: 'quota'});
		const upload = await rawUpload(port, 'x', 1000);
		if (!upload.reply.ok) throw new Error(upload.reply.reason);
		upload.socket.destroy();
		await events.next('failed', upload.reply.id);
		await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 1000, 'c.bin')});
	});

	test('an unknown token is refused for uploads and downloads', async () => {
		const {endpoint, events, dir} = await setup();
		const up = await refusal(uploadFile({...endpoint, token: 'aaaaaaaaaaaaaaaa', path: await fileOf(dir, 10)}));
		expect(up).toMatchObject({kind: 'refused', code: 'not-member'});
		const {id} = await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 10)});
		const down = await refusal(downloadFile({...endpoint, token: 'aaaaaaaaaaaaaaaa', id, dir: path.join(dir, 'in'), name: 'x', size: 10}));
		expect(down).toMatchObject({kind: 'refused', code: 'not-member'});
		expect(events.log.filter((event) => event.kind === 'download')).toEqual([]);
		expect(await readdir(path.join(dir, 'in'))).toEqual([]);
	});

	test('an unknown id is refused', async () => {
		const {endpoint, dir} = await setup();
		const error = await refusal(downloadFile({...endpoint, token: bobToken, id: 'abcdefgh', dir, name: 'x', size: 1}));
		expect(error).toMatchObject({kind: 'refused', code: 'unknown-id'});
		expect(await readdir(dir)).toEqual([]);
	});

	test('a wrong expected sha256 fails the download and leaves no file', async () => {
		const {endpoint, dir} = await setup();
		const {id} = await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 5000)});
		const into = path.join(dir, 'in');
		const error = await refusal(downloadFile({...endpoint, token: bobToken, id, dir: into, name: 'x', size: 5000, sha256: '0'.repeat(64)}));
		expect(error.kind).toBe('hash-mismatch');
		expect(await readdir(into)).toEqual([]);
	});

	test('a size different from the offer is refused by the client', async () => {
		const {endpoint, dir} = await setup();
		const {id} = await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 500)});
		const error = await refusal(downloadFile({...endpoint, token: bobToken, id, dir: path.join(dir, 'in'), name: 'x', size: 400}));
		expect(error.kind).toBe('protocol');
	});

	test.each([
		['garbage', 'hello\n', 'bad-request'],
		['a wrong version', '{"v":2,"op":"upload"}\n', 'version'],
		['a bad token', '{"v":1,"op":"upload","token":"XYZ","name":"a","size":1}\n', 'bad-request'],
		['a line too long', 'x'.repeat(MAX_LINE_BYTES + 10), 'bad-request'],
	])('a request with %s gets a typed refusal', async (_, request, code) => {
		const {port} = await setup();
		const answer = await rawRequest(port, request);
		expect(answer).toMatchObject({ok: true, value: {ok: false, code}});
	});

	test('a host that cannot store the file refuses with a clear reason', async () => {
		const {endpoint, server, events, dir} = await setup();
		await rm(server.spoolDir!, {recursive: true});
		const error = await refusal(uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 10)}));
		expect(error).toMatchObject({kind: 'refused', code: 'failed'});
		expect(error.message).toMatch(/could not store the file: no such file or directory \(ENOENT\)/);
		expect(events.log).toEqual([]);
	});

	test('a download folder that cannot be created is a disk error', async () => {
		const {endpoint, dir} = await setup();
		const {id} = await uploadFile({...endpoint, token: aliceToken, path: await fileOf(dir, 10)});
		const error = await refusal(downloadFile({...endpoint, token: bobToken, id, dir: path.join(dir, 'data.bin', 'sub'), name: 'x', size: 10}));
		expect(error.kind).toBe('disk');
		expect(error.message).toMatch(/ENOTDIR|EEXIST/);
	});

	test('close() cuts transfers and removes the spool folder', async () => {
		const {server, port, events} = await setup();
		const spool = server.spoolDir!;
		const upload = await rawUpload(port, 'x', 1000);
		upload.socket.write(randomBytes(10));
		await server.close();
		servers.length = 0;
		await expect(stat(spool)).rejects.toMatchObject({code: 'ENOENT'});
		expect(await upload.answer()).toBeNull();
		expect(events.log.map((event) => event.kind)).toEqual(['offer']);
	});
});
