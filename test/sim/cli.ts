/**
 * `npm run sim -- --seed S --runs N`: runs N scenarios from seed S on the simulator, prints one
 * line per failure (its seed replays it: `--seed <that seed> --runs 1`), and ends with
 * `runs N, failures F, digest D`. Exits 1 when any scenario failed.
 */
import {parseArgs} from 'node:util';
import {runBatch} from './kit/batch.js';

const {values} = parseArgs({options: {seed: {type: 'string', default: '1'}, runs: {type: 'string', default: '500'}}});
const seed = Number(values.seed);
const runs = Number(values.runs);
if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xff_ff_ff_ff || !Number.isSafeInteger(runs) || runs < 1) {
	console.error('usage: npm run sim -- --seed S --runs N (S from 0 to 4294967295, N at least 1)');
	process.exit(2);
}

const batch = runBatch(seed, runs, (failed, failure) => {
	console.log(`seed ${failed}: ${failure}`);
});
console.log(`runs ${batch.runs}, failures ${batch.failures.length}, digest ${batch.digest}`);
process.exitCode = batch.failures.length > 0 ? 1 : 0;
