import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import {downloadFile, uploadFile} from '../../source/net/transfer-client.js';
import type {TransferServer} from '../../source/net/transfer-server.js';
import {aliceToken, bobToken, randomFile, Scratch, sha256File, startServer, within} from './transfer-helpers.js';

const MiB = 1024 * 1024;
const scratch = new Scratch();
const servers: TransferServer[] = [];

afterEach(async () => {
	await Promise.all(servers.splice(0).map(async (server) => server.close()));
	await scratch.cleanup();
});

test('upload bytes held in memory stay within the budget, and a download following the upload still gets every byte', async () => {
	const budget = MiB;
	const {server, port, events} = await startServer({memoryBudget: budget});
	servers.push(server);
	const endpoint = {host: '127.0.0.1', port};
	const dir = await scratch.dir();
	expect(server.memory).toEqual({used: 0, limit: budget});
	const file = await randomFile(dir, 8 * MiB, 'big.bin');
	let peak = 0;
	const sample = () => {
		peak = Math.max(peak, server.memory.used);
	};

	const upload = uploadFile({...endpoint, token: aliceToken, path: file.path, onProgress: sample});
	const offer = await events.next('offer');
	const download = downloadFile({...endpoint, token: bobToken, id: offer.id, dir: path.join(dir, 'in'), name: 'big.bin', size: 8 * MiB, onProgress: sample});
	const [sent, got] = await within(30_000, Promise.all([upload, download]));
	expect(sent.sha256).toBe(file.sha256);
	expect(await sha256File(got.path)).toBe(file.sha256);
	expect(peak).toBeGreaterThan(0);
	expect(peak).toBeLessThanOrEqual(budget);
	expect(server.memory.used).toBe(0);
});
