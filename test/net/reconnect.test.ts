import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, expect, test} from 'vitest';
import type {Hub} from '../../source/net/hub.js';
import type {RoomEvent} from '../../source/protocol/items.js';
import {runCli, type CliProcess} from '../helpers/cli-process.js';
import {LossyRelay} from '../helpers/lossy-relay.js';
import {joinMember, startHub, type TestMember} from '../helpers/room.js';
import {waitFor} from '../helpers/wait-for.js';
import {freeUdpPort} from '../helpers/free-port.js';

const members: TestMember[] = [];
const processes: CliProcess[] = [];
let hub: Hub | undefined;
let relay: LossyRelay | undefined;
let dataDir: string | undefined;

afterEach(async () => {
	for (const member of members.splice(0)) {
		member.link.close();
	}

	for (const process of processes.splice(0)) {
		process.child.kill('SIGKILL');
	}

	await relay?.close();
	await hub?.close();
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
		what: () => `60 lines at each member (have ${received(alice).length}, ${received(bob).length})`,
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

test('a 20 s blackout between a member and the hub: it reconnects and catches up, every line once, in one order', async () => {
	hub = await startHub();
	relay = new LossyRelay({hubPort: hub.port, seed: 7, drop: 0, duplicate: 0, reorder: 0});
	const relayPort = await relay.start();
	const dark = await joinMember(relayPort, 'dark');
	const alice = await joinMember(hub.port, 'alice');
	const bob = await joinMember(hub.port, 'bob');
	members.push(dark, alice, bob);
	const states: string[] = [];
	dark.link.onStatus(state => states.push(state));
	const talking = Promise.all([talk(alice, 'alice', 40, 600), talk(bob, 'bob', 40, 600), talk(dark, 'dark', 40, 600)]);
	await waitFor(() => received(dark).length >= 6, {what: 'lines before the blackout'});
	relay.blackout = true;
	await new Promise(resolve => {
		setTimeout(resolve, 20_000);
	});
	relay.blackout = false;
	await talking;
	await waitFor(() => [dark, alice, bob].every(member => received(member).length >= 120), {
		timeoutMs: 40_000,
		what: () => `120 lines at each member (have ${[dark, alice, bob].map(m => received(m).length).join(', ')}); dark has: ${received(alice).filter(e => e.from === 'dark').map(e => e.text.split(' ')[1]).join(',')}`,
	});
	expectExactlyOnceInOneOrder([dark, alice, bob], {alice: 40, bob: 40, dark: 40});
	expect(states).toContain('reconnecting');
	expect(states.at(-1)).toBe('connected');
	expect(dark.lost).toBeUndefined();
}, 90_000);
