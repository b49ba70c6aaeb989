import {describe, expect, it} from 'vitest';
import {waitFor} from '../helpers/wait-for.js';
import {makeWelcome} from './fake-link.js';
import {connectedSession, entriesOf, ev, lastEntry, tick} from './session-helpers.js';

/** Submits a line, lets async command runs settle, and returns the entries it added. */
async function run(session: Awaited<ReturnType<typeof connectedSession>>['session'], line: string) {
	const before = entriesOf(session).length;
	session.submit(line);
	await tick();
	return entriesOf(session).slice(before);
}

describe('/msg', () => {
	it('/msg NAME TEXT sends a direct message', async () => {
		const {link, session} = await connectedSession();
		const added = await run(session, '/msg bob see you at 5');
		expect(link.sent).toEqual([{k: 'dm', to: 'bob', text: 'see you at 5'}]);
		expect(added.filter(entry => entry.kind === 'error')).toEqual([]);
	});

	it('matches the name case-insensitively and sends the member\'s own spelling', async () => {
		const {link, session} = await connectedSession();
		await run(session, '/msg BoB hi there');
		expect(link.sent).toEqual([{k: 'dm', to: 'bob', text: 'hi there'}]);
	});

	it('runs a command typed after leading spaces', async () => {
		const {link, session} = await connectedSession();
		await run(session, '   /me waves');
		expect(link.sent).toEqual([{k: 'me', text: 'waves'}]);
	});

	it('keeps the spacing inside the text', async () => {
		const {link, session} = await connectedSession();
		await run(session, '/msg carol a  b   c');
		expect(link.sent).toEqual([{k: 'dm', to: 'carol', text: 'a  b   c'}]);
	});

	it('an unknown name gives an error entry and sends nothing', async () => {
		const {link, session} = await connectedSession();
		const added = await run(session, '/msg zed hello');
		expect(link.sent).toEqual([]);
		expect(added).toHaveLength(1);
		expect(added[0]).toMatchObject({kind: 'error'});
		expect(added[0]?.text).toContain('zed');
	});

	it.each(['/msg bob', '/msg bob    ', '/msg', '/msg   '])('%j without text is a usage error', async line => {
		const {link, session} = await connectedSession();
		const added = await run(session, line);
		expect(link.sent).toEqual([]);
		expect(added).toHaveLength(1);
		expect(added[0]).toMatchObject({kind: 'error'});
		expect(added[0]?.text).toContain('usage: /msg NAME TEXT');
	});

	it('refuses a direct message over 4,000 bytes', async () => {
		const {link, session} = await connectedSession();
		const added = await run(session, `/msg bob ${'ü'.repeat(2001)}`);
		expect(link.sent).toEqual([]);
		expect(added[0]?.kind).toBe('error');
		expect(added[0]?.text).toContain('4,002 bytes');
	});

	it.each(['/w', '/dm'])('alias %s works like /msg', async alias => {
		const {link, session} = await connectedSession();
		await run(session, `${alias} carol psst`);
		expect(link.sent).toEqual([{k: 'dm', to: 'carol', text: 'psst'}]);
	});

	it('a direct message from the hub becomes a direct entry', async () => {
		const {link, session} = await connectedSession();
		link.push(ev.dm(1, 'bob', 'alice', 'secret'));
		expect(lastEntry(session)).toMatchObject({kind: 'direct', from: 'bob', to: 'alice', text: 'secret', seq: 1});
	});
});

describe('/me', () => {
	it('/me ACTION sends an action', async () => {
		const {link, session} = await connectedSession();
		await run(session, '/me waves hello');
		expect(link.sent).toEqual([{k: 'me', text: 'waves hello'}]);
	});

	it('/me without an action is a usage error', async () => {
		const {link, session} = await connectedSession();
		const added = await run(session, '/me   ');
		expect(link.sent).toEqual([]);
		expect(added[0]).toMatchObject({kind: 'error'});
		expect(added[0]?.text).toContain('usage: /me');
	});

	it.each(['/ME waves', '/Me waves'])('commands are case-insensitive: %j', async line => {
		const {link, session} = await connectedSession();
		await run(session, line);
		expect(link.sent).toEqual([{k: 'me', text: 'waves'}]);
	});
});

describe('/nick', () => {
	it('/nick NEW asks the hub for the new name', async () => {
		const {link, session} = await connectedSession();
		await run(session, '/nick alicia');
		expect(link.sent).toEqual([{k: 'nick', name: 'alicia'}]);
	});

	it('/NICK is the same command', async () => {
		const {link, session} = await connectedSession();
		await run(session, '/NICK zoë');
		expect(link.sent).toEqual([{k: 'nick', name: 'zoë'}]);
	});

	it.each([
		['a space', '/nick new name'],
		['more than 32 characters', `/nick ${'n'.repeat(33)}`],
		['a leading slash', '/nick /root'],
		['a leading star', '/nick *star'],
		['a zero-width space', '/nick a\u200Bb'],
	])('a name with %s is an error and nothing is sent', async (_label, line) => {
		const {link, session} = await connectedSession();
		const added = await run(session, line);
		expect(link.sent).toEqual([]);
		expect(added).toHaveLength(1);
		expect(added[0]?.kind).toBe('error');
		expect(added[0]?.text).toContain('cannot rename');
	});

	it('exactly 32 characters is accepted', async () => {
		const {link, session} = await connectedSession();
		await run(session, `/nick ${'n'.repeat(32)}`);
		expect(link.sent).toEqual([{k: 'nick', name: 'n'.repeat(32)}]);
	});

	it('/nick without a name is a usage error', async () => {
		const {link, session} = await connectedSession();
		const added = await run(session, '/nick');
		expect(link.sent).toEqual([]);
		expect(added[0]?.text).toContain('usage: /nick NEW');
	});
});

describe('/members', () => {
	it('lists the members, marking the host and me', async () => {
		const {session} = await connectedSession({welcome: makeWelcome('alice', ['bob', 'carol'], {host: 'bob'})});
		const added = await run(session, '/members');
		expect(added).toHaveLength(1);
		expect(added[0]?.kind).toBe('notice');
		expect(added[0]?.text).toBe('3 in the room: bob (host), carol, alice (you)');
	});

	it('reflects changes since the welcome; /who is an alias', async () => {
		const {link, session} = await connectedSession({welcome: makeWelcome('alice', ['bob'], {host: 'alice'})});
		link.push(ev.join(1, 'dave'), ev.leave(2, 'bob'));
		const added = await run(session, '/who');
		expect(added[0]?.kind).toBe('notice');
		expect(added[0]?.text).toBe('2 in the room: alice (host) (you), dave');
	});
});

describe('/clear', () => {
	it('empties the entries, and new ones appear after it', async () => {
		const {link, session} = await connectedSession({welcome: makeWelcome('alice', ['bob'], {history: [ev.msg(1, 'bob', 'old')]})});
		link.push(ev.msg(2, 'bob', 'hi'));
		expect(entriesOf(session).length).toBeGreaterThan(0);
		const before = session.getSnapshot();
		session.submit('/clear');
		await tick();
		expect(session.getSnapshot().entries).toEqual([]);
		expect(session.getSnapshot()).not.toBe(before);
		link.push(ev.msg(3, 'bob', 'after'));
		expect(entriesOf(session).map(entry => entry.text)).toEqual(['after']);
	});
});

describe('/help', () => {
	it("lists every registered command's usage and description", async () => {
		const {link, session} = await connectedSession();
		const added = await run(session, '/help');
		expect(added).toHaveLength(1);
		expect(added[0]?.kind).toBe('notice');
		const text = added[0]!.text;
		const commands = session.commands();
		expect(commands.map(command => command.name)).toEqual(expect.arrayContaining(['msg', 'me', 'nick', 'members', 'clear', 'help', 'quit']));
		for (const command of commands) {
			expect(text).toContain(command.usage);
			expect(text).toContain(command.description);
		}

		expect(link.sent).toEqual([]);
	});
});

describe('/quit and aliases', () => {
	it.each(['/quit', '/exit', '/QUIT'])('%s leaves the room', async line => {
		const {link, session} = await connectedSession();
		session.submit(line);
		await waitFor(() => session.getSnapshot().status === 'left', {timeoutMs: 2000, what: 'status left'});
		expect(link.flushCalls).toHaveLength(1);
		expect(link.leaveCalls).toHaveLength(1);
	});
});

describe('unknown commands', () => {
	it("'/mebmers' suggests /members", async () => {
		const {link, session} = await connectedSession();
		const added = await run(session, '/mebmers');
		expect(link.sent).toEqual([]);
		expect(added).toHaveLength(1);
		expect(added[0]?.kind).toBe('error');
		expect(added[0]?.text).toContain('unknown command /mebmers');
		expect(added[0]?.text).toContain('did you mean /members?');
	});

	it("'/sned' is an unknown command; any suggestion names a registered command", async () => {
		const {link, session} = await connectedSession();
		const added = await run(session, '/sned the file');
		expect(link.sent).toEqual([]);
		expect(added).toHaveLength(1);
		expect(added[0]?.kind).toBe('error');
		expect(added[0]?.text).toContain('unknown command /sned');
		const known = new Set(session.commands().flatMap(command => [command.name, ...command.aliases]));
		const guess = /did you mean \/(\S+)\?/.exec(added[0]!.text)?.[1];
		if (guess !== undefined) {
			expect(known.has(guess)).toBe(true);
		}

		if (known.has('send')) {
			expect(guess).toBe('send');
		}
	});

	it('a lone slash is an unknown command, not a message', async () => {
		const {link, session} = await connectedSession();
		const added = await run(session, '/');
		expect(link.sent).toEqual([]);
		expect(added[0]?.kind).toBe('error');
		expect(added[0]?.text).toContain('unknown command');
	});
});

describe('/kick and /ban', () => {
	it('are refused locally for a member who is not the host', async () => {
		const {link, session} = await connectedSession();
		await run(session, '/kick carol');
		await run(session, '/ban carol');
		expect(link.sent).toEqual([]);
		expect(entriesOf(session).filter(entry => entry.kind === 'error').map(entry => entry.text)).toEqual([
			'only the host can kick members',
			'only the host can ban members',
		]);
	});

	it('are sent by the host', async () => {
		const {link, session} = await connectedSession({role: 'host'});
		await run(session, '/kick carol');
		await run(session, '/ban  bob ');
		expect(link.sent).toEqual([{k: 'kick', name: 'carol'}, {k: 'ban', name: 'bob'}]);
	});

	it('need a name', async () => {
		const {link, session} = await connectedSession({role: 'host'});
		await run(session, '/kick');
		expect(link.sent).toEqual([]);
		expect(lastEntry(session)?.text).toBe('usage: /kick NAME');
	});
});

describe('/netinfo', () => {
	it('shows what the composition root gathers', async () => {
		const {session} = await connectedSession({netinfo: async () => ['addresses: 192.0.2.7 (eth0)', 'discovery: works']});
		await run(session, '/netinfo');
		await waitFor(() => entriesOf(session).some(entry => entry.text.includes('discovery: works')), {what: 'netinfo lines'});
		expect(entriesOf(session).at(-1)?.text).toBe('addresses: 192.0.2.7 (eth0)\ndiscovery: works');
	});

	it('says when it is not available', async () => {
		const {session} = await connectedSession();
		await run(session, '/netinfo');
		await waitFor(() => entriesOf(session).some(entry => entry.text.includes('not available')), {what: 'not-available line'});
	});
});
