/**
 * Memory and throughput of a file transfer through the real server and client on 127.0.0.1.
 * Usage: node dist/bench/transfer-memory.js [size, e.g. 1G, 256M, 1000000] [sparse|random]
 * Samples RSS every 100 ms; prints throughput per phase and the peak RSS. Not part of npm test.
 */
import {createHash, randomBytes} from 'node:crypto';
import {mkdtemp, open, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import prettyBytes from 'pretty-bytes';
import {downloadFile, uploadFile} from '../source/net/transfer-client.js';
import {TransferServer} from '../source/net/transfer-server.js';

const token = '0123456789abcdef';
const limitMs = 10 * 60_000;

function parseSize(text: string | undefined): number {
	if (text === undefined) return 1024 ** 3;
	const match = /^(\d+(?:\.\d+)?)([kmg]?)i?b?$/i.exec(text.trim());
	if (match === null) throw new Error(`not a size: ${text}`);
	const unit = {'': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3}[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
	return Math.round(Number(match[1]) * unit);
}

async function makeFile(file: string, size: number, random: boolean): Promise<string> {
	const handle = await open(file, 'w');
	const hash = createHash('sha256');
	try {
		if (!random) {
			await handle.truncate(size);
			const zeros = Buffer.alloc(1024 * 1024);
			for (let done = 0; done < size; done += zeros.length) hash.update(zeros.subarray(0, Math.min(zeros.length, size - done)));
			return hash.digest('hex');
		}

		for (let done = 0; done < size; ) {
			const piece = randomBytes(Math.min(1024 * 1024, size - done));
			hash.update(piece);
			await handle.write(piece, 0, piece.length, done);
			done += piece.length;
		}

		return hash.digest('hex');
	} finally {
		await handle.close();
	}
}

function rate(bytes: number, ms: number): string {
	return `${prettyBytes((bytes / ms) * 1000)}/s`;
}

async function main(): Promise<void> {
	const size = parseSize(process.argv[2]);
	const random = process.argv[3] === 'random';
	const scratch = await mkdtemp(path.join(os.tmpdir(), 'transfer-bench-'));
	const guard = setTimeout(() => {
		console.error(`gave up after ${limitMs / 1000} s`);
		process.exit(1);
	}, limitMs);
	let offered: (id: string) => void = () => undefined;
	let peak = process.memoryUsage().rss;
	const baseline = peak;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 100);
	const server = new TransferServer({
		host: '127.0.0.1',
		port: 0,
		spoolDir: scratch,
		maxFileSize: size,
		spoolQuota: 2 * size,
		authorize: () => ({name: 'bench'}),
		onOffer(offer) {
			offered(offer.id);
		},
		onUploadDone() {},
		onUploadFailed() {},
	});
	try {
		const source = path.join(scratch, 'source.bin');
		let started = performance.now();
		const sha256 = await makeFile(source, size, random);
		console.log(`file: ${prettyBytes(size)} ${random ? 'random' : 'sparse (zeros)'}, made in ${Math.round(performance.now() - started)} ms`);
		const {port} = await server.listen();
		started = performance.now();
		const uploaded = await uploadFile({host: '127.0.0.1', port, token, path: source});
		const uploadMs = performance.now() - started;
		console.log(`upload:   ${Math.round(uploadMs)} ms, ${rate(size, uploadMs)}`);
		started = performance.now();
		const got = await downloadFile({host: '127.0.0.1', port, token, id: uploaded.id, dir: path.join(scratch, 'in'), name: 'copy.bin', size, sha256});
		const downloadMs = performance.now() - started;
		console.log(`download: ${Math.round(downloadMs)} ms, ${rate(size, downloadMs)}`);
		if (got.sha256 !== sha256 || uploaded.sha256 !== sha256) throw new Error('sha256 mismatch');
		await rm(got.path);
		started = performance.now();
		const offer = new Promise<string>((resolve) => {
			offered = resolve;
		});
		const live = uploadFile({host: '127.0.0.1', port, token, path: source});
		const id = await offer;
		const [, tailed] = await Promise.all([
			live,
			downloadFile({host: '127.0.0.1', port, token, id, dir: path.join(scratch, 'in'), name: 'live.bin', size, sha256}),
		]);
		const liveMs = performance.now() - started;
		console.log(`upload with a download following it: ${Math.round(liveMs)} ms, ${rate(size, liveMs)}`);
		if (tailed.sha256 !== sha256) throw new Error('sha256 mismatch');
		peak = Math.max(peak, process.memoryUsage().rss);
		console.log(`rss: baseline ${prettyBytes(baseline)}, peak ${prettyBytes(peak)} (+${prettyBytes(peak - baseline)}); sha256 ok`);
	} finally {
		clearInterval(sampler);
		clearTimeout(guard);
		await server.close();
		await rm(scratch, {recursive: true, force: true});
	}
}

await main();
