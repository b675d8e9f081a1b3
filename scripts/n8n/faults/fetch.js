'use strict';
// 1. /sora/fetch answers 500/502/503, 429, times out, resets the connection or returns malformed
//    JSON for a while, then recovers: the job still completes.
//    Poll: the status requests fail. Wait for Callback: the confirming lookups fail (the first one
//    is the check right after pausing). Trigger: the trigger's verifying lookup fails.

const { describe, isGoodResult, triggerItem, faultHits, rowsPerMode, short } = require('./check');

const FAULTS = [
	{ name: 'HTTP 500 ×3', spec: { kind: 'status', status: 500, times: 3 } },
	{ name: 'HTTP 502 ×3', spec: { kind: 'status', status: 502, times: 3 } },
	{ name: 'HTTP 503 ×3', spec: { kind: 'status', status: 503, times: 3 } },
	{ name: 'HTTP 429 ×3', spec: { kind: 'status', status: 429, times: 3 } },
	{ name: 'no answer for 35 s (timeout) ×1', spec: { kind: 'slow', delayMs: 35_000, times: 1 }, slow: true },
	{ name: 'connection reset ×3', spec: { kind: 'reset', times: 3 } },
	{ name: 'malformed JSON ×3', spec: { kind: 'malformed', times: 3 } },
];

/** Poll or Wait for Callback: one item, the fault on its status lookups. */
function generateRow(fault, mode, route, order) {
	return {
		group: 1,
		order,
		fault: `/sora/fetch: ${fault.name}, then recovers`,
		mode,
		expected: 'the job completes: SUCCESS with the whole video, 1 submission, 1 downstream item',
		estSeconds: fault.slow ? 45 : 12,
		limitSeconds: 150,
		async run(ctx) {
			const tag = ctx.tag(`fetch-${route}`);
			const prompt = `${tag} fetch fault ${fault.name}`;
			const faultId = ctx.sim.injectFault({ endpoint: 'fetch', match: { prompt: tag }, ...fault.spec });
			const r = await ctx.generate(route, [prompt], { timeoutMs: 120_000 });
			const job = ctx.jobsFor(prompt)[0];
			const item = r.items[0];
			const hits = faultHits(ctx.sim, faultId);
			const subs = ctx.submissionsFor(prompt);
			const pass = !r.timedOut && r.status === 'success' && r.items.length === 1 && isGoodResult(ctx, item, job) && hits === fault.spec.times && subs === 1 && r.reports.length === 1;
			return {
				pass,
				observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(item, ctx)}; fault fired ${hits}×; submissions ${subs}; downstream items ${r.reports.length}${mode === 'callback' ? `; callbacks answered ${JSON.stringify(job?.callbacks.map((c) => c.status))}` : ''}${r.error ? `; error: ${r.error.message}` : ''}`,
			};
		},
	};
}

/** Trigger: Sora Generate (Don't Wait) submits with the trigger's URL; the trigger's lookup fails. */
function triggerRow(fault, order) {
	return {
		group: 1,
		order,
		fault: `/sora/fetch: ${fault.name}, then recovers`,
		mode: 'trigger',
		expected: 'one trigger execution, verified with TTAPI, SUCCESS with the whole video; 1 submission',
		estSeconds: fault.slow ? 45 : 12,
		limitSeconds: 150,
		async run(ctx) {
			const tag = ctx.tag('fetch-trigger');
			const prompt = `${tag} fetch fault ${fault.name}`;
			const faultId = ctx.sim.injectFault({ endpoint: 'fetch', match: { prompt: tag }, ...fault.spec });
			const r = await ctx.generate('none', [prompt]);
			const submitted = r.items[0]?.json || {};
			const job = ctx.jobsFor(prompt)[0];
			if (!job) return { pass: false, observed: `no job was created (submit execution ${r.status}: ${describe(r.items[0])})` };
			const reports = await ctx.waitTrigger(job.jobId, { timeoutMs: 90_000 });
			const item = reports[0] ? await triggerItem(ctx, reports[0].exec) : undefined;
			const j = item?.json || {};
			const hits = faultHits(ctx.sim, faultId);
			const size = ctx.binarySize(item);
			const subs = ctx.submissionsFor(prompt);
			const pass =
				r.status === 'success' && submitted.status === 'SUBMITTED' && submitted.jobId === job.jobId &&
				reports.length === 1 && j.status === 'SUCCESS' && j.verified === true && size === ctx.videoBytes &&
				hits === fault.spec.times && subs === 1;
			return {
				pass,
				observed: `submit ${submitted.status} job ${short(submitted.jobId)}; trigger executions ${reports.length}: status ${j.status}, verified ${j.verified}${j.verifyError ? ` (${j.verifyError})` : ''}, video ${size ?? 'none'} B; fault fired ${hits}×; submissions ${subs}`,
			};
		},
	};
}

const rows = () => rowsPerMode(FAULTS, generateRow, triggerRow);

module.exports = { rows };
