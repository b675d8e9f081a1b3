'use strict';
// Sections 1–3: the same batch of N prompts through Poll, Wait for Callback, fire-and-forget
// (Don't Wait + Sora Trigger) and two hand-built loops of stock nodes, one after another in the
// same n8n and simulator. Makespan = from the start request until the last result is available
// (the execution's stoppedAt; fire-and-forget: the last trigger execution's stoppedAt).

const { performance } = require('node:perf_hooks');

const { readExecution, nodeItems } = require('../../n8n/executions');
const c = require('./common');
const { GENERATE } = require('./workflows');

const MODES = {
	poll: { label: 'Poll Until Done', ours: true },
	callback: { label: 'Wait for Callback', ours: true },
	trigger: { label: "Don't Wait + Sora Trigger", ours: true },
	loopK: { label: 'stock loop, K per round', ours: false },
	loop1: { label: 'stock loop, 1 at a time', ours: false },
};

/** Workflows for the batch modes (keys match MODES, plus the trigger's submitter). */
function batchWorkflows(wf, { simUrl, apiKey, k, pollSeconds, credential }) {
	return {
		poll: wf.soraBatchWorkflow('poll', credential, { waitMode: 'poll', pollIntervalSeconds: pollSeconds, timeoutMinutes: 30, maxJobsInFlight: k }),
		callback: wf.soraBatchWorkflow('callback', credential, { waitMode: 'callback', maxWaitMinutes: 30, maxJobsInFlight: k }),
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
		tailMs: ended.length ? end - ended[ended.length - 1] : undefined,
	};
}

/** API calls the simulator counted, per job: 1 submission + its status requests. */
function apiCalls(counters, jobs, n) {
	const perJob = jobs.map((job) => 1 + (counters.fetchCallsByJob[job.jobId] ?? 0));
	const resubmitted = Object.entries(counters.submissionsByPrompt).filter(([, count]) => count !== 1);
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
		onePerJob: counters.submissions === n && resubmitted.length === 0 && Object.keys(counters.submissionsByPrompt).length === n,
		resubmitted,
		inFlightPeak: counters.inFlightPeak,
	};
}

/** Checks the outcome of a Sora Generate batch execution: N items, all SUCCESS. */
async function checkGenerateOutput(n8n, executionId, n) {
	const execution = await readExecution(n8n, executionId);
	const items = nodeItems(execution, GENERATE);
	const ok = items.filter((item) => item.json.status === 'SUCCESS').length;
	const modes = [...new Set(items.map((item) => item.json.waitMode))];
	return { ok: execution.status === 'success' && items.length === n && ok === n, detail: `${execution.status}, ${ok}/${n} SUCCESS (${modes.join(',')})` };
}

async function runMode(ctx, mode, { n, prompts, idealMs: givenIdealMs }) {
	const { n8n, sim, flows, k, tMs, log } = ctx;
	if (sim.counters().inFlight !== 0) throw new Error(`simulator still has ${sim.counters().inFlight} jobs in flight before ${mode}`);
	sim.reset();
	const afterId = await c.lastExecutionId(n8n);
	const startFlow = mode === 'trigger' ? flows.submit : flows[mode];
	const waveCount = Math.ceil(n / k);
	const timeoutMs = Math.max(120_000, (mode === 'loop1' ? n : waveCount) * tMs * 4 + 60_000);
	const { result, load } = await c.withLoad(async () => {
		const t0 = await c.startBatch(n8n, startFlow.path, prompts);
		let end;
		let check;
		if (mode === 'trigger') {
			const [submit] = await c.waitForFinished(n8n, flows.submit.wf.id, { afterId, count: 1, timeoutMs });
			const triggered = await c.waitForFinished(n8n, flows.trigger.wf.id, { afterId, count: n, timeoutMs });
			end = Math.max(...triggered.map((row) => row.stoppedAt));
			const good = triggered.filter((row) => row.status === 'success').length;
			check = { ok: submit.status === 'success' && good === n && triggered.length === n, detail: `submitter ${submit.status}, ${good}/${n} trigger executions succeeded` };
		} else {
			const [row] = await c.waitForFinished(n8n, startFlow.wf.id, { afterId, count: 1, timeoutMs });
			end = row.stoppedAt;
			check = MODES[mode].ours ? await checkGenerateOutput(n8n, row.id, n) : { ok: row.status === 'success', detail: row.status };
		}
		return { t0, end, check };
	});
	const { t0, end, check } = result;
	const counters = sim.counters();
	const jobs = sim.listJobs();
	const makespanMs = end - t0;
	const idealMs = givenIdealMs ?? waveCount * tMs;
	const out = {
		mode,
		label: MODES[mode].label,
		n,
		makespanMs,
		idealMs,
		ratio: c.round(makespanMs / idealMs, 3),
		overheadPerWaveMs: Math.round((makespanMs - idealMs) / waveCount),
		ok: check.ok,
		check: check.detail,
		timeline: timeline(jobs, t0, end, k),
		api: apiCalls(counters, jobs, n),
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
	log(`  ${MODES[mode].label}: ${c.seconds(makespanMs, 2)} (ideal ${c.seconds(idealMs)}, ×${out.ratio}, +${out.overheadPerWaveMs} ms per wave), ${check.detail}, load ${c.loadText(load.after)}, busy cores ${load.busyCores}`);
	return out;
}

/**
 * What one callback costs in n8n, measured on a paused Wait for Callback execution (one job that
 * renders 8 s): a GET /healthz (n8n's HTTP floor), a callback with a wrong token (n8n loads the
 * waiting execution and runs the node's webhook(), which refuses it at once: n8n's own resume
 * overhead) and a valid callback for a job still running (the full path minus a submission:
 * n8n's part + our token check + the confirming /sora/fetch). Sequential, `repeats` of each.
 */
async function resumeProbe(ctx, { repeats = 8 } = {}) {
	const { n8n, sim, flows } = ctx;
	sim.reset();
	const afterId = await c.lastExecutionId(n8n);
	const renderMs = 8000;
	await c.startBatch(n8n, flows.callback.path, [`[sim:render=${renderMs}] resume overhead probe`]);
	const started = Date.now();
	for (;;) {
		const rows = await c.executionsAfter(n8n, flows.callback.wf.id, afterId);
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
	const kinds = {
		healthz: () => time(`${n8n.baseUrl}/healthz`),
		wrongToken: () => time(wrong, post(running)),
		runningCallback: () => time(hookUrl, post(running)),
	};
	const out = {};
	for (const [kind, call] of Object.entries(kinds)) {
		const samples = [];
		for (let i = 0; i < repeats && Date.now() - started < renderMs - 2500; i++) samples.push(await call());
		out[kind] = { medianMs: c.round(median(samples.map((s) => s.ms)), 1), statuses: [...new Set(samples.map((s) => s.status))], count: samples.length };
	}
	await c.waitForFinished(n8n, flows.callback.wf.id, { afterId, count: 1, timeoutMs: 60_000, stepMs: 500 });
	return out;
}

/**
 * Runs every mode once (in `order`), after one warm-up item per workflow (n8n loads node code
 * lazily; the first execution of a workflow is slower).
 */
async function runBatch(ctx, { n, order = Object.keys(MODES) }) {
	const { sim, n8n, flows, log, simTiming } = ctx;
	log(`warm-up: one item through each workflow`);
	sim.configure({ queueMs: 0, renderMs: 1000 }); // long enough for a real callback
	sim.reset();
	const afterId = await c.lastExecutionId(n8n);
	for (const mode of order) {
		const startFlow = mode === 'trigger' ? flows.submit : flows[mode];
		await c.startBatch(n8n, startFlow.path, [`warm-up ${mode}`]);
		const wfId = mode === 'trigger' ? flows.trigger.wf.id : startFlow.wf.id;
		await c.waitForFinished(n8n, wfId, { afterId, count: 1, timeoutMs: 60_000, stepMs: 300 });
	}
	sim.configure(simTiming);
	await c.sleep(1000);
	const results = {};
	for (const mode of order) {
		const prompts = Array.from({ length: n }, (_, i) => `bench ${mode} #${i}`);
		results[mode] = await runMode(ctx, mode, { n, prompts });
		await c.sleep(1500); // let n8n finish its own bookkeeping before the next mode
		if (mode === 'callback') {
			const probe = await resumeProbe(ctx);
			results[mode].resumeProbe = probe;
			ctx.log(`    one callback in n8n: healthz ${probe.healthz.medianMs} ms, wrong token (n8n's resume overhead) ${probe.wrongToken.medianMs} ms ${JSON.stringify(probe.wrongToken.statuses)}, running job (+ our check + confirm fetch) ${probe.runningCallback.medianMs} ms ${JSON.stringify(probe.runningCallback.statuses)}`);
			sim.configure(simTiming);
		}
	}
	return results;
}

/**
 * Render times spread over 0.5·T…1.5·T (a fixed pseudo-random sequence, so runs compare), as
 * real Sora jobs differ. Ideal = the makespan of a perfect in-order scheduler that knows nothing
 * of durations: each item starts the moment a queue place frees (greedy list scheduling).
 */
function spreadBatch(n, k, simTiming, tag) {
	let seed = 12345;
	const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
	const renders = Array.from({ length: n }, () => Math.round(simTiming.renderMs * (0.5 + rand())));
	const durations = renders.map((r) => r + simTiming.queueMs);
	const free = Array(k).fill(0);
	for (const d of durations) {
		free.sort((a, b) => a - b);
		free[0] += d;
	}
	return {
		prompts: renders.map((r, i) => `[sim:render=${r}] bench ${tag} #${i}`),
		idealMs: Math.max(...free),
		meanTMs: Math.round(durations.reduce((a, b) => a + b, 0) / n),
		minTMs: Math.min(...durations),
		maxTMs: Math.max(...durations),
	};
}

async function runSpread(ctx, { n, order }) {
	const { simTiming, k, sim } = ctx;
	sim.configure(simTiming);
	const results = {};
	let info;
	for (const mode of order) {
		const batchOf = spreadBatch(n, k, simTiming, `spread ${mode}`);
		info = batchOf;
		results[mode] = await runMode(ctx, mode, { n, prompts: batchOf.prompts, idealMs: batchOf.idealMs });
		await c.sleep(1500);
	}
	return { idealMs: info.idealMs, meanTMs: info.meanTMs, minTMs: info.minTMs, maxTMs: info.maxTMs, modes: results };
}

module.exports = { MODES, batchWorkflows, runBatch, runSpread };
