import {test} from 'vitest';
import {runScenario} from './sim/kit/run.js';
import {CLEAN} from './sim/kit/network.js';
test('dbg', () => {
	const NAMES = ['alice', 'bob', 'carol'];
	const lines = 300;
	const ten = Array.from({length: 10}, (_, index) => 4000 + index * 1500);
	const s: any = {seed: 11, members: NAMES.map((name, index) => ({name, joinAt: index * 100, says: index === 0 ? Array.from({length: lines}, (_, line) => 4000 + line * 150) : ten.map(at => at + index * 37)})),
		link: {...CLEAN, delayMs: 5}, cleanLink: {...CLEAN, delayMs: 5}, cuts: [], faults: [], durable: true, syncMs: 5, hubConfig: {}, quietAt: 30_000 + lines * 150, endAt: 80_000 + lines * 150,
		multicast: {deaf: [], closed: [], lossy: [2], lossyFrom: 3500, lossyRate: 1}};
	const out = runScenario(s);
	const w = out.world; const ep: any = w.hub.endpoint;
	console.log(out.failures, 'now', w.now, 'hubNow', w.hubNow, 'hub pollTimeout', ep.pollTimeout() - w.hub.timerOffset, 'castDue', ep.castDue, 'castDeadline', ep.cast.nextDeadline() - w.hub.timerOffset, 'busy', ep.commits.busy);
	for (const m of w.members) { const c: any = m.connection; console.log(m.name, c.pollTimeout() - m.timerOffset, c.cast.mode, c.cast.nextDeadline(), c.stream.dirty, c.token); }
	const cast: any = ep.cast;
	for (const [m, c] of cast.cursors) console.log('cursor', m.name, c.cum, JSON.stringify(c.sacked), c.until, c.backoff, c.heldSince, cast.head, cast.castNext);
	console.log('probes', [...cast.probes.keys()].map((m: any) => m.name), 'reprobe', [...cast.reprobe.values()].map((v: number) => v - w.hub.timerOffset), 'beatAt', cast.beatAt - w.hub.timerOffset);
});
