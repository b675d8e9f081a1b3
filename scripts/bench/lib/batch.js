'use strict';
// Sections 1–3: the same batch of N prompts (the same render times: N, K, T, spread seed) through
// Poll, Wait for Callback, fire-and-forget (Don't Wait + Sora Trigger) and two hand-built loops of
// stock nodes, one after another, in one n8n process or a queue-mode cluster (targets.js).
// Makespan = from the start request until the last result is available (the execution's
// stoppedAt in n8n's database; fire-and-forget: the last trigger execution's stoppedAt). Each
// mode is compared with its own limit (limits.js).

const { performance } = require('node:perf_hooks');

const { nodeItems } = require('../../n8n/executions');
const c = require('./common');
const { limitFor } = require('./limits');
const { FINISHED, waitForFinished } = require('./targets');
const { GENERATE } = require('./workflows');

const MODES = {
	poll: { label: 'Poll Until Done', ours: true },
	callback: { label: 'Wait for Callback', ours: true },
	trigger: { label: "Don't Wait + Sora Trigger", ours: true },
	loopK: { label: 'stock loop, K per round', ours: false },
	loop1: { label: 'stock loop, 1 at a time', ours: false },
};

/** A batch that shows no progress at the simulator for this long while not finished is given up. */
const GIVE_UP_IDLE_MS = 30_000;

/**
 * Workflows for the batch modes (keys match MODES, plus the trigger's submitter). Every mode that
 * polls gets the same interval: Poll, the stock loops' Wait, and Wait for Callback (which polls
 * while items of a batch larger than Max Jobs in Flight wait for a place, in builds that do so).
 */
function batchWorkflows(wf, { simUrl, apiKey, k, pollSeconds, credential }) {
	return {
		poll: wf.soraBatchWorkflow('poll', credential, { waitMode: 'poll', pollIntervalSeconds: pollSeconds, timeoutMinutes: 30, maxJobsInFlight: k }),
		callback: wf.soraBatchWorkflow('callback', credential, { waitMode: 'callback', pollIntervalSeconds: pollSeconds, maxWaitMinutes: 30, maxJobsInFlight: k }),
		submit: wf.soraBatchWorkflow('submit', credential, { waitMode: 'none', maxJobsInFlight: k, options: { callbackUrl: 'bench-trigger' } }),
		trigger: wf.triggerWorkflow('trigger', credential, { path: 'bench-trigger', verify: true }),
		loopK: wf.baselineWorkflow('loopK', { simUrl, apiKey, batchSize: k, waitSeconds: pollSeconds }),
		loop1: wf.baselineWorkflow('loop1', { simUrl, apiKey, batchSize: 1, waitSeconds: pollSeconds }),
	};
}

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted.length ? sorted[Math.floor(sorted.length / 2)] : undefined;
};
const mean = (values) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined);

/** Prompts carrying each item's render time, so every mode and topology renders the same batch. */
const promptsOf = (times, tag) => times.renders.map((r, i) => `[sim:render=${r}] bench ${tag} #${i}`);

/**
 * Where the time went, from the simulator's job records: how long after the start the first job
 * was created, how long a freed queue place stayed empty before the next job took it (the
 * "refill gap": 0 for a perfect scheduler), and how long after the last job ended the result
 * was available (the tail).
 */
function timeline(jobs, t0, end, k) {
	const created = jobs.map((job) => Date.parse(job.createdAt)).sort((a, b) => a - b);
	const ended = jobs.map((job) => Date.parse(job.endedAt)).filter(Number.isFinite).sort((a, b) => a - b);
	const gaps = [];
	for (let i = k; i < created.length; i++) {
		const freed = ended[i - k];
		if (Number.isFinite(freed)) gaps.push(Math.max(0, created[i] - freed));
	}
	return {
		firstSubmitMs: created.length ? created[0] - t0 : undefined,
		refillGapMeanMs: c.round(mean(gaps), 0),
		refillGapMaxMs: gaps.length ? Math.max(...gaps) : undefined,
		lastJobEndedMs: ended.length ? ended[ended.length - 1] - t0 : undefined,
		tailMs: ended.length && Number.isFinite(end) ? end - ended[ended.length - 1] : undefined,
	};
}

/** API calls the simulator counted, per job: 1 submission + its status requests. */
function apiCalls(counters, jobs, n, pollMs) {
	const perJob = jobs.map((job) => 1 + (counters.fetchCallsByJob[job.jobId] ?? 0));
	const resubmitted = Object.entries(counters.submissionsByPrompt).filter(([, count]) => count !== 1);
	// Poll's budget for a job of duration d: the submission + ⌈d/interval⌉ polls + 1 spare
	const overBudget = jobs.filter((job, i) => {
		const d = Date.parse(job.endedAt) - Date.parse(job.createdAt);
		return Number.isFinite(d) && perJob[i] > Math.ceil(d / pollMs) + 2;
	}).length;
	return {
		jobs: counters.submissions,
		submitRequests: counters.submitRequests,
		refusedSubmits: counters.submitRequests - counters.submissions,
		fetchCalls: counters.fetchCalls,
		callbacks: counters.callbacks.length,
		callbackStatuses: counters.callbacks.reduce((acc, cb) => ({ ...acc, [cb.status ?? 'none']: (acc[cb.status ?? 'none'] ?? 0) + 1 }), {}),
		callsPerJobMax: perJob.length ? Math.max(...perJob) : undefined,
		callsPerJobMean: c.round(mean(perJob), 2),
		fetchesPerJobMax: perJob.length ? Math.max(...perJob) - 1 : undefined,
		jobsOverPollBudget: overBudget,
		onePerJob: counters.submissions === n && resubmitted.length === 0 && Object.keys(counters.submissionsByPrompt).length === n,
		resubmitted,
		inFlightPeak: counters.inFlightPeak,
	};
}

/** Checks a Sora Generate batch execution (N items, all SUCCESS) and returns the node's last run. */
async function checkGenerateOutput(target, executionId, n) {
	const execution = await target.readExecution(executionId);
	const items = nodeItems(execution, GENERATE);
	const ok = items.filter((item) => item.json.status === 'SUCCESS').length;
	const modes = [...new Set(items.map((item) => item.json.waitMode))];
	const runs = execution?.data?.resultData?.runData?.[GENERATE] ?? [];
	const run = runs[runs.length - 1];
	return {
		ok: execution?.status === 'success' && items.length === n && ok === n,
		detail: `${execution?.status}, ${ok}/${n} SUCCESS (${modes.join(',')})`,
		lastRun: run ? { startTime: run.startTime, executionTime: run.executionTime } : undefined,
	};
}

/**
 * Progress at the simulator (requests, callbacks, job ends). giveUp() answers why to stop waiting
 * once nothing has changed for idleMs, so a stuck batch fails in seconds, not at a timeout.
 */
function progressWatch(sim, idleMs) {
	const fingerprint = () => {
		const k = sim.counters();
		return `${k.submitRequests}/${k.fetchCalls}/${k.callbacks.length}/${sim.listJobs().filter((job) => job.endedAt).length}`;
	};
	let last = fingerprint();
	let changedAt = Date.now();
	return () => {
		const now = fingerprint();
		if (now !== last) {
			last = now;
			changedAt = Date.now();
			return undefined;
		}
		return Date.now() - changedAt > idleMs ? `nothing happened at the simulator for ${c.seconds(idleMs, 0)}` : undefined;
	};
}

/**
 * Watches a Wait for Callback execution until n8n stores it as waiting, then reads what n8n stored
 * at the pause: the Sora Generate node's run (startTime + executionTime = when execute() handed
 * the execution back) and the execution's startedAt. stop() → what was seen, or undefined.
 */
function watchPause(target, workflowId, afterId, stepMs = 250) {
	let stopped = false;
	let seen;
	const done = (async () => {
		while (!stopped) {
			const [row] = await target.executions(workflowId, afterId).catch(() => []);
			if (row?.status === 'waiting') {
				const execution = await target.readExecution(row.id);
				const runs = execution?.data?.resultData?.runData?.[GENERATE] ?? [];
				const run = runs[runs.length - 1];
				seen = { executionId: row.id, startedAt: row.startedAt, nodeStart: run?.startTime, nodeMs: run?.executionTime, storedItems: nodeItems(execution, GENERATE).length };
				return;
			}
			if (row && FINISHED.has(row.status)) return;
			await c.sleep(stepMs);
		}
	})();
	return async () => {
		stopped = true;
		await done;
		return seen;
	};
}

/** What the pause cost: how long execute() held its worker, and how many jobs were at TTAPI then. */
function heldFacts(pause, { t0, jobs, finalRun, end, n }) {
	if (!pause || !Number.isFinite(pause.nodeStart) || !Number.isFinite(pause.nodeMs)) {
		return { paused: false, note: 'never seen waiting (polled every 250 ms): ran through, or paused for less than that' };
	}
	const pausedAt = pause.nodeStart + pause.nodeMs;
	const created = jobs.map((job) => Date.parse(job.createdAt)).filter(Number.isFinite);
	const before = created.filter((t) => t <= pausedAt);
	const resumedAt = finalRun?.startTime;
	return {
		paused: true,
		executionId: pause.executionId,
		executeHeldMs: pause.nodeMs, // the node's execute() until the pause (n8n's own run data)
		startToPauseMs: Number.isFinite(pause.startedAt) ? pausedAt - pause.startedAt : undefined, // the whole execution until waiting
		pausedAtMs: pausedAt - t0,
		jobsAtPause: before.length,
		of: n,
		lastSubmitToPauseMs: before.length ? pausedAt - Math.max(...before) : undefined,
		resumedAtMs: Number.isFinite(resumedAt) ? resumedAt - t0 : undefined,
		afterResumeMs: Number.isFinite(resumedAt) && Number.isFinite(end) ? end - resumedAt : undefined, // the worker's part after the resume
	};
}

/** Stops what a given-up mode left running or waiting, and waits until TTAPI has nothing in flight. */
async function cleanUp(ctx, target, workflowIds, afterId) {
	for (const id of workflowIds) {
		for (const row of await target.executions(id, afterId).catch(() => [])) {
			if (!FINISHED.has(row.status)) await target.stopExecution(row.id).catch((error) => ctx.log(`    could not stop execution ${row.id}: ${error.message}`));
		}
	}
	const deadline = Date.now() + 60_000;
	while (ctx.sim.counters().inFlight > 0 && Date.now() < deadline) await c.sleep(500);
}

async function runMode(ctx, target, mode, { times, limits, tag = mode, watchHeld = mode === 'callback' }) {
	const { sim, flows, k, log, pollMs } = ctx;
	const n = times.durations.length;
	if (sim.counters().inFlight !== 0) throw new Error(`simulator still has ${sim.counters().inFlight} jobs in flight before ${mode}`);
	sim.reset();
	const afterId = await target.lastExecutionId();
	const startFlow = mode === 'trigger' ? flows.submit : flows[mode];
	const limit = limitFor(mode, limits);
	const timeoutMs = Math.max(120_000, (mode === 'loop1' ? limits.oneAfterAnotherMs : limits.idealMs) * 4 + 60_000);
	const giveUp = progressWatch(sim, ctx.giveUpIdleMs ?? GIVE_UP_IDLE_MS);
	const wait = (workflowId, count) => waitForFinished(target, workflowId, { afterId, count, timeoutMs, giveUp });
	let stopWatch;
	const { result, load } = await c.withLoad(async () => {
		const t0 = await target.startBatch(startFlow.path, promptsOf(times, tag));
		if (watchHeld) stopWatch = watchPause(target, startFlow.wf.id, afterId);
		try {
			if (mode === 'trigger') {
				const [submit] = await wait(flows.submit.wf.id, 1);
				const triggered = await wait(flows.trigger.wf.id, n);
				const good = triggered.filter((row) => row.status === 'success').length;
				return { t0, end: Math.max(...triggered.map((row) => row.stoppedAt)), check: { ok: submit.status === 'success' && good === n && triggered.length === n, detail: `submitter ${submit.status}, ${good}/${n} trigger executions succeeded` } };
			}
			const [row] = await wait(startFlow.wf.id, 1);
			const check = MODES[mode].ours ? await checkGenerateOutput(target, row.id, n) : { ok: row.status === 'success', detail: row.status };
			return { t0, end: row.stoppedAt, startedAt: row.startedAt, check };
		} catch (error) {
			if (!/gave up/.test(error.message)) throw error;
			return { t0, end: undefined, check: { ok: false, detail: error.message } };
		}
	});
	const { t0, end, check } = result;
	const pause = stopWatch ? await stopWatch() : undefined;
	const counters = sim.counters();
	const jobs = sim.listJobs();
	if (!Number.isFinite(end)) await cleanUp(ctx, target, [startFlow.wf.id, flows.trigger.wf.id], afterId);
	const makespanMs = Number.isFinite(end) ? end - t0 : undefined;
	const out = {
		mode,
		label: MODES[mode].label,
		topology: target.kind,
		n,
		makespanMs,
		idealMs: limits.idealMs,
		limit,
		limitMs: limit.ms,
		ratio: makespanMs === undefined ? undefined : c.round(makespanMs / limit.ms, 3),
		idealRatio: makespanMs === undefined ? undefined : c.round(makespanMs / limits.idealMs, 3),
		overheadPerWaveMs: makespanMs === undefined ? undefined : Math.round((makespanMs - limit.ms) / limits.waves),
		ok: check.ok,
		check: check.detail,
		timeline: timeline(jobs, t0, end, k),
		api: apiCalls(counters, jobs, n, pollMs),
		held: watchHeld ? heldFacts(pause, { t0, jobs, finalRun: check.lastRun, end, n }) : undefined,
		load,
		// per job, ms after the start request: created, ended, callback answered (+ HTTP status)
		jobs: jobs
			.map((job) => ({
				created: Date.parse(job.createdAt) - t0,
				ended: Date.parse(job.endedAt) - t0,
				callback: job.callbacks?.[0] ? Date.parse(job.callbacks[0].at) - t0 : undefined,
				callbackStatus: job.callbacks?.[0]?.status,
				fetches: counters.fetchCallsByJob[job.jobId] ?? 0,
			}))
			.sort((a, b) => a.created - b.created),
	};
	const held = out.held?.paused ? `; execute() held ${c.seconds(out.held.executeHeldMs, 2)}, ${out.held.jobsAtPause}/${n} jobs at TTAPI at the pause` : out.held ? `; ${out.held.note}` : '';
	const timing = makespanMs === undefined ? 'did not finish' : `${c.seconds(makespanMs, 2)} (${limit.name} ${c.seconds(limit.ms, 1)}, ×${out.ratio}, ${out.overheadPerWaveMs >= 0 ? '+' : ''}${out.overheadPerWaveMs} ms per wave; ×${out.idealRatio} of ideal)`;
	log(`  ${MODES[mode].label}: ${timing}, ${check.detail}${held}, load ${c.loadText(load.after)}, busy cores ${load.busyCores}`);
	return out;
}

/**
 * What one callback costs in n8n, measured on a paused Wait for Callback execution (one job that
 * renders 8 s): a GET /healthz (n8n's HTTP floor), a callback with a wrong token (n8n loads the
 * waiting execution and runs the node's webhook(), which refuses it at once: n8n's own resume
 * overhead) and a valid callback for a job still running (the full path minus a submission:
 * n8n's part + our token check + the confirming /sora/fetch). Sequential, `repeats` of each.
 */
async function resumeProbe(ctx, target, { repeats = 8 } = {}) {
	const { sim, flows } = ctx;
	sim.reset();
	const afterId = await target.lastExecutionId();
	const renderMs = 8000;
	await target.startBatch(flows.callback.path, [`[sim:render=${renderMs}] resume overhead probe`]);
	const started = Date.now();
	for (;;) {
		const rows = await target.executions(flows.callback.wf.id, afterId);
		if (rows.some((row) => row.status === 'waiting') && sim.listJobs().length) break;
		if (Date.now() - started > 5000) throw new Error('the probe execution did not pause');
		await c.sleep(100);
	}
	const [job] = sim.listJobs();
	const hookUrl = job.body.hookUrl;
	const wrong = hookUrl.replace(/ttapiToken=[^&]+/, `ttapiToken=${'x'.repeat(32)}`);
	const running = JSON.stringify({ status: 'ON_QUEUE', message: '', jobId: job.jobId, data: null });
	const time = async (url, init) => {
		const t = performance.now();
		const response = await fetch(url, init);
		await response.arrayBuffer();
		return { ms: performance.now() - t, status: response.status };
	};
	const post = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
	const health = target.kind === 'queue' ? `${target.webhookBase}healthz` : `${target.n8n.baseUrl}/healthz`;
	const kinds = {
		healthz: () => time(health),
		wrongToken: () => time(wrong, post(running)),
		runningCallback: () => time(hookUrl, post(running)),
	};
	const out = {};
	for (const [kind, call] of Object.entries(kinds)) {
		const samples = [];
		for (let i = 0; i < repeats && Date.now() - started < renderMs - 2500; i++) samples.push(await call());
		out[kind] = { medianMs: c.round(median(samples.map((s) => s.ms)), 1), statuses: [...new Set(samples.map((s) => s.status))], count: samples.length };
	}
	await waitForFinished(target, flows.callback.wf.id, { afterId, count: 1, timeoutMs: 60_000, stepMs: 500 });
	return out;
}

/** One item through each workflow first: n8n loads node code lazily (in queue mode: per worker). */
async function warmUp(ctx, target, order) {
	const { sim, flows, log, simTiming } = ctx;
	log(`warm-up: one item through each workflow${target.kind === 'queue' ? ' (twice at once, for both workers)' : ''}`);
	sim.configure({ queueMs: 0, renderMs: 1000 }); // long enough for a real callback
	sim.reset();
	const copies = target.kind === 'queue' ? 2 : 1;
	for (const mode of order) {
		const afterId = await target.lastExecutionId();
		const startFlow = mode === 'trigger' ? flows.submit : flows[mode];
		await Promise.all(Array.from({ length: copies }, (_, i) => target.startBatch(startFlow.path, [`warm-up ${mode} ${i}`])));
		const wfId = mode === 'trigger' ? flows.trigger.wf.id : startFlow.wf.id;
		await waitForFinished(target, wfId, { afterId, count: copies, timeoutMs: 90_000, stepMs: 300 });
	}
	while (sim.counters().inFlight > 0) await c.sleep(200);
	sim.configure(simTiming);
	await c.sleep(1000);
}

/** Every mode once (in `order`) on one target, the same batch for each. */
async function runBatch(ctx, target, { order, times, limits, probe = true }) {
	await warmUp(ctx, target, order);
	const results = {};
	for (const mode of order) {
		results[mode] = await runMode(ctx, target, mode, { times, limits });
		await c.sleep(1500); // let n8n finish its own bookkeeping before the next mode
		if (mode === 'callback' && probe && results[mode].ok) {
			const p = await resumeProbe(ctx, target);
			results[mode].resumeProbe = p;
			ctx.log(`    one callback in n8n: healthz ${p.healthz.medianMs} ms, wrong token (n8n's resume overhead) ${p.wrongToken.medianMs} ms ${JSON.stringify(p.wrongToken.statuses)}, running job (+ our check + confirm fetch) ${p.runningCallback.medianMs} ms ${JSON.stringify(p.runningCallback.statuses)}`);
			ctx.sim.configure(ctx.simTiming);
		}
	}
	return results;
}

module.exports = { MODES, batchWorkflows, warmUp, runBatch, runMode, promptsOf };
