'use strict';
// 3. TTAPI's queue full for a long stretch with 20 items queued: all 20 complete, none errors.
//    A separate simulator with a real queue limit of 5 (TTAPI's usual max_queue): five jobs from
//    "another workflow" hold the whole queue for 20 s, then the node's 20 items go through it.
//    The limit is per API key, and each mode's row has its own key: the rows run side by side.

const { submitVideo } = require('../../../test/simulator/client');
const { describe, isGoodResult, triggerItem } = require('./check');

const ITEMS = 20;
const BLOCK_MS = 20_000;

/** Each route's credential key (scripts/n8n/faults/workflows.js). */
const KEY_OF = { pollQ: 'queuePoll', cbQ: 'queueCallback', noneQ: 'queue' };

async function block(ctx, tag, key) {
	const ids = [];
	for (let i = 0; i < 5; i++) {
		ids.push(await submitVideo(ctx.qsim.url, { apiKey: key, prompt: `${tag} blocker ${i} [sim:render=${BLOCK_MS}]` }));
	}
	return ids;
}

function row(mode, route, order) {
	return {
		group: 3,
		order,
		fault: `queue full for ${BLOCK_MS / 1000} s (5 jobs of another workflow fill max_queue 5), ${ITEMS} items`,
		mode,
		expected:
			mode === 'trigger'
				? `all ${ITEMS} submitted once, no item error; ${ITEMS} verified trigger executions with the video`
				: `all ${ITEMS} SUCCESS with the whole video, no item error; 1 job per item`,
		estSeconds: 60,
		limitSeconds: 300,
		async run(ctx) {
			const tag = ctx.tag(`queue-${route}`);
			const prompts = Array.from({ length: ITEMS }, (_, i) => `${tag} item ${i}`);
			const blockers = await block(ctx, tag, ctx.keys[KEY_OF[route]]);
			const r = await ctx.generate(route, prompts, { timeoutMs: 240_000 });
			// this row's refused submissions (its items' prompts carry its tag; the blockers were accepted)
			const refusals = ctx.qsim.counters().rejectedGenerationBodies.filter((b) => typeof b.body?.prompt === 'string' && b.body.prompt.includes(tag)).length;
			const jobs = prompts.map((p) => ctx.jobsFor(p, ctx.qsim));
			const once = jobs.every((list) => list.length === 1);
			const errors = r.items.filter((item) => item.json && item.json.error);
			for (const id of blockers) await ctx.waitJob(id, (job) => job.status === 'SUCCESS', { which: ctx.qsim, timeoutMs: 30_000 });
			const head = `execution ${r.status} in ${r.seconds.toFixed(0)} s; ${refusals} queue-full refusals; jobs per item ${once ? 'all 1' : JSON.stringify(jobs.map((l) => l.length))}; item errors ${errors.length}${errors[0] ? ` (first: ${describe(errors[0])})` : ''}`;
			if (mode !== 'trigger') {
				const good = r.items.filter((item, i) => isGoodResult(ctx, item, jobs[i][0])).length;
				const pass = r.status === 'success' && r.items.length === ITEMS && good === ITEMS && once && errors.length === 0 && refusals > 0;
				return { pass, observed: `${head}; ${good}/${ITEMS} SUCCESS with the whole video` };
			}
			const submitted = r.items.filter((item, i) => item.json.status === 'SUBMITTED' && item.json.jobId === jobs[i][0]?.jobId).length;
			const reports = [];
			for (const list of jobs) reports.push(list[0] ? await ctx.waitTrigger(list[0].jobId, { timeoutMs: 60_000, quietMs: 0 }) : []);
			await ctx.sleep(2000);
			const counts = jobs.map((list) => (list[0] ? ctx.triggerReports(list[0].jobId).length : 0));
			let verified = 0;
			for (const list of reports) {
				const t = list[0] ? (await triggerItem(ctx, list[0].exec))?.json || {} : {};
				if (t.status === 'SUCCESS' && t.verified === true) verified += 1;
			}
			const pass = r.status === 'success' && submitted === ITEMS && once && errors.length === 0 && refusals > 0 && counts.every((c) => c === 1) && verified === ITEMS;
			return { pass, observed: `${head}; ${submitted}/${ITEMS} SUBMITTED; trigger executions per job ${counts.every((c) => c === 1) ? 'all 1' : JSON.stringify(counts)}, ${verified} verified SUCCESS` };
		},
	};
}

function rows() {
	return [row('poll', 'pollQ', 0), row('callback', 'cbQ', 1), row('trigger', 'noneQ', 2)];
}

module.exports = { rows };
