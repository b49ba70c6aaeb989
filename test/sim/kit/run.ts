import {MAX_BACKLOG_ITEMS} from '../../../source/protocol/limits.js';
import {checkEnd, checkStep} from './invariants.js';
import {Random} from './random.js';
import {scenarioFrom, type Scenario} from './scenario.js';
import {World} from './world.js';

/** How a scenario ended: the invariants it broke (none: it passed) and its trace's hash. */
export type Outcome = {readonly seed: number; readonly failures: readonly string[]; readonly digest: string; readonly steps: number; readonly world: World};

/** Steps at one instant beyond which the core is spinning (a timer that never moves on). */
const MAX_STEPS_AT_ONCE = 20_000;
const MAX_STEPS = 3_000_000;

/**
 * Runs one scenario to its end: true time jumps from one thing to the next (an arrival, a timer
 * of the hub or a member, a sync, a planned action), and the invariants are checked after every
 * step. Stops at the first failure.
 */
export function runScenario(scenario: Scenario = scenarioFrom(1)): Outcome {
	const world = new World(scenario, new Random(scenario.seed ^ 0x5f_37_59_df));
	const actions = plan(world, scenario);
	const failures: string[] = [];
	let actionIndex = 0;
	let sameInstant = 0;
	let last = -1;
	const fail = (why: string) => failures.push(`t=${world.now} ${why}`);
	world.onViolation = fail;

	while (failures.length === 0) {
		const candidates: Array<[number, () => void]> = [];
		const action = actions[actionIndex];
		if (action) {
			candidates.push([action.at, () => {
				actionIndex++;
				action.run();
			}]);
		}

		if (world.store.syncAt !== undefined) {
			candidates.push([world.store.syncAt, () => world.synced()]);
		}

		const arrival = world.network.nextArrival();
		if (arrival !== undefined) {
			candidates.push([arrival, () => {
				const flight = world.network.take()!;
				world.deliver(flight.from, flight.to, flight.datagram);
			}]);
		}

		const hub = world.hub.endpoint;
		const hubAt = hub?.pollTimeout();
		if (hub && hubAt !== undefined) {
			candidates.push([hubAt - world.hub.timerOffset, () => {
				hub.handleTimeout(world.hubNow);
				world.drainHub();
			}]);
		}

		if (world.hub.restartAt !== undefined) {
			candidates.push([world.hub.restartAt, () => world.restartHub()]);
		}

		for (const member of world.members) {
			const at = member.connection?.pollTimeout();
			if (member.connection && at !== undefined) {
				const connection = member.connection;
				candidates.push([at - member.timerOffset, () => {
					connection.handleTimeout(world.now + member.offset);
					world.drainMember(member);
				}]);
			}

			if (member.retryAt !== undefined && !member.connection) {
				candidates.push([member.retryAt, () => world.join(member)]);
			}
		}

		let next: [number, () => void] | undefined;
		for (const candidate of candidates) {
			if (!next || candidate[0] < next[0]) {
				next = candidate;
			}
		}

		if (!next || next[0] > scenario.endAt) {
			break;
		}

		// Whole milliseconds, as Date.now() gives the shells (a timer fires at or after its deadline).
		world.now = Math.max(world.now, Math.ceil(next[0]));
		sameInstant = world.now === last ? sameInstant + 1 : 0;
		last = world.now;
		if (sameInstant > MAX_STEPS_AT_ONCE || world.steps > MAX_STEPS) {
			fail(`spinning: ${world.steps} steps, ${sameInstant} at one instant`);
			break;
		}

		next[1]();
		world.steps++;
		checkStep(world, fail, MAX_BACKLOG_ITEMS);
	}

	world.now = scenario.endAt;
	if (failures.length === 0) {
		checkEnd(world, fail);
	}

	return {seed: scenario.seed, failures, digest: world.trace.digest('hex'), steps: world.steps, world};
}

type Action = {readonly at: number; readonly run: () => void};

/** The scenario's planned actions in time order: joins, lines, faults, the quiet phase. */
function plan(world: World, scenario: Scenario): Action[] {
	const actions: Action[] = [];
	for (const [index, member] of scenario.members.entries()) {
		const simMember = world.members[index]!;
		actions.push({at: member.joinAt, run: () => world.join(simMember)});
		for (const [line, at] of member.says.entries()) {
			actions.push({at, run: () => world.say(simMember, `${member.name} ${line}`)});
		}
	}

	for (const fault of scenario.faults) {
		actions.push({at: fault.at, run: () => applyFault(world, fault)});
	}

	if (scenario.forger) {
		const random = new Random(scenario.seed ^ 0x0f_0e_0d_0c);
		for (let at = scenario.forger.from; at < scenario.forger.until; at += scenario.forger.everyMs) {
			actions.push({at, run: () => world.forge(random)});
		}
	}

	actions.push({at: scenario.quietAt, run: () => world.heal()});
	// Stable: equal times keep the order above (joins before lines, lines in order).
	return actions.map((action, order) => ({action, order})).sort((a, b) => a.action.at - b.action.at || a.order - b.order).map(({action}) => action);
}

function applyFault(world: World, fault: Scenario['faults'][number]): void {
	switch (fault.kind) {
		case 'crash': {
			if (world.hub.endpoint) {
				world.crashHub(fault.downMs);
			}

			return;
		}

		case 'jump': {
			if (fault.target === 'hub') {
				world.hub.offset += fault.byMs;
			} else {
				world.members[fault.target]!.offset += fault.byMs;
			}

			return;
		}

		case 'rebind': {
			world.rebind(world.members[fault.member]!);
		}
	}
}
