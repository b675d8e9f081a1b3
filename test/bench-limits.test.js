// @ts-check
'use strict';

/**
 * The limits the benchmark compares each mode with (scripts/bench/lib/limits.js). The "vs its
 * limit" column of docs/PERFORMANCE.md rests on them, so a wrong schedule would flatter or punish a mode.
 */

const { listSchedule, gridSchedule, batchTimes, batchLimits, limitFor, DONT_WAIT } = require('../scripts/bench/lib/limits');

describe('bench limits', () => {
	const sim = { queueMs: 200, renderMs: 2800 };

	it.each([
		[40, 5, 1000],
		[10, 5, 1000],
		[7, 3, 15000],
		[5, 5, 1000],
	])('equal times: N=%i, K=%i, interval %i ms give the closed forms', (n, k, pollMs) => {
		const times = batchTimes(n, sim, { spread: false });
		const t = sim.queueMs + sim.renderMs;
		const waves = Math.ceil(n / k);
		const limits = batchLimits(times, k, pollMs);
		expect(limits.waves).toBe(waves);
		expect(limits.idealMs).toBe(waves * t);
		expect(limits.pollLimitMs).toBe(waves * t + (waves * pollMs) / 2);
		expect(limits.callbackLimitMs).toBe(waves * t + ((waves - 1) * pollMs) / 2);
		expect(limits.oneAfterAnotherMs).toBe(n * t);
		// Don't Wait: each wave after the first starts at the next try (every 1000/K ms) after the
		// last one ended, and the trigger's claim adds two settle times
		const step = DONT_WAIT.retryMs / k;
		let waveStart = 0;
		for (let wave = 1; wave < waves; wave++) waveStart = Math.ceil((waveStart + t) / step) * step;
		expect(limits.triggerLimitMs).toBe(waveStart + t + 2 * DONT_WAIT.claimSettleMs);
	});

	it('Don\'t Wait: a freed place is taken at the next try of the grid, not at once', () => {
		// two places, tries every 300 ms: 1000 ends at 1000, its place is taken at 1200
		expect(gridSchedule([4000, 1000, 2000], 2, 300).makespanMs).toBe(4000);
		expect(gridSchedule([1000, 1000, 1000], 2, 300).makespanMs).toBe(2200);
		expect(gridSchedule([1000, 1000, 1000], 2, 1).makespanMs).toBe(2000);
	});

	it('a place is taken again the moment the scheduler learns its job ended', () => {
		// two places: 4 and 1 start at 0; 2 takes the place of 1 (free at 1 + late)
		const late = listSchedule([4000, 1000, 2000], 2, 500);
		expect(late.starts).toEqual([0, 0, 1500]);
		expect(late.makespanMs).toBe(4000);
		expect(late.seenMs).toBe(4500);
		const atOnce = listSchedule([4000, 1000, 2000], 2);
		expect(atOnce.starts).toEqual([0, 0, 1000]);
		expect(atOnce.makespanMs).toBe(4000);
	});

	it('spread times: the same seed gives the same batch, inside 0.5…1.5 × render, and limits ordered', () => {
		const a = batchTimes(40, sim, { seed: 7 });
		expect(batchTimes(40, sim, { seed: 7 }).renders).toEqual(a.renders);
		expect(batchTimes(40, sim, { seed: 8 }).renders).not.toEqual(a.renders);
		for (const r of a.renders) {
			expect(r).toBeGreaterThanOrEqual(sim.renderMs * 0.5);
			expect(r).toBeLessThanOrEqual(sim.renderMs * 1.5);
		}
		const limits = batchLimits(a, 5, 1000);
		expect(limits.idealMs).toBeLessThanOrEqual(limits.callbackLimitMs);
		expect(limits.callbackLimitMs).toBeLessThan(limits.pollLimitMs);
	});

	it('each mode is judged against its own limit, the stock loops against the ideal', () => {
		const limits = batchLimits(batchTimes(10, sim), 5, 1000);
		expect(limitFor('poll', limits).ms).toBe(limits.pollLimitMs);
		expect(limitFor('callback', limits).ms).toBe(limits.callbackLimitMs);
		expect(limitFor('trigger', limits).ms).toBe(limits.triggerLimitMs);
		expect(limits.triggerLimitMs).toBeGreaterThan(limits.idealMs);
		for (const mode of ['loopK', 'loop1']) expect(limitFor(mode, limits).ms).toBe(limits.idealMs);
	});
});
