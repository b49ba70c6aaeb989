/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per file, with
 * positions mapped back to the TypeScript sources through the build's source maps.
 * Also runnable alone: node dist/bench/profile-summary.js FILE.cpuprofile [top]
 */
import {readFileSync} from 'node:fs';
import {SourceMap} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

type CallFrame = {functionName: string; url: string; lineNumber: number; columnNumber: number};
type ProfileNode = {id: number; callFrame: CallFrame; children?: number[]};
type Profile = {nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]};

export type HotSpot = {name: string; where: string; selfMs: number; share: number};
export type ProfileSummary = {totalMs: number; busyMs: number; functions: HotSpot[]; files: HotSpot[]};

const root = fileURLToPath(new URL('../..', import.meta.url));
const maps = new Map<string, SourceMap | undefined>();

/** "source/net/hub.ts:123" for a compiled frame, via its source map when there is one. */
function where(frame: CallFrame): string {
	if (!frame.url) return '(native)';
	if (!frame.url.startsWith('file://')) return frame.url;
	const file = fileURLToPath(frame.url);
	if (!maps.has(file)) {
		try {
			maps.set(file, new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]));
		} catch {
			maps.set(file, undefined);
		}
	}

	const entry = maps.get(file)?.findEntry(frame.lineNumber, frame.columnNumber) as {originalSource?: string; originalLine?: number} | undefined;
	if (entry?.originalSource) {
		const original = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
		return `${path.relative(root, original)}:${(entry.originalLine ?? 0) + 1}`;
	}

	const relative = path.relative(root, file);
	return `${relative.startsWith('..') ? file.replace(/^.*node_modules\//, 'node_modules/') : relative}:${frame.lineNumber + 1}`;
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
	const byId = new Map(profile.nodes.map(node => [node.id, node]));
	const self = new Map<number, number>();
	let totalMs = 0;
	profile.samples.forEach((id, index) => {
		const ms = (profile.timeDeltas[index] ?? 0) / 1000;
		totalMs += ms;
		self.set(id, (self.get(id) ?? 0) + ms);
	});
	const functions = new Map<string, HotSpot>();
	const files = new Map<string, HotSpot>();
	let idleMs = 0;
	for (const [id, ms] of self) {
		const frame = byId.get(id)!.callFrame;
		const name = frame.functionName || '(anonymous)';
		if (name === '(idle)') {
			idleMs += ms;
			continue;
		}

		const at = where(frame);
		const key = `${name} ${at}`;
		const spot = functions.get(key) ?? {name, where: at, selfMs: 0, share: 0};
		spot.selfMs += ms;
		functions.set(key, spot);
		const fileKey = at.replace(/:\d+$/, '');
		const fileSpot = files.get(fileKey) ?? {name: fileKey, where: fileKey, selfMs: 0, share: 0};
		fileSpot.selfMs += ms;
		files.set(fileKey, fileSpot);
	}

	const busyMs = totalMs - idleMs;
	const rank = (spots: Iterable<HotSpot>) =>
		[...spots]
			.map(spot => ({...spot, share: spot.selfMs / busyMs}))
			.sort((a, b) => b.selfMs - a.selfMs)
			.slice(0, top);
	return {totalMs, busyMs, functions: rank(functions.values()), files: rank(files.values())};
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]) && process.argv[2]) {
	const summary = summariseProfile(process.argv[2], Number(process.argv[3] ?? 25));
	console.log(`busy ${Math.round(summary.busyMs)} ms of ${Math.round(summary.totalMs)} ms profiled`);
	for (const spot of summary.functions) console.log(`${(spot.share * 100).toFixed(1).padStart(5)}%  ${spot.selfMs.toFixed(0).padStart(6)} ms  ${spot.name}  ${spot.where}`);
}
