import {createHash, randomBytes} from 'node:crypto';
import dgram from 'node:dgram';
import {mkdir, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {Hub} from '../../source/net/hub.js';
import {headlessHub, runCli, type CliProcess} from '../helpers/cli-process.js';
import {freeUdpPort} from '../helpers/free-port.js';
import {waitFor} from '../helpers/wait-for.js';

const running: CliProcess[] = [];
function cli(args: readonly string[], env?: Readonly<Record<string, string>>): CliProcess {
	const started = runCli(args, env);
	running.push(started);
	return started;
}

afterEach(() => {
	for (const process of running.splice(0)) {
		process.child.kill('SIGKILL');
	}
});

describe('usage', () => {
	test('--help and --version exit 0', async () => {
		const help = cli(['--help']);
		expect(await help.exited()).toBe(0);
		expect(help.stdout).toContain('--join HOST[:PORT]');
		const version = cli(['--version']);
		expect(await version.exited()).toBe(0);
		expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
	});

	test.each([
		[['--bogus'], /Unknown flag/],
		[['--host', '--join', '127.0.0.1'], /choose one/],
		[['--headless'], /goes with --host/],
		[['--join', '127.0.0.1:99999', '--name', 'x'], /not a port/],
		[['--join', '127.0.0.1', '--name', 'two words'], /--name/],
		[['--join', '127.0.0.1', '--plain'], /needs --name/],
		[['--host', '--port', '70000'], /--port/],
		[['--join', '127.0.0.1', '--name', 'x', '--plain', '--scrollback', '5'], /--scrollback/],
		[['--join', '127.0.0.1', '--name', 'x', '--secret-file', '/nonexistent/secret'], /--secret-file: there is no file \/nonexistent\/secret/],
		[['--host', '--secret', 'x', '--secret-file', '/nonexistent/secret'], /choose one of --secret and --secret-file/],
	])('%j is a usage error: exit 2', async (args, message) => {
		const run = cli(args);
		expect(await run.exited()).toBe(2);
		expect(run.stderr).toMatch(message);
	});
});

describe('runtime failures exit 1 with what to check', () => {
	test('a port already in use', async () => {
		const hub = new Hub({bind: '127.0.0.1', port: 0});
		await hub.start();
		const run = cli(['--host', '--headless', '--bind', '127.0.0.1', '--port', String(hub.port), '--transfer-port', '0']);
		expect(await run.exited()).toBe(1);
		expect(run.stderr).toContain(`127.0.0.1:${hub.port} is already in use`);
		await hub.close();
	});

	test('nothing listening at the address', async () => {
		const probe = dgram.createSocket('udp4');
		await new Promise<void>(resolve => {
			probe.bind(0, '127.0.0.1', resolve);
		});
		const {port} = probe.address();
		probe.close();
		const run = cli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--plain']);
		expect(await run.exited()).toBe(1);
		expect(run.stderr).toContain(`nothing is listening at 127.0.0.1:${port}`);
	});

	test('a host that does not answer', async () => {
		const silent = dgram.createSocket('udp4');
		await new Promise<void>(resolve => {
			silent.bind(0, '127.0.0.1', resolve);
		});
		const run = cli(['--join', `127.0.0.1:${silent.address().port}`, '--name', 'bob', '--json']);
		expect(await run.exited(20_000)).toBe(1);
		const error = run.json().find(event => event.type === 'error');
		expect(error?.text).toMatch(/no answer from 127\.0\.0\.1:\d+ within 5 s/);
		silent.close();
	});

	test('a taken name', async () => {
		const {port} = await headlessHub().then(({hub, port}) => {
			running.push(hub);
			return {port};
		});
		const alice = cli(['--join', `127.0.0.1:${port}`, '--name', 'alice', '--json']);
		await waitFor(() => alice.json().some(event => event.type === 'welcome'), {what: 'alice welcomed'});
		const impostor = cli(['--join', `127.0.0.1:${port}`, '--name', 'Alice', '--plain']);
		expect(await impostor.exited()).toBe(1);
		expect(impostor.stderr).toContain('the name "alice" is taken');
	});
});

describe('the headless hub', () => {
	test('its log read by a pipeline that ends (`--headless | head -1`): it closes the room and exits 0 at its next line, no unhandled EPIPE', async () => {
		const {hub, port} = await headlessHub();
		running.push(hub);
		// The reader goes away after the first line, as `head -1` does.
		hub.child.stdout.destroy();
		const member = cli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--json']);
		member.child.stdin.end('hello\n');
		expect(await hub.exited(20_000)).toBe(0);
		expect(hub.stderr).not.toMatch(/EPIPE|Unhandled|at /);
	});
});

describe('line mode', () => {
	test('300 piped lines at the default pace: all arrive, in order, and it exits 0 (it said it was draining)', async () => {
		const {hub, port} = await headlessHub();
		running.push(hub);
		const bot = cli(['--join', `127.0.0.1:${port}`, '--name', 'bot', '--json']);
		bot.child.stdin.end(Array.from({length: 300}, (_, index) => `line-${index + 1}\n`).join(''));
		// 300 lines at 9 a second: about 35 s.
		expect(await bot.exited(90_000)).toBe(0);
		const stamped = hub.json().filter(event => event.type === 'message' && event.from === 'bot');
		expect(stamped.map(event => event.text)).toEqual(Array.from({length: 300}, (_, index) => `line-${index + 1}`));
		const draining = bot.json().filter(event => event.type === 'status' && event.state === 'draining');
		expect(draining).toHaveLength(1);
		expect(draining[0]!.queued).toBeGreaterThan(250);
		expect(bot.json().some(event => event.type === 'error')).toBe(false);
	}, 120_000);

	test('the hub killed midway: exit 1, and the error says how many lines were not delivered', async () => {
		const {hub, port} = await headlessHub();
		running.push(hub);
		const bot = cli(['--join', `127.0.0.1:${port}`, '--name', 'bot', '--plain']);
		bot.child.stdin.end(Array.from({length: 100}, (_, index) => `line-${index + 1}\n`).join(''));
		const stampedNow = () => hub.json().filter(event => event.type === 'message' && event.from === 'bot').length;
		await waitFor(() => stampedNow() >= 30, {timeoutMs: 20_000, what: '30 lines at the hub'});
		hub.child.kill('SIGKILL');
		await hub.exited();
		const stamped = stampedNow();
		// Silent for 5 s it reconnects; after 15 s more it gives up.
		expect(await bot.exited(60_000)).toBe(1);
		const reported = /^error: (\d+) of 100 lines read were not delivered \(/m.exec(bot.stderr);
		expect(reported, bot.stderr).not.toBeNull();
		const undelivered = Number(reported![1]);
		// Lines the hub stamped just before it died may still count as undelivered: their acks died with it.
		expect(undelivered).toBeGreaterThanOrEqual(100 - stamped);
		expect(undelivered).toBeLessThanOrEqual(100 - stamped + 2);
	}, 90_000);

	test('members talk through a headless hub; at end of input each leaves and exits 0', async () => {
		const {hub, port} = await headlessHub();
		running.push(hub);
		const bob = cli(['--join', `127.0.0.1:${port}`, '--name', 'bob', '--json']);
		await waitFor(() => bob.json().some(event => event.type === 'welcome'), {what: () => `bob welcomed: ${bob.stderr}`});
		await waitFor(() => bob.json().some(event => event.history === true), {what: "bob's history"});
		const bobEvents = bob.json();
		const welcomeAt = bobEvents.findIndex(event => event.type === 'welcome');
		expect(bobEvents.findIndex(event => event.type === 'status' && event.state === 'connected')).toBeLessThan(welcomeAt);
		expect(bobEvents.findIndex(event => event.history === true)).toBeGreaterThan(welcomeAt);
		const alice = cli(['--join', `127.0.0.1:${port}`, '--name', 'alice', '--plain']);
		for (let i = 0; i < 50; i++) {
			alice.child.stdin.write(`line ${i}\n`);
		}

		alice.child.stdin.end('/me waves\n');
		expect(await alice.exited()).toBe(0);
		const messages = await waitFor(
			() => {
				const found = bob.json().filter(event => event.type === 'message' && event.from === 'alice');
				return found.length === 51 ? found : undefined;
			},
			{what: () => `51 messages at bob:\n${bob.stdout}`},
		);
		expect(messages.slice(0, 50).map(event => event.text)).toEqual(Array.from({length: 50}, (_, i) => `line ${i}`));
		expect(messages[50]).toMatchObject({type: 'message', from: 'alice', text: 'waves', action: true});
		for (const event of messages) {
			expect(typeof event.seq).toBe('number');
			expect(new Date(event.time as string).toISOString()).toBe(event.time);
		}

		await waitFor(() => bob.json().some(event => event.type === 'leave' && event.name === 'alice' && event.reason === 'quit'), {what: 'alice left'});
		expect(alice.stdout).toContain('alice: line 49');
		bob.child.stdin.end();
		expect(await bob.exited()).toBe(0);
		await waitFor(() => hub.json().filter(event => event.type === 'leave').length === 2, {what: () => `two leaves in the hub log:\n${hub.stdout}`});
		expect(hub.json().filter(event => event.type === 'message')).toHaveLength(51);
	});

	test('a room with a secret and a data folder (the default on the default port): the host and a guest with the secret talk', async () => {
		const dataDir = await mkdtemp(path.join(tmpdir(), 'secret-host-'));
		try {
			const host = cli(['--host', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--data-dir', dataDir, '--secret', 'hunter2', '--name', 'hostess', '--json']);
			const hosting = await waitFor(() => host.json().find(event => event.type === 'hosting'), {what: () => `hosting: ${host.stderr}`});
			await waitFor(() => host.json().some(event => event.type === 'welcome'), {what: () => `the host's own member welcomed: ${host.stderr}`});
			const guest = cli(['--join', `127.0.0.1:${hosting.port as number}`, '--name', 'guest', '--secret', 'hunter2', '--json']);
			guest.child.stdin.end('psst\n');
			expect(await guest.exited()).toBe(0);
			expect(guest.json().some(event => event.type === 'welcome')).toBe(true);
			await waitFor(() => host.json().some(event => event.type === 'message' && event.from === 'guest' && event.text === 'psst'), {what: () => `the host got the line:\n${host.stdout}`});
			host.child.kill('SIGINT');
			expect(await host.exited()).toBe(0);
		} finally {
			await rm(dataDir, {recursive: true, force: true});
		}
	});

	test('every way of giving the secret says the room is private (--secret, --secret-file, SOCKET_CHAT_SECRET), the host\'s own member too; an open room says open', async () => {
		const scratch = await mkdtemp(path.join(tmpdir(), 'secret-ways-'));
		try {
			const secretFile = path.join(scratch, 'secret');
			await writeFile(secretFile, 'hunter2\n', {mode: 0o600});
			// The host reads its secret from the environment, as a newcomer following the README would.
			const host = cli(['--host', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--name', 'hostess', '--json'], {SOCKET_CHAT_SECRET: 'hunter2'});
			const hosting = await waitFor(() => host.json().find(event => event.type === 'hosting'), {what: () => `hosting: ${host.stderr}`});
			expect(hosting.secret).toBe(true);
			const hostWelcome = await waitFor(() => host.json().find(event => event.type === 'welcome'), {what: () => `the host's own member welcomed: ${host.stderr}`});
			expect(hostWelcome.secret).toBe(true);
			const address = `127.0.0.1:${hosting.port as number}`;
			const ways: Array<[string, string[], Record<string, string>]> = [
				['--secret', ['--secret', 'hunter2'], {}],
				['--secret-file', ['--secret-file', secretFile], {}],
				['SOCKET_CHAT_SECRET', [], {SOCKET_CHAT_SECRET: 'hunter2'}],
			];
			for (const [index, [way, flags, env]] of ways.entries()) {
				const json = cli(['--join', address, '--name', `json${index}`, ...flags, '--json'], env);
				json.child.stdin.end();
				expect(await json.exited(), `${way}: ${json.stderr}`).toBe(0);
				expect(json.json().find(event => event.type === 'welcome'), way).toMatchObject({secret: true});
				const plain = cli(['--join', address, '--name', `plain${index}`, ...flags, '--plain'], env);
				plain.child.stdin.end();
				expect(await plain.exited(), `${way}: ${plain.stderr}`).toBe(0);
				expect(plain.stdout, way).toMatch(/^\* joined .* \(private room, fingerprint /m);
				expect(plain.stdout, way).not.toContain('anyone on the network');
			}

			const open = cli(['--host', '--headless', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--json']);
			const openHosting = await waitFor(() => open.json().find(event => event.type === 'hosting'), {what: () => `the open hub: ${open.stderr}`});
			const guest = cli(['--join', `127.0.0.1:${openHosting.port as number}`, '--name', 'guest', '--plain']);
			guest.child.stdin.end();
			expect(await guest.exited()).toBe(0);
			expect(guest.stdout).toMatch(/^\* joined .* \(open room, fingerprint .*: anyone on the network can join and read it\)/m);
		} finally {
			await rm(scratch, {recursive: true, force: true});
		}
	});

	test('a wrong secret that was not typed says where it came from (a stale SOCKET_CHAT_SECRET, an old file), exit 1', async () => {
		const scratch = await mkdtemp(path.join(tmpdir(), 'secret-wrong-'));
		try {
			const old = path.join(scratch, 'old secret');
			await writeFile(old, 'last-year\n', {mode: 0o600});
			const host = cli(['--host', '--headless', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--secret', 'hunter2', '--json']);
			const hosting = await waitFor(() => host.json().find(event => event.type === 'hosting'), {what: () => `hosting: ${host.stderr}`});
			const address = `127.0.0.1:${hosting.port as number}`;
			const fromEnv = cli(['--join', address, '--name', 'envy', '--plain'], {SOCKET_CHAT_SECRET: 'wrong'});
			fromEnv.child.stdin.end();
			expect(await fromEnv.exited()).toBe(1);
			expect(fromEnv.stderr).toContain('wrong room secret (the one in SOCKET_CHAT_SECRET): ask the host for the right one');
			const fromFile = cli(['--join', address, '--name', 'filed', '--secret-file', old, '--json']);
			fromFile.child.stdin.end();
			expect(await fromFile.exited()).toBe(1);
			expect(fromFile.stdout + fromFile.stderr).toContain(`wrong room secret (the one in --secret-file ${old})`);
		} finally {
			await rm(scratch, {recursive: true, force: true});
		}
	});

	for (const secret of [undefined, 'hunter2']) {
		test(`/send and /get between two line-mode members, through a host with a data folder${secret ? ' and a secret' : ''}`, async () => {
			const scratch = await mkdtemp(path.join(tmpdir(), 'cli-files-'));
			try {
				const withSecret = secret ? ['--secret', secret] : [];
				const file = path.join(scratch, 'report one.bin');
				const bytes = randomBytes(3 * 1024 * 1024 + 17);
				await writeFile(file, bytes);
				const host = cli(['--host', '--headless', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--data-dir', path.join(scratch, 'data'), ...withSecret, '--json']);
				const hosting = await waitFor(() => host.json().find(event => event.type === 'hosting'), {what: () => `hosting: ${host.stderr}`});
				const join = ['--join', `127.0.0.1:${hosting.port as number}`, ...withSecret, '--json'];
				const bob = cli([...join, '--name', 'bob', '--download-dir', path.join(scratch, 'bob')]);
				await waitFor(() => bob.json().some(event => event.type === 'welcome'), {what: () => `bob welcomed: ${bob.stderr}`});
				const alice = cli([...join, '--name', 'alice']);
				await waitFor(() => alice.json().some(event => event.type === 'welcome'), {what: () => `alice welcomed: ${alice.stderr}`});
				alice.child.stdin.write(`/send "${file}"\n`);
				const offer = await waitFor(() => bob.json().find(event => event.type === 'offer' && event.from === 'alice' && event.complete === true), {
					what: () => `alice's complete offer at bob:\n${bob.stdout}\n${alice.stdout}`,
				});
				expect(offer).toMatchObject({name: 'report one.bin', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex')});
				bob.child.stdin.write(`/get ${offer.id as string}\n`);
				const done = await waitFor(() => bob.json().find(event => event.type === 'transfer' && event.direction === 'download' && event.state === 'done'), {
					what: () => `bob's download done:\n${bob.stdout}`,
				});
				// Buffer.equals: a deep comparison of 3 MB byte by byte takes seconds.
				expect((await readFile(done.path as string)).equals(bytes)).toBe(true);
				alice.child.stdin.end();
				bob.child.stdin.end();
				expect(await alice.exited()).toBe(0);
				expect(await bob.exited()).toBe(0);
			} finally {
				await rm(scratch, {recursive: true, force: true});
			}
		});
	}

	test('/send DIR between two line-mode members: the offer says files, the transfer events count files and bytes', async () => {
		const scratch = await mkdtemp(path.join(tmpdir(), 'cli-folder-'));
		try {
			const folder = path.join(scratch, 'my album');
			await mkdir(path.join(folder, 'inner', 'empty'), {recursive: true});
			const big = randomBytes(2 * 1024 * 1024 + 5);
			await writeFile(path.join(folder, 'big.bin'), big);
			await writeFile(path.join(folder, 'inner', 'note.txt'), 'hello');
			const host = cli(['--host', '--headless', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--json']);
			const hosting = await waitFor(() => host.json().find(event => event.type === 'hosting'), {what: () => `hosting: ${host.stderr}`});
			const join = ['--join', `127.0.0.1:${hosting.port as number}`, '--json'];
			const bob = cli([...join, '--name', 'bob', '--download-dir', path.join(scratch, 'bob')]);
			await waitFor(() => bob.json().some(event => event.type === 'welcome'), {what: () => `bob welcomed: ${bob.stderr}`});
			const alice = cli([...join, '--name', 'alice']);
			await waitFor(() => alice.json().some(event => event.type === 'welcome'), {what: () => `alice welcomed: ${alice.stderr}`});
			alice.child.stdin.write(`/send ${folder}\n`);
			const offer = await waitFor(() => bob.json().find(event => event.type === 'offer' && event.complete === true), {what: () => `the offer:\n${bob.stdout}\n${alice.stdout}`});
			expect(offer).toMatchObject({name: 'my album.tar', files: 2});
			const sent = await waitFor(() => alice.json().find(event => event.type === 'transfer' && event.state === 'done'), {what: () => alice.stdout});
			expect(sent).toMatchObject({direction: 'upload', files: 2, filesDone: 2, bytes: offer.size, size: offer.size});
			bob.child.stdin.write(`/get ${offer.id as string}\n`);
			const done = await waitFor(() => bob.json().find(event => event.type === 'transfer' && (event.state === 'done' || event.state === 'failed')), {what: () => bob.stdout});
			expect(done).toMatchObject({state: 'done', files: 2, filesDone: 2, path: path.join(scratch, 'bob', 'my album')});
			const steps = bob.json().filter(event => event.type === 'transfer');
			expect(steps.every(event => event.files === 2 && typeof event.filesDone === 'number')).toBe(true);
			expect((await readFile(path.join(done.path as string, 'big.bin'))).equals(big)).toBe(true);
			expect(await readFile(path.join(done.path as string, 'inner', 'note.txt'), 'utf8')).toBe('hello');
			expect((await readdir(path.join(done.path as string, 'inner', 'empty'))).length).toBe(0);
			alice.child.stdin.end();
			bob.child.stdin.end();
			expect(await alice.exited()).toBe(0);
			expect(await bob.exited()).toBe(0);
		} finally {
			await rm(scratch, {recursive: true, force: true});
		}
	});

	test('--host in line mode is a member too and says where to join', async () => {
		const host = cli(['--host', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--name', 'hostess', '--json']);
		const hosting = await waitFor(() => host.json().find(event => event.type === 'hosting'), {what: () => `hosting: ${host.stderr}`});
		const welcome = await waitFor(() => host.json().find(event => event.type === 'welcome'), {what: 'host welcomed'});
		expect(welcome.members).toEqual(['hostess']);
		const guest = cli(['--join', `127.0.0.1:${hosting.port as number}`, '--name', 'guest', '--json']);
		guest.child.stdin.end('hi host\n');
		expect(await guest.exited()).toBe(0);
		await waitFor(() => host.json().some(event => event.type === 'message' && event.text === 'hi host'), {what: 'the host got the line'});
		host.child.kill('SIGINT');
		expect(await host.exited()).toBe(0);
	});

	test("the host's own member is served by the room's multicast group, and /netinfo says so", async () => {
		const host = cli(['--host', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--name', 'hostess', '--json']);
		await waitFor(() => host.json().find(event => event.type === 'welcome'), {what: () => `host welcomed: ${host.stderr}`});
		const answers = () => host.json().filter(event => event.type === 'info' && typeof event.text === 'string' && event.text.includes('room events:')).map(event => event.text as string);
		// The probe takes a few beats after the welcome: ask again (after each answer) until it has answered.
		let answer = '';
		for (let asked = 0; asked < 10 && !/room events: by multicast/.test(answer); asked++) {
			const before = answers().length;
			host.child.stdin.write('/netinfo\n');
			answer = await waitFor(() => answers()[before], {timeoutMs: 10_000, what: '/netinfo to answer'});
		}

		expect(answer).toMatch(/room events: by multicast \(group 239\.255\.\d+\.\d+:\d+\); multicast: \d+ of \d+ probes came by the group/);
		const said = (text: RegExp) => answers().some(line => text.test(line));
		expect(said(/hostess +multicast/)).toBe(true);
		host.child.kill('SIGINT');
		expect(await host.exited()).toBe(0);
	});
});

describe('discovery', () => {
	test('--list finds a room announced on loopback; --join without an address joins it', async () => {
		const discoveryPort = String(await freeUdpPort());
		const hub = cli(['--host', '--headless', '--bind', '127.0.0.1', '--port', '0', '--transfer-port', '0', '--json', '--room', 'design review', '--discovery-port', discoveryPort]);
		const hosting = await waitFor(() => hub.json().find(event => event.type === 'hosting'), {what: 'hub started'});
		const list = cli(['--list', '--json', '--discovery-port', discoveryPort]);
		expect(await list.exited()).toBe(0);
		expect(list.json()).toEqual([
			expect.objectContaining({type: 'room', address: '127.0.0.1', port: hosting.port, name: 'design review', members: 0, secret: false}),
		]);
		const zed = cli(['--join', '--name', 'zed', '--json', '--discovery-port', discoveryPort]);
		zed.child.stdin.end('found you\n');
		expect(await zed.exited()).toBe(0);
		await waitFor(() => hub.json().some(event => event.type === 'message' && event.text === 'found you'), {what: 'the line at the hub'});
	});

	test('--join without an address and no room: exit 1 with what to check', async () => {
		const run = cli(['--join', '--name', 'zed', '--plain', '--discovery-port', String(await freeUdpPort())]);
		run.child.stdin.end();
		expect(await run.exited()).toBe(1);
		expect(run.stderr).toContain('no room found on this network');
		expect(run.stderr).toContain('--join ADDR[:PORT]');
	});
});
