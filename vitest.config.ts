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
		env: {SOCKET_CHAT_MDNS: 'off'},
		reporters: ['default'],
	},
});
