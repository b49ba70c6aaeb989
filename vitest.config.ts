import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		// Network tests bind real sockets; bounded waits live in the tests themselves.
		testTimeout: 60_000,
		hookTimeout: 20_000,
		pool: 'forks',
		reporters: ['default'],
	},
});
