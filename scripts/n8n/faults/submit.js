'use strict';
// 2. The same faults on POST /sora/generations. A refusal that provably created no job (HTTP 429,
//    queue full) is retried and the job completes. A failure after the request may have reached
//    TTAPI (5xx, reset, malformed answer, no answer in time) is reported with what is known and
//    never resent: the simulator sees exactly one request for the prompt.

const { describe, isGoodResult, triggerItem, faultHits, short } = require('./check');

const UNCERTAIN = /may have reached TTAPI.*not sent again/;

const FAULTS = [
	{ name: 'HTTP 500 after the job was created', spec: { kind: 'status', status: 500 }, cause: /HTTP 500/, created: true },
	{ name: 'HTTP 502 after the job was created', spec: { kind: 'status', status: 502 }, cause: /HTTP 502/, created: true },
	{ name: 'HTTP 503 after the job was created', spec: { kind: 'status', status: 503 }, cause: /HTTP 503/, created: true },
	{ name: 'HTTP 503 before any job was created', spec: { kind: 'status', status: 503, beforeCreate: true }, cause: /HTTP 503/, created: false },
	{ name: 'connection reset after the job was created', spec: { kind: 'reset' }, cause: /connection to TTAPI .* failed \(ECONNRESET\)/, created: true },
	{ name: 'malformed JSON after the job was created', spec: { kind: 'malformed' }, cause: /not JSON/, created: true },
	{ name: 'no answer for 65 s (timeout) after the job was created', spec: { kind: 'slow', delayMs: 65_000 }, cause: /did not answer in time/, created: true, slow: true },
	{ name: 'HTTP 504 (gateway timeout) after the job was created', spec: { kind: 'status', status: 504 }, cause: /HTTP 504 \(gateway timeout\)/, created: true },
	{ name: 'HTTP 429 ×3 (too many requests: backoff, no job)', spec: { kind: 'status', status: 429, beforeCreate: true, times: 3 }, retried: true },
	{ name: 'HTTP 499 ×3 (queue exhausted, no job)', spec: { kind: 'status', status: 499, beforeCreate: true, times: 3 }, retried: true },
	{ name: 'queue full ×3 (refused, no job)', spec: { kind: 'queueFull', times: 3 }, retried: true },
];

const BROKE = /^TTAPI refused the job: insufficient balance \(simulated HTTP 402: insufficient balance\); the job was not created and nothing was charged$/;
const NOT_SUBMITTED = /^Not submitted: insufficient balance \(TTAPI refused item 0 for it\); nothing was charged for this item$/;

/**
 * HTTP 402 on the first of three items (one job in flight at a time): that item fails saying so,
 * it is not sent again, and the two after it are never sent; each says why, with nothing charged.
 */
function balanceRow(mode, route, order) {
	return {
		group: 2,
		order,
		fault: 'POST /sora/generations: HTTP 402 insufficient balance on the first of 3 items (Max Jobs in Flight 1)',
		mode,
		expected: 'item 0: error "insufficient balance … nothing was charged", no job id; items 1-2: "Not submitted: insufficient balance"; exactly 1 request, 0 jobs',
		estSeconds: 8,
		limitSeconds: 120,
		async run(ctx) {
			const tag = ctx.tag(`balance-${route}`);
			const prompts = [0, 1, 2].map((i) => `${tag} balance item ${i}`);
			const faultId = ctx.sim.injectFault({ endpoint: 'generations', kind: 'status', status: 402, beforeCreate: true, times: 3, match: { prompt: tag } });
			const r = await ctx.generate(route, prompts, { timeoutMs: 90_000 });
			const requests = prompts.reduce((sum, p) => sum + ctx.requestsFor(p), 0);
			const jobs = prompts.reduce((sum, p) => sum + ctx.submissionsFor(p), 0);
			const [first, ...rest] = r.items.map((item) => item.json || {});
			const ok =
				r.status === 'success' &&
				r.items.length === 3 &&
				BROKE.test(String(first?.error)) &&
				!first.jobId &&
				first.status === 'NOT_SUBMITTED' &&
				rest.every((j) => NOT_SUBMITTED.test(String(j.error)) && j.status === 'NOT_SUBMITTED' && !j.jobId) &&
				r.items.every((item) => !item.binary) &&
				requests === 1 &&
				jobs === 0;
			return { pass: ok, observed: `execution ${r.status}: ${r.items.map((item) => describe(item, ctx)).join(' · ')}; fault fired ${faultHits(ctx.sim, faultId)}×; requests ${requests}, jobs ${jobs}` };
		},
	};
}

function expectation(fault, mode) {
	if (fault.retried) {
		return mode === 'trigger'
			? 'retried: SUBMITTED, then one verified trigger execution with the video; 4 requests, 1 job'
			: 'retried: SUCCESS with the whole video; 4 requests, 1 job';
	}
	const after = mode === 'trigger' && fault.created ? '; the job that was created still reaches the trigger once' : '';
	return `item error "may have reached TTAPI … not sent again" naming the cause; exactly 1 request${after}`;
}

function row(fault, mode, route, order) {
	return {
		group: 2,
		order,
		fault: `POST /sora/generations: ${fault.name}`,
		mode,
		expected: expectation(fault, mode),
		estSeconds: fault.slow ? 70 : 12,
		limitSeconds: 170,
		async run(ctx) {
			const tag = ctx.tag(`submit-${route}`);
			const prompt = `${tag} submit fault ${fault.name}`;
			const faultId = ctx.sim.injectFault({ endpoint: 'generations', match: { prompt: tag }, ...fault.spec });
			const r = await ctx.generate(route, [prompt], { timeoutMs: 150_000 });
			const item = r.items[0];
			const job = ctx.jobsFor(prompt)[0];
			const requests = ctx.requestsFor(prompt);
			const subs = ctx.submissionsFor(prompt);
			const hits = faultHits(ctx.sim, faultId);
			const base = `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(item, ctx)}; fault fired ${hits}×; requests ${requests}, jobs ${subs}`;
			if (fault.retried) {
				const wanted = (fault.spec.times || 1) + 1;
				if (mode !== 'trigger') {
					const pass = r.status === 'success' && isGoodResult(ctx, item, job) && requests === wanted && subs === 1 && r.reports.length === 1;
					return { pass, observed: base };
				}
				const submitted = item?.json || {};
				const reports = job ? await ctx.waitTrigger(job.jobId) : [];
				const t = reports[0] ? (await triggerItem(ctx, reports[0].exec))?.json || {} : {};
				const pass = r.status === 'success' && submitted.status === 'SUBMITTED' && submitted.jobId === job?.jobId && requests === wanted && subs === 1 && reports.length === 1 && t.status === 'SUCCESS' && t.verified === true;
				return { pass, observed: `${base}; trigger executions ${reports.length} (${t.status}, verified ${t.verified})` };
			}
			const errorText = String(item?.json?.error ?? '');
			const named = UNCERTAIN.test(errorText) && fault.cause.test(errorText);
			const ok = r.status === 'success' && r.items.length === 1 && named && !item.binary && requests === 1 && subs === (fault.created ? 1 : 0);
			if (mode !== 'trigger' || !fault.created) return { pass: ok, observed: base };
			// Don't Wait: the job TTAPI did create still calls the trigger when it ends.
			const reports = job ? await ctx.waitTrigger(job.jobId) : [];
			const t = reports[0] ? (await triggerItem(ctx, reports[0].exec))?.json || {} : {};
			const pass = ok && reports.length === 1 && t.status === 'SUCCESS' && t.verified === true;
			return { pass, observed: `${base}; trigger executions for job ${short(job?.jobId)}: ${reports.length} (${t.status}, verified ${t.verified})` };
		},
	};
}

function rows() {
	const out = [balanceRow('poll', 'pollOne', 100), balanceRow('callback', 'cbOne', 101), balanceRow('trigger', 'noneOne', 102)];
	FAULTS.forEach((fault, i) => {
		out.push(row(fault, 'poll', 'poll', i * 3));
		out.push(row(fault, 'callback', 'cb', i * 3 + 1));
		out.push(row(fault, 'trigger', 'none', i * 3 + 2));
	});
	return out;
}

module.exports = { rows };
