/**
 * How long a join takes on loopback, the whole handshake included (query, the hub's answer,
 * hello, accept, welcome): CPace over the secret in a private room, X25519 in an open one. The
 * hub and the members run in this process, on 127.0.0.1.
 */
import {Hub} from '../source/net/hub.js';
import {MemberLink} from '../source/net/member-link.js';
import {median, nowMs} from './util.js';

export type JoinResult = {runs: number; openMs: number; privateMs: number; openAll: number[]; privateAll: number[]};

async function joins(runs: number, secret: string | undefined): Promise<number[]> {
	const hub = new Hub({bind: '127.0.0.1', port: 0, joinLimit: false, ...(secret === undefined ? {} : {secret})});
	await hub.start();
	const times: number[] = [];
	try {
		for (let run = 0; run < runs; run++) {
			const link = new MemberLink({host: '127.0.0.1', port: hub.port, ...(secret === undefined ? {} : {secret})});
			const started = nowMs();
			const outcome = await link.join(`m${run}`);
			times.push(nowMs() - started);
			link.close();
			if (!outcome.ok) {
				throw new Error(`join ${run} refused: ${outcome.reason}`);
			}
		}
	} finally {
		await hub.close();
	}

	return times;
}

export async function runJoin(runs: number): Promise<JoinResult> {
	const openAll = await joins(runs, undefined);
	const privateAll = await joins(runs, 'correct horse battery staple');
	return {runs, openMs: median(openAll), privateMs: median(privateAll), openAll, privateAll};
}
