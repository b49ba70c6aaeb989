import {createHash} from 'node:crypto';
import {runScenario} from './run.js';
import {scenarioFrom} from './scenario.js';

/** A batch's result: its failures (seed and what broke) and one digest over every trace. */
export type Batch = {readonly runs: number; readonly failures: ReadonlyArray<{readonly seed: number; readonly failure: string}>; readonly digest: string};

/**
 * Runs the scenarios of seeds `from` .. `from + runs - 1`. The digest hashes each scenario's
 * trace digest in seed order: the same seeds give the same digest on any machine, any day.
 */
export function runBatch(from: number, runs: number, onFailure?: (seed: number, failure: string) => void): Batch {
	const digest = createHash('sha256');
	const failures: Array<{seed: number; failure: string}> = [];
	for (let seed = from; seed < from + runs; seed++) {
		const outcome = runScenario(scenarioFrom(seed));
		digest.update(outcome.digest);
		for (const failure of outcome.failures) {
			failures.push({seed, failure});
			onFailure?.(seed, failure);
		}
	}

	return {runs, failures, digest: digest.digest('hex').slice(0, 16)};
}
