'use strict';
// 4. Jobs that end FAILED (prompt violation, insufficient quota): the item errors with TTAPI's
//    words and the job id; with Continue On Fail the rest of the batch completes; without it the
//    node fails with an error that lists every other item's job, so nothing paid for is lost.

const { describe, isGoodResult, isGoodError, triggerItem, short } = require('./check');

function batch(tag) {
	return [
		`${tag} fine one`,
		`${tag} [sim:fail=prompt violation] not allowed`,
		`${tag} [sim:fail=insufficient quota] no money`,
		`${tag} fine two`,
	];
}

function continueRow(mode, route, order) {
	return {
		group: 4,
		order,
		fault: 'jobs end FAILED: "prompt violation" and "insufficient quota" (batch of 4, Continue On Fail)',
		mode,
		expected: 'the 2 failed items are errors with TTAPI\'s words + job id; the other 2 SUCCESS with video; 4 downstream items',
		estSeconds: 12,
		async run(ctx) {
			const tag = ctx.tag(`jobs-${route}`);
			const prompts = batch(tag);
			const r = await ctx.generate(route, prompts);
			const jobs = prompts.map((p) => ctx.jobsFor(p)[0]);
			const ok =
				isGoodResult(ctx, r.items[0], jobs[0]) &&
				isGoodError(r.items[1], /prompt violation/, jobs[1]?.jobId) &&
				isGoodError(r.items[2], /insufficient quota/, jobs[2]?.jobId) &&
				isGoodResult(ctx, r.items[3], jobs[3]);
			const once = prompts.every((p) => ctx.submissionsFor(p) === 1);
			const pass = r.status === 'success' && r.items.length === 4 && ok && once && r.reports.length === 4;
			return {
				pass,
				observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${r.items.map((item) => describe(item, ctx)).join(' · ')}; 1 job each: ${once}; downstream items ${r.reports.length}`,
			};
		},
	};
}

function strictRow(mode, route, order) {
	return {
		group: 4,
		order,
		fault: 'a job ends FAILED "insufficient quota" (batch of 3, no Continue On Fail)',
		mode,
		expected: 'the node fails with "TTAPI job <id> failed: insufficient quota" and its description lists the other items\' job ids',
		estSeconds: 12,
		async run(ctx) {
			const tag = ctx.tag(`jobs-strict-${route}`);
			const prompts = [`${tag} fine one`, `${tag} [sim:fail=insufficient quota] no money`, `${tag} fine two`];
			const r = await ctx.generate(route, prompts);
			const jobs = prompts.map((p) => ctx.jobsFor(p)[0]);
			const message = r.error?.message ?? '';
			const description = r.error?.description ?? '';
			const others = [jobs[0], jobs[2]].every((job) => job && description.includes(job.jobId));
			const once = prompts.every((p) => ctx.submissionsFor(p) <= 1);
			const pass = r.status === 'error' && jobs[1] && message === `TTAPI job ${jobs[1].jobId} failed: insufficient quota` && others && once;
			return {
				pass,
				observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: "${message}"; other items' job ids in the description: ${others}; jobs per item ${prompts.map((p) => ctx.submissionsFor(p)).join('/')}`,
			};
		},
	};
}

function triggerRow(order) {
	return {
		group: 4,
		order,
		fault: 'jobs end FAILED: "prompt violation" and "insufficient quota" (batch of 4)',
		mode: 'trigger',
		expected: '4 SUBMITTED; one trigger execution per job: 2 succeeded with video, 2 event "failed" with TTAPI\'s message',
		estSeconds: 15,
		async run(ctx) {
			const tag = ctx.tag('jobs-trigger');
			const prompts = batch(tag);
			const r = await ctx.generate('none', prompts);
			const jobs = prompts.map((p) => ctx.jobsFor(p)[0]);
			const seen = [];
			for (const job of jobs) {
				const reports = job ? await ctx.waitTrigger(job.jobId, { quietMs: 0 }) : [];
				const item = reports[0] ? await triggerItem(ctx, reports[0].exec) : undefined;
				seen.push({ reports, json: item?.json || {}, size: ctx.binarySize(item) });
			}
			await ctx.sleep(2000);
			const counts = jobs.map((job) => (job ? ctx.triggerReports(job.jobId).length : 0));
			const good = (i) => seen[i].json.status === 'SUCCESS' && seen[i].json.event === 'succeeded' && seen[i].size === ctx.videoBytes;
			const failed = (i, words) => seen[i].json.status === 'FAILED' && seen[i].json.event === 'failed' && seen[i].json.message === words && seen[i].json.verified === true;
			const submitted = r.items.every((item, i) => item.json.status === 'SUBMITTED' && item.json.jobId === jobs[i]?.jobId);
			const pass = r.status === 'success' && r.items.length === 4 && submitted && counts.every((c) => c === 1) && good(0) && failed(1, 'prompt violation') && failed(2, 'insufficient quota') && good(3);
			return {
				pass,
				observed: `submit ${r.status}: ${r.items.map((item) => `${item.json.status} ${short(item.json.jobId)}`).join(', ')}; trigger executions per job ${JSON.stringify(counts)}: ${seen.map((s) => `${s.json.event}${s.json.message ? ` "${s.json.message}"` : ''}${s.size ? ` ${s.size} B` : ''}`).join(' · ')}`,
			};
		},
	};
}

function rows() {
	return [continueRow('poll', 'poll', 0), strictRow('poll', 'pollStrict', 1), continueRow('callback', 'cb', 2), strictRow('callback', 'cbStrict', 3), triggerRow(4)];
}

module.exports = { rows };
