import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import type {RoomEvent} from '../../source/protocol/items.js';
import {runCli, type CliProcess} from '../helpers/cli-process.js';
import {joinMember, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';
import {freeUdpPort} from '../helpers/free-port.js';

const members: TestMember[] = [];
const processes: CliProcess[] = [];
let dataDir: string | undefined;

afterEach(async () => {
	for (const member of members.splice(0)) {
		member.link.close();
	}

	for (const process of processes.splice(0)) {
		process.child.kill('SIGKILL');
	}

	if (dataDir) {
		await rm(dataDir, {recursive: true, force: true});
	}
});

/** Every message a member received, live or caught up, in arrival order, duplicates included. */
function received(member: TestMember): Array<Extract<RoomEvent, {k: 'msg'}>> {
	return member.items.flatMap(item => (item.k === 'welcome' ? item.history : item.k === 'msg' ? [item] : [])).filter((event): event is Extract<RoomEvent, {k: 'msg'}> => event.k === 'msg');
}

/** Sends `count` lines, one every `everyMs`, resolving when all were handed to the link. */
async function talk(member: TestMember, name: string, count: number, everyMs: number): Promise<void> {
	for (let i = 0; i < count; i++) {
		member.link.send({k: 'say', text: `${name} ${i}`});
		await new Promise(resolve => {
			setTimeout(resolve, everyMs);
		});
	}
}

function expectExactlyOnceInOneOrder(all: readonly TestMember[], senders: Record<string, number>): void {
	const reference = received(all[0]!).map(event => event.seq);
	for (const member of all) {
		const events = received(member);
		expect(events.map(event => event.seq)).toEqual(reference);
		expect(new Set(events.map(event => event.text)).size).toBe(events.length);
		for (const [name, count] of Object.entries(senders)) {
			const texts = events.filter(event => event.from === name).map(event => event.text);
			expect(texts).toEqual(Array.from({length: count}, (_, i) => `${name} ${i}`));
		}
	}
}

test('a hub killed with SIGKILL and restarted on the same port and data folder: every line once, in one order', async () => {
	dataDir = await mkdtemp(path.join(tmpdir(), 'hub-data-'));
	const port = await freeUdpPort();
	const startHost = async () => {
		const host = runCli(['--host', '--headless', '--bind', '127.0.0.1', '--port', String(port), '--transfer-port', '0', '--data-dir', dataDir!, '--json']);
		processes.push(host);
		await waitFor(() => host.json().some(event => event.type === 'hosting'), {what: () => `the host to start: ${host.stderr}`});
		return host;
	};

	const first = await startHost();
	const alice = await joinMember(port, 'alice');
	const bob = await joinMember(port, 'bob');
	members.push(alice, bob);
	const bobStates: string[] = [];
	bob.link.onStatus((state, detail) => bobStates.push(`${state} ${detail ?? ''}`));
	bob.link.onLost(reason => bobStates.push(`lost ${reason}`));
	const talking = Promise.all([talk(alice, 'alice', 30, 100), talk(bob, 'bob', 30, 100)]);
	await waitFor(() => received(bob).length >= 10, {what: 'some lines before the crash'});
	first.child.kill('SIGKILL');
	await first.exited();
	await new Promise(resolve => {
		setTimeout(resolve, 300);
	});
	const second = await startHost();
	await talking;
	await waitFor(() => [alice, bob].every(member => received(member).length >= 60), {
		timeoutMs: 30_000,
		what: () => `60 lines at each member (have ${received(alice).length}, ${received(bob).length}; bob notices ${JSON.stringify(bob.items.filter(i => i.k === "notice"))}, states ${JSON.stringify(bobStates)})`,
	});
	expectExactlyOnceInOneOrder([alice, bob], {alice: 30, bob: 30});
	// The restarted room went on with the same numbers: no event number was used twice.
	const before = first.json().filter(event => typeof event.seq === 'number').map(event => event.seq as number);
	const after = second.json().filter(event => typeof event.seq === 'number').map(event => event.seq as number);
	expect(before.length).toBeGreaterThan(0);
	expect(after.length).toBeGreaterThan(0);
	expect(new Set([...before, ...after]).size).toBe(before.length + after.length);
	expect(alice.lost).toBeUndefined();
});

// The 20 s blackout between a member and the hub runs on the simulator now (test/sim/room.test.ts),
// in milliseconds and the same way every time; the hub restart above stays on real processes.
