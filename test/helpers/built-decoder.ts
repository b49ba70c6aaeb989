import {readdirSync, statSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {defaultWorkerScript} from '../../source/ui/preview/decoder-thread.js';

const sources = fileURLToPath(new URL('../../source/ui/preview/', import.meta.url));

/**
 * Images are decoded in a worker thread, which cannot run TypeScript: under vitest the worker is
 * the build of it in dist/ (see defaultWorkerScript). So these tests need `npm run build` first;
 * `npm test` builds before it runs vitest. This fails at once, saying so, when the build is missing
 * or older than the preview's sources, rather than test stale code.
 */
export function requireBuiltDecoder(): void {
	const script = fileURLToPath(defaultWorkerScript(new URL('../../source/ui/preview/decoder-thread.ts', import.meta.url).href));
	let built: number;
	try {
		built = statSync(script).mtimeMs;
	} catch {
		throw new Error(`${script} is missing: run \`npm run build\` before these tests (npm test does)`);
	}

	const newest = Math.max(...readdirSync(sources).map(name => statSync(sources + name).mtimeMs));
	if (newest > built) throw new Error(`${script} is older than source/ui/preview/: run \`npm run build\` before these tests (npm test does)`);
}
