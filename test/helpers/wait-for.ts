/** How long a wait may take and what it waits for (text, or a function read at the time of failure). */
export type WaitOptions = {
	readonly timeoutMs?: number;
	readonly what?: string | (() => string);
};

/**
 * Polls `check` until it returns a truthy value or throws nothing, within `timeoutMs`.
 * `what` (text, or a function for a description read at the time of failure) names it.
 * The poll interval is a scheduling granularity, not a sleep the test relies on.
 */
export async function waitFor<T>(
	check: () => T | Promise<T>,
	{timeoutMs = 5000, what = 'condition'}: WaitOptions = {},
): Promise<NonNullable<T>> {
	const started = Date.now();
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value) {
				return value as NonNullable<T>;
			}
		} catch (error) {
			lastError = error;
		}

		if (Date.now() - started > timeoutMs) {
			const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}${detail}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}
}
