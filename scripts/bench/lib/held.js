'use strict';
// Section 3b: what Wait for Callback costs while it does not wait. For a few batch sizes N at a
// fixed K, how long the execution holds its worker before n8n stores it as waiting, read from
// n8n's own data (the Sora Generate node's run at the pause: startTime + executionTime; the
// execution's startedAt), and how many jobs were at TTAPI then (the simulator's submission
// times). A design that submits only from execute() must hold the worker at least until the
// last item can start: the lastStart columns of limits.js, given for comparison.

const c = require('./common');
const { batchTimes, batchLimits } = require('./limits');
const { runMode } = require('./batch');

/** Batch sizes to measure: the given list, or K, 2K and 4K. */
function heldSizes(k, list) {
	return list?.length ? [...new Set(list)] : [k, 2 * k, 4 * k];
}

async function runHeld(ctx, target, { sizes, spread, seed, reuse = {} }) {
	const rows = [];
	for (const n of sizes) {
		const times = batchTimes(n, ctx.simTiming, { spread, seed });
		const limits = batchLimits(times, ctx.k, ctx.pollMs);
		const r = reuse[n] ?? (await runMode(ctx, target, 'callback', { times, limits, tag: `held ${n}` }));
		if (!reuse[n]) await c.sleep(1500);
		rows.push({
			n,
			waves: limits.waves,
			reused: !!reuse[n],
			makespanMs: r.makespanMs,
			idealMs: limits.idealMs,
			ratio: r.ratio,
			ok: r.ok,
			check: r.check,
			lastStartIdealMs: limits.lastStartIdealMs,
			lastStartPollMs: limits.lastStartPollMs,
			held: r.held,
			load: r.load,
		});
	}
	return rows;
}

module.exports = { heldSizes, runHeld };
