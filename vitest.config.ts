import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		// Network tests bind real sockets; bounded waits live in the tests themselves.
		testTimeout: 60_000,
		hookTimeout: 20_000,
		pool: 'forks',
		// No mDNS from the CLI processes tests start: it would multicast on the machine's real
		// networks. The tests of mDNS turn it on where they run (loopback, test namespaces).
		// Nor the real data folder: history and pinned room keys of the processes tests start go to
		// a folder of this run (helpers give each process one of its own besides).
		env: {SOCKET_CHAT_MDNS: 'off', XDG_DATA_HOME: mkdtempSync(path.join(tmpdir(), 'socket-chat-tests-'))},
		reporters: ['default'],
	},
});
