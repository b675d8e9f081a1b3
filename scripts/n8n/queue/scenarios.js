'use strict';
// The rows of the queue-mode suite (issue 10). Each row: id, title, expected (what the issue
// demands, in words), phase ('together': runs beside the other such rows; 'alone': it kills a
// process, so nothing else runs meanwhile), its simulator's options, its workflows, and run().
//
// Shared expectations of a Sora Generate batch (judgeBatch in harness.js): every input item comes
// out SUCCESS with its job ID, exactly one submission per item, the execution ends `success` and
// none of the workflow's executions is left waiting or running, final within a few seconds of the
// last job's end, every item reaches the next node once; Wait for Callback rows also check that
// TTAPI's callbacks reached both webhook processors (else the row would prove nothing).

const rt = require('../runtime');
const wf = require('./workflows');
const { nodeItems } = require('./db');
const h = require('./harness');
const { dataTableRow } = require('./dataTableRow');

const RENDERS_7 = [2650, 3350, 2900, 3150, 2750, 3450, 3050];
const CALLBACK = { waitMode: 'callback', maxWaitMinutes: 10 };
const POLL = { waitMode: 'poll', pollIntervalSeconds: 1, timeoutMinutes: 5 };

/** What a batch's own part of the expectation is: callbacks reach both processors, or (n8n 1.x Wait for Callback) it polls. */
const modeExpected = ({ callbacks, polls }) =>
	callbacks
		? ' · waitMode "callback" · TTAPI callbacks reach both webhook processors'
		: polls
			? ' · it polls (n8n 1.x): waitMode "poll", no hookUrl sent, no call to the resume URL'
			: ' · waitMode "poll"';
const batchExpected = (n, mode) =>
	`${n}/${n} items out SUCCESS with their job ID · 1 submission per item · execution success, none left waiting/running · final ≤ ${h.sec(h.FINAL_WITHIN_MS)} after the last job ended · each item reaches the next node once${modeExpected(mode)}`;

/** Start a batch, wait for its end, judge it. */
async function runBatch(ctx, s, { renders, callbacks, polls, during, extraFacts }) {
	const prompts = h.promptsFor(s.key, renders);
	const flow = s.flows.batch;
	const t0 = await ctx.startBatch(flow, prompts);
	const execId = await ctx.findExecution(flow.id);
	const notes = [];
	const extra = [];
	let after;
	if (during) after = await during({ ctx, execId, t0, prompts, notes, extra });
	const waited = await ctx.waitFinal(execId, s.sim, t0);
	if (after) await after();
	const facts = await h.batchFacts(ctx, s, { flow, execId, prompts, t0, waited });
	if (extraFacts) extraFacts(facts, notes, extra);
	const judged = h.judgeBatch(facts, { callbacks, polls, extra });
	return { ...judged, observed: [...notes, judged.observed].join(' · '), details: [`execution ${execId}`, ...judged.details] };
}

/**
 * callbacks: a Wait for Callback batch that waits for TTAPI's callbacks (n8n 2.x); polls: a Wait
 * for Callback batch on n8n 1.x, where the node polls instead (1.x could resume a paused execution
 * twice when two callbacks meet on two processes).
 */
function batchRow({ id, title, renders, params, callbacks = false, polls = false, sim, phase = 'together', during, extraFacts, expected, limitSeconds = 200 }) {
	return {
		id,
		title,
		phase,
		sim,
		limitSeconds,
		expected: expected || batchExpected(renders.length, { callbacks, polls }),
		flows: (b) => ({ batch: b.batch('batch', params) }),
		run: (ctx, s) => runBatch(ctx, s, { renders, callbacks, polls, during, extraFacts }),
	};
}

/** Order in which the simulator's callbacks were delivered, as item numbers (1st copy, 2nd copy…). */
function arrivalOrder(facts) {
	const indexOf = new Map(facts.perItem.flatMap((p) => p.jobs.map((job) => [job.jobId, p.index])));
	const endOrder = [...facts.jobs].sort((a, b) => Date.parse(a.endedAt) - Date.parse(b.endedAt)).map((job) => `#${indexOf.get(job.jobId)}`);
	const arrivals = [...facts.counters.callbacks].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).map((cb) => `#${indexOf.get(cb.jobId)}`);
	return { endOrder, arrivals };
}

// ------------------------------------------------------------------ Don't Wait + Sora Trigger
/**
 * The trigger rows' renders: with 3 in flight the jobs end about a second apart, so the callbacks
 * of different jobs do not overlap and each job's copies meet only each other (overlapping ones
 * can drop each other's key in the static data: see overlappedByOtherJob).
 */
const TRIGGER_RENDERS = [2600, 3600, 4600, 5600, 6600, 7600, 8600];

/** Options → Callback Data of the submitter: the item's index (a number) and its prompt. */
const TRIGGER_CALLBACK_DATA = {
	fields: [
		{ name: 'item', value: '={{ $itemIndex }}' },
		{ name: 'prompt', value: '={{ $json.prompt }}' },
	],
};

function triggerRow({ variant, build, concurrent }) {
	const id = `trigger-${variant}-${concurrent ? 'concurrent' : 'sequential'}`;
	const n = TRIGGER_RENDERS.length;
	return {
		id,
		title: `Don't Wait + Sora Trigger (${variant}), 7 items, every callback sent twice ${concurrent ? 'at the same time' : 'one after another'}, 2 webhook processors`,
		phase: 'together',
		limitSeconds: 200,
		sim: { callbackCopies: 2, callbackCopiesConcurrent: concurrent },
		expected: `submitter: ${n} job IDs out, 1 submission per item · each job's final status (jobId + SUCCESS) reaches the workflow's end exactly once, with its item's Callback Data (index, prompt) · no trigger execution left running · last result ≤ ${h.sec(h.FINAL_WITHIN_MS)} after the last job ended · trigger executions ${concurrent ? `≤ ${2 * n} (each copy at the same moment may start one; one per job goes past the trigger)` : `≤ ${n} + the jobs whose first callback overlapped another job's (the static data's last save wins)`}`,
		flows: (b) => {
			const path = `ttapi-sora-${variant}-${concurrent ? 'conc' : 'seq'}`;
			const triggerKey = `${b.key}-trigger`;
			const wfId = rt.randomId();
			const workflow = build({
				key: triggerKey,
				path,
				credential: b.credential,
				sinkUrl: b.sinkUrl,
				reportNode: wf.reportNode,
				uuidFrom: (name) => wf.uuidFrom(`${variant}-${concurrent}-${name}`),
				nodeType: (name) => `${rt.PACKAGE_NAME}.${name}`,
			});
			return {
				batch: b.batch('batch', { waitMode: 'none', timeoutMinutes: 5, options: { callbackUrl: path, callbackData: TRIGGER_CALLBACK_DATA } }),
				trigger: { key: triggerKey, id: wfId, path, wf: { settings: { executionOrder: 'v1' }, ...workflow, id: wfId } },
			};
		},
		run: (ctx, s) => runTrigger(ctx, s, { copies: 2, concurrent }),
	};
}

/**
 * Whether another job's callback overlapped this job's first one. Only then can this job's key
 * in the static data be lost: each webhook call loads the static data when it starts and saves
 * its copy before n8n answers, so a call of another job that loaded before this one's save and
 * saved after it drops the key (the last save wins), and the job's next copy starts an execution
 * that the claim stops.
 */
function overlappedByOtherJob(job, jobs) {
	const first = job.callbacks[0];
	if (!first || !first.sentAt) return true;
	const [from, to] = [Date.parse(first.sentAt), Date.parse(first.at)];
	return jobs.some((other) => other.jobId !== job.jobId && other.callbacks.some((cb) => Date.parse(cb.sentAt) < to && Date.parse(cb.at) > from));
}

async function runTrigger(ctx, s, { copies, concurrent }) {
	const prompts = h.promptsFor(s.key, TRIGGER_RENDERS);
	const n = prompts.length;
	const submitter = s.flows.batch;
	const trigger = s.flows.trigger;
	const t0 = await ctx.startBatch(submitter, prompts);
	const execId = await ctx.findExecution(submitter.id);
	const waited = await ctx.waitFinal(execId, s.sim, t0);
	const submitted = await h.batchFacts(ctx, s, { flow: submitter, execId, prompts, t0, waited });

	// every job ended and every callback copy delivered, then quiet: no new trigger execution, none unfinished
	const deadline = Date.now() + 60_000;
	let quietSince = Date.now();
	let lastCount = -1;
	for (;;) {
		const jobs = s.sim.listJobs();
		const delivered = s.sim.counters().callbacks.length;
		const rows = await ctx.db.executions(trigger.id);
		const unfinished = rows.filter((r) => !h.FINAL.has(r.status)).length;
		if (rows.length !== lastCount || unfinished) {
			lastCount = rows.length;
			quietSince = Date.now();
		}
		const allIn = jobs.length >= submitted.counters.submissions && jobs.every((job) => job.endedAt) && delivered >= jobs.length * copies;
		if ((allIn && Date.now() - quietSince > 3000) || Date.now() > deadline) break;
		await h.sleep(500);
	}

	const rows = await ctx.db.executions(trigger.id);
	const perKey = {};
	const callbackDataOf = {};
	let emptyRuns = 0; // executions whose Sora Trigger output no item (e.g. a duplicate dropped inside the execution)
	for (const row of rows) {
		const execution = await ctx.db.readExecution(row.id);
		const items = nodeItems(execution, 'Sora Trigger');
		if (!items.length) emptyRuns += 1;
		for (const item of items) {
			const key = `${item.json.jobId}:${item.json.status}`;
			perKey[key] = (perKey[key] || 0) + 1;
			callbackDataOf[item.json.jobId] = item.json.callbackData;
		}
	}
	const reports = ctx.sink.of(trigger.key);
	const reportsPer = {};
	for (const r of reports) {
		const key = `${r.json && r.json.jobId}:${r.json && r.json.status}`;
		(reportsPer[key] = reportsPer[key] || []).push(r);
	}
	const jobs = s.sim.listJobs();
	const ended = jobs.map((job) => Date.parse(job.endedAt)).filter(Number.isFinite);
	const lastJobEnd = ended.length ? Math.max(...ended) : undefined;
	const firstReportOf = jobs.map((job) => (reportsPer[`${job.jobId}:SUCCESS`] || [])[0]?.at).filter(Boolean);
	const lastResultAfter = lastJobEnd && firstReportOf.length ? Math.max(...firstReportOf) - lastJobEnd : undefined;
	const unfinished = rows.filter((r) => !h.FINAL.has(r.status));
	const callbacks = ctx.proxy.requests.filter((r) => r.route === `webhook:${trigger.path}` && r.userAgent === 'ttapi-simulator');

	const failures = [];
	const idsOut = submitted.perItem.filter((p) => p.out && p.jobs[0] && p.out.jobId === p.jobs[0].jobId).length;
	const oneEach = submitted.perItem.every((p) => p.submissions === 1) && submitted.counters.submissions === n;
	if (submitted.status !== 'success') failures.push(`submitter ${submitted.status}`);
	if (idsOut !== n) failures.push(`${idsOut}/${n} job IDs out of the submitter`);
	if (!oneEach) failures.push('not exactly one submission per item');
	const wrongReports = jobs.filter((job) => (reportsPer[`${job.jobId}:SUCCESS`] || []).length !== 1);
	const strays = Object.keys(reportsPer).filter((key) => !jobs.some((job) => key === `${job.jobId}:SUCCESS`));
	if (wrongReports.length) failures.push(`${wrongReports.length} job(s) did not reach the end exactly once`);
	if (strays.length) failures.push(`results for unexpected job/status: ${strays.join(', ')}`);
	if (unfinished.length) failures.push(`${unfinished.length} trigger execution(s) left ${h.histogram(unfinished.map((r) => r.status))}`);
	if (lastResultAfter === undefined || lastResultAfter > h.FINAL_WITHIN_MS) failures.push(`last result not within ${h.sec(h.FINAL_WITHIN_MS)} of the last job's end`);
	// Callback Data: what the submitter signed into each job's URL comes out of the trigger, typed.
	const dataOk = (job) => {
		const data = callbackDataOf[job.jobId];
		const index = prompts.indexOf(job.body.prompt);
		return !!data && data.item === index && data.prompt === job.body.prompt && Object.keys(data).length === 2;
	};
	const wrongData = jobs.filter((job) => !dataOk(job));
	if (wrongData.length) failures.push(`${wrongData.length} job(s) without their item's Callback Data (e.g. ${JSON.stringify(callbackDataOf[wrongData[0].jobId] ?? null)})`);
	// Executions: one per job when its copies come one after another (each copy finds the key the
	// first one saved before it was answered), except for jobs whose first callback overlapped
	// another job's; two copies at the same moment both miss each other: at most one per copy.
	const exposed = jobs.filter((job) => overlappedByOtherJob(job, jobs));
	const allowed = concurrent ? jobs.length * copies : jobs.length + exposed.length;
	if (rows.length > allowed) failures.push(`${rows.length} trigger executions for ${jobs.length} jobs; at most ${allowed} allowed (${concurrent ? `${copies} copies at once each` : `${exposed.length} job(s) whose first callback overlapped another job's`})`);
	const usedProcessors = new Set(callbacks.map((r) => r.upstream).filter(Boolean));
	if (usedProcessors.size < 2) failures.push(`callbacks reached ${usedProcessors.size} webhook processor(s), not both`);

	const execCount = (job) => perKey[`${job.jobId}:SUCCESS`] || 0;
	const reportCount = (job) => (reportsPer[`${job.jobId}:SUCCESS`] || []).length;
	const observed = [
		`submitter ${submitted.status}, ${idsOut}/${n} job IDs out, ${submitted.counters.submissions} submissions${oneEach ? ' (1 per item)' : ''}`,
		`callbacks ${callbacks.length} → ${h.histogram(callbacks.map((r) => r.upstream || 'none'))}, answers ${h.histogram(callbacks.map((r) => r.status ?? r.error ?? '?'))}`,
		`trigger executions ${rows.length} for ${jobs.length} jobs, at most ${allowed} allowed (with the job's SUCCESS per job: ${h.timesText(jobs.map(execCount))}${emptyRuns ? `; ${emptyRuns} whose trigger output nothing` : ''}${concurrent ? '' : `; first callbacks overlapped by another job's: ${exposed.length}`})`,
		`reached the end: ${reports.length} (per job + SUCCESS: ${h.timesText(jobs.map(reportCount))})`,
		`Callback Data as given: ${jobs.length - wrongData.length}/${jobs.length}`,
		`last result ${h.signedSec(lastResultAfter)} after the last job ended`,
	];
	if (unfinished.length) observed.push(`left: ${unfinished.map((r) => `execution ${r.id} ${r.status}`).join(', ')}`);
	const byIndex = [...jobs].sort((a, b) => prompts.indexOf(a.body.prompt) - prompts.indexOf(b.body.prompt));
	const details = byIndex.map((job) => {
		const index = prompts.indexOf(job.body.prompt);
		return `#${index} job ${h.short(job.jobId)} ${job.status} ended ${h.signedSec(Date.parse(job.endedAt) - t0)}; callbacks ${job.callbacks.map((c) => c.status ?? c.error).join(',')}; trigger executions ${execCount(job)}; reached the end ${reportCount(job)}×${reportCount(job) === 1 ? '' : '  ← FAIL'}`;
	});
	const otherKeys = Object.entries(perKey).filter(([key]) => !jobs.some((job) => key === `${job.jobId}:SUCCESS`));
	if (otherKeys.length) details.push(`trigger output for other job/status: ${otherKeys.map(([k, c]) => `${k}×${c}`).join(', ')}`);
	return { pass: failures.length === 0, observed: observed.join(' · '), failures, details: [`submitter execution ${execId}; trigger executions ${rows.map((r) => `${r.id} ${r.status}`).join(', ')}`, ...details] };
}

// ------------------------------------------------------------------ processes killed mid-batch
/** Wait for Callback, 3 items: SIGKILL the webhook processor that took TTAPI's first callback, restart it at once. */
function killWebhookRow() {
	return batchRow({
		id: 'callback-kill-webhook',
		title: 'Wait for Callback, 3 items, the webhook processor that took the first callback SIGKILLed, then restarted',
		phase: 'alone',
		renders: [2600, 3500, 4400],
		params: CALLBACK,
		callbacks: true,
		during: async ({ ctx, execId, t0, notes, extra }) => {
			const deadline = Date.now() + 40_000;
			let first;
			while (!first && Date.now() < deadline) {
				first = ctx.resumeCalls(execId).find((r) => r.upstream && (r.status !== undefined || r.error));
				if (!first) await h.sleep(50);
			}
			if (!first) {
				extra.push('no TTAPI callback reached a webhook processor within 40 s: nothing was killed');
				return undefined;
			}
			const victim = first.upstream;
			await ctx.cluster.kill(victim);
			const killedAt = Date.now();
			const restarting = ctx.cluster.restart(victim);
			return async () => {
				const ms = await restarting;
				notes.push(`SIGKILL ${victim} at ${h.signedSec(killedAt - t0)}, right after it answered TTAPI's first callback (${first.status ?? first.error}); back in ${h.sec(ms)}`);
			};
		},
	});
}

/** Wait for Callback, 7 items: SIGKILL the worker that ran the execution while it waits; it stays down until the batch ends. */
function killWorkerWhileWaitingRow() {
	return batchRow({
		id: 'callback-kill-worker',
		title: 'Wait for Callback, 7 items, the worker that ran the execution SIGKILLed while the execution waits (restarted after the batch)',
		phase: 'alone',
		renders: RENDERS_7,
		params: CALLBACK,
		callbacks: true,
		during: async ({ ctx, execId, t0, notes, extra }) => {
			const row = await ctx.waitStatus(execId, (status) => status === 'waiting' || h.FINAL.has(status), { timeoutMs: 40_000 });
			if (!row || row.status !== 'waiting') {
				extra.push(`the execution never waited (status ${row ? row.status : 'still running after 40 s'}): nothing was killed`);
				return undefined;
			}
			const [victim = 'worker1'] = ctx.cluster.executionWorkers(execId);
			await ctx.cluster.kill(victim);
			const killedAt = Date.now();
			return async () => {
				const resumedOn = ctx.cluster.executionWorkers(execId).filter((w) => w !== victim);
				const ms = await ctx.cluster.restart(victim);
				notes.push(`SIGKILL ${victim} (it ran the execution) at ${h.signedSec(killedAt - t0)} while the execution waited; later parts ran on ${resumedOn.join(' + ') || 'no other worker'}; ${victim} restarted after the batch in ${h.sec(ms)}`);
			};
		},
	});
}

/** A log line naming the execution, the item index and the job ID (in the message: n8n's text log format prints no metadata). */
function findJobLogLine(logText, { jobId, execId, index }) {
	const lines = logText.split('\n').filter((line) => line.includes(jobId));
	const exec = new RegExp(`(^|\\D)${execId}(\\D|$)`);
	const item = new RegExp(`item(?:\\s*index|Index)?["']?\\s*[#:=]?\\s*${index}(\\D|$)`, 'i');
	const hit = lines.find((line) => exec.test(line) && item.test(line));
	return { hit, lines };
}

function pollKillWorkerRow() {
	const renders = [3300, 3600, 3900, 3400, 3700, 3500, 3800];
	const observeMs = 40_000;
	return {
		id: 'poll-kill-worker',
		title: 'Poll batch, 7 items, Max Jobs in Flight 3, the worker running it SIGKILLed after 3 submissions (then restarted)',
		phase: 'alone',
		limitSeconds: 200,
		expected: `nothing resubmitted (3 submissions, ≤ 1 per item, for ${h.sec(observeMs)} after the kill) · each submitted job ID in an info log line with the execution ID and the item index (0-based, in the message: n8n's default log format prints no metadata) · the execution may end crashed (n8n's behaviour)`,
		flows: (b) => ({ batch: b.batch('batch', POLL) }),
		run: async (ctx, s) => {
			const prompts = h.promptsFor(s.key, renders);
			const flow = s.flows.batch;
			const t0 = await ctx.startBatch(flow, prompts);
			const execId = await ctx.findExecution(flow.id);
			const failures = [];
			const deadline = Date.now() + 30_000;
			while (s.sim.counters().submissions < 3 && Date.now() < deadline) await h.sleep(50);
			const atKill = s.sim.counters().submissions;
			let victim;
			for (let i = 0; i < 40 && !victim; i++) {
				[victim] = ctx.cluster.executionWorkers(execId);
				if (!victim) await h.sleep(100);
			}
			if (atKill < 3 || !victim) {
				return { pass: false, observed: `only ${atKill} submissions within 30 s, worker ${victim || 'unknown'}: nothing was killed`, failures: ['setup'], details: [] };
			}
			await ctx.cluster.kill(victim);
			const killedAt = Date.now();
			const restartMs = await ctx.cluster.restart(victim);
			while (Date.now() - killedAt < observeMs) await h.sleep(500);
			const row = await ctx.executionRow(execId);
			const counters = s.sim.counters();
			const jobs = s.sim.listJobs();
			const perPrompt = prompts.map((p) => counters.submissionsByPrompt[p] || 0);
			const resubmitted = counters.submissions !== atKill || perPrompt.some((c) => c > 1);
			if (resubmitted) failures.push(`${counters.submissions - atKill} submission(s) after the kill (${perPrompt.map((c, i) => `#${i}×${c}`).filter((t) => !t.endsWith('×0')).join(' ')})`);
			const logText = ctx.cluster.logText();
			const logChecks = jobs.map((job) => {
				const index = prompts.indexOf(job.body.prompt);
				return { job, index, ...findJobLogLine(logText, { jobId: job.jobId, execId, index }) };
			});
			const missing = logChecks.filter((c) => !c.hit);
			if (missing.length) failures.push(`${missing.length}/${jobs.length} job ID(s) not in a log line with execution ${execId} and the item index`);
			const workers = ctx.cluster.executionWorkers(execId);
			const observed = [
				`SIGKILL ${victim} at ${h.signedSec(killedAt - t0)} with ${atKill} submissions; restarted in ${h.sec(restartMs)}`,
				`${counters.submissions} submissions ${resubmitted ? 'after' : 'still, for'} ${h.sec(observeMs)}${resubmitted ? ' ← resubmitted' : ' (nothing resubmitted)'}`,
				`execution ${row ? row.status : '?'}${workers.length > 1 ? ` (n8n ran it again on ${workers.filter((w) => w !== victim).join(' + ')})` : ''}`,
				`job IDs in n8n's logs with execution ID + item index: ${logChecks.length - missing.length}/${logChecks.length}`,
			];
			const details = [
				`execution ${execId}; ran on ${workers.join(' + ') || '?'}`,
				...logChecks.map((c) => `#${c.index} job ${c.job.jobId}: ${c.hit ? `log: ${c.hit.trim().slice(0, 200)}` : c.lines.length ? `in ${c.lines.length} log line(s) without execution ${execId} + item ${c.index}, e.g. "${c.lines[0].trim().slice(0, 160)}"` : 'in no log line'}`),
			];
			return { pass: failures.length === 0, observed: observed.join(' · '), failures, details };
		},
	};
}

// ------------------------------------------------------------------ the list
/**
 * The rows of a line. On n8n 1.x Wait for Callback polls: callback-3 and callback-7 check that it
 * does (and sends no hookUrl); the rows about callbacks and what kills interrupt run on 2.x only
 * (on 1.x nothing calls back, and a killed worker of a polling batch is poll-kill-worker).
 */
function scenarios({ triggerWorkflows, line = '2' }) {
	const waits = line !== '1';
	// On 1.x the batch polls at its Poll Interval: 1 s, as in poll-7 (the default 15 s would put
	// the last result up to 15 s after the last job's end, at the edge of FINAL_WITHIN_MS).
	const waitMode = waits ? { callbacks: true, params: CALLBACK } : { polls: true, params: { ...CALLBACK, pollIntervalSeconds: 1 } };
	const onlyWaiting = (rows) => (waits ? rows : []);
	return [
		batchRow({ id: 'poll-7', title: 'Poll batch, 7 items, Max Jobs in Flight 3', renders: RENDERS_7, params: POLL }),
		batchRow({ id: 'callback-3', title: `Wait for Callback, 3 items (N ≤ Max Jobs in Flight 3), ${waits ? '2 webhook processors' : 'n8n 1.x: it polls (every second)'}`, renders: [2700, 3300, 3000], ...waitMode }),
		batchRow({ id: 'callback-7', title: `Wait for Callback, 7 items (N > Max Jobs in Flight 3), ${waits ? '2 webhook processors' : 'n8n 1.x: it polls (every second)'}`, renders: RENDERS_7, ...waitMode }),
		...onlyWaiting([batchRow({
			id: 'callback-duplicated-shuffled',
			title: 'Wait for Callback, 3 items, every callback delivered twice, in shuffled order (random 0–1.5 s delay per delivery)',
			renders: [2900, 3000, 3100],
			params: CALLBACK,
			callbacks: true,
			// seed 13: the first copies arrive in the reverse of the jobs' end order (checked offline)
			sim: { callbackCopies: 2, callbackJitterMs: 1500, callbackJitterSeed: 13 },
			extraFacts: (facts, notes) => {
				const { endOrder, arrivals } = arrivalOrder(facts);
				notes.push(`jobs ended ${endOrder.join(' ')}; callbacks arrived ${arrivals.join(' ')}`);
			},
		})]),
		...triggerWorkflows.flatMap(({ name, build }) => [triggerRow({ variant: name, build, concurrent: false }), triggerRow({ variant: name, build, concurrent: true })]),
		dataTableRow(),
		...onlyWaiting([killWebhookRow(), killWorkerWhileWaitingRow()]),
		pollKillWorkerRow(),
	];
}

module.exports = { scenarios, findJobLogLine };
