/** The saturation ladder: raises the per-member rate step by step until delivery falls behind. */
import type {Load, StepResult} from './fanout-load.js';
import {nowMs, sleep} from './util.js';

export type LadderOptions = {
	readonly startRate: number;
	readonly factor: number;
	readonly maxRate: number;
	readonly windowMs: number;
	readonly drainMs: number;
	/** No new step once this much time has gone (the whole ladder stays bounded). */
	readonly budgetMs: number;
	/**
	 * Steps tried, once one fell behind, between the best rate that kept up and the lowest that
	 * did not (each at their geometric middle), so the saturation figure is within factor^(1/2^n)
	 * rather than a whole factor of the truth. The same for every target.
	 */
	readonly refineSteps: number;
	readonly log?: (line: string) => void;
};

export type Ladder = {
	readonly steps: StepResult[];
	/** The best delivered/s of a step that kept up. */
	readonly saturation: number;
	/** The best delivered/s of any step. */
	readonly maxObserved: number;
	readonly stoppedBy: 'fell behind' | 'load generator' | 'max rate' | 'time budget';
};

/** Raises the per-member rate by `factor` each step until delivery falls behind (or a bound). */
export async function ladder(load: Load, options: LadderOptions): Promise<Ladder> {
	const steps: StepResult[] = [];
	const began = nowMs();
	let stoppedBy: Ladder['stoppedBy'] = 'max rate';
	for (let rate = options.startRate; rate <= options.maxRate + 1e-9; rate *= options.factor) {
		if (nowMs() - began > options.budgetMs) {
			stoppedBy = 'time budget';
			break;
		}

		const result = await load.step(Math.round(rate * 10) / 10, options.windowMs, options.drainMs);
		steps.push(result);
		options.log?.(describeStep(load.server.label, result));
		if (!result.keptUp) {
			stoppedBy = 'fell behind';
			break;
		}

		if (result.sendRate < 0.9 * result.rate * load.members) {
			stoppedBy = 'load generator';
			break;
		}

		await sleep(100);
	}

	if (stoppedBy === 'fell behind') {
		let low = steps.filter(step => step.keptUp).at(-1)?.rate;
		let high = steps.at(-1)!.rate;
		for (let index = 0; low !== undefined && index < options.refineSteps && nowMs() - began <= options.budgetMs; index++) {
			// Let the hub and members recover from the step that fell behind before measuring again.
			await sleep(1000);
			const rate = Math.round(Math.sqrt(low * high) * 10) / 10;
			const result = await load.step(rate, options.windowMs, options.drainMs);
			steps.push(result);
			options.log?.(describeStep(`${load.server.label} (refining)`, result));
			if (result.keptUp) low = rate;
			else high = rate;
		}
	}

	const best = (list: StepResult[]) => Math.max(0, ...list.map(step => step.deliveredPerSecond));
	return {steps, saturation: best(steps.filter(step => step.keptUp)), maxObserved: best(steps), stoppedBy};
}

export function describeStep(label: string, step: StepResult): string {
	const trouble = Object.entries(step.trouble)
		.filter(([, count]) => count > 0)
		.map(([kind, count]) => ` ${kind}=${count}`)
		.join('');
	return (
		`${label}: ${String(step.rate).padStart(5)}/s/member  sent ${Math.round(step.sendRate)}/s  delivered ${Math.round(step.deliveredPerSecond)}/s` +
		`  ${((step.onTime / Math.max(1, step.expected)) * 100).toFixed(2)}% on time (${(step.inWindow * 100).toFixed(0)}% in window)` +
		`  p50 ${step.p50.toFixed(2)} p99 ${step.p99.toFixed(2)} ms  cpu server ${step.serverCpu.toFixed(2)} load ${step.loadCpu.toFixed(2)}` +
		`${step.keptUp ? '' : '  FELL BEHIND'}${trouble}`
	);
}
