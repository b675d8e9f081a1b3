'use strict';
// One n8n line for the queue-mode suite: a TTAPI simulator + credential per scenario (so rows
// share no queue, counter or execution list), the Report sink, the queue cluster with every
// scenario's workflows, and the helpers the scenarios use to start batches and judge them.

const rt = require('../runtime');
const { startSimulator } = require('../../../test/simulator');
const { startQueueCluster } = require('./cluster');
const { startSink } = require('./sink');
const { nodeItems, nodeRunCount } = require('./db');
const wf = require('./workflows');

const SECRET = 'queue-suite-callback-SECRET-3b8e1f';
const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);
/** "Final within a few seconds of the last job ending": n8n's wait tracker looks once a minute, the safety check after minutes. */
const FINAL_WITHIN_MS = 15_000;
/** A batch that shows no progress (no job created or ended) for this long while not final is given up. */
const IDLE_GIVE_UP_MS = 30_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sec = (ms) => (ms === undefined || ms === null || Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`);
const signedSec = (ms) => (ms === undefined || Number.isNaN(ms) ? '–' : `${ms >= 0 ? '+' : '−'}${(Math.abs(ms) / 1000).toFixed(1)} s`);
const short = (id) => (id ? String(id).slice(0, 8) : '–');
const histogram = (values) => {
	const h = {};
	for (const v of values) h[v] = (h[v] || 0) + 1;
	return Object.entries(h)
		.map(([k, n]) => `${k}×${n}`)
		.join(' ');
};

/** How many jobs got each count, e.g. [1,1,2] → "2 jobs ×1, 1 job ×2". */
function timesText(counts) {
	const h = {};
	for (const c of counts) h[c] = (h[c] || 0) + 1;
	return Object.entries(h)
		.sort(([a], [b]) => Number(a) - Number(b))
		.map(([c, n]) => `${n} job${n === 1 ? '' : 's'} ×${c}`)
		.join(', ');
}

/** Prompts for a scenario: one per render time, each with its render marker (spread render times). */
function promptsFor(key, renders) {
	return renders.map((ms, i) => `queue ${key} #${i} [sim:render=${ms}]`);
}

async function setupLine(line, { scenarios, packageDir, keep, log }) {
	const closers = [];
	const sink = await startSink();
	closers.push(() => sink.close());
	const states = [];
	try {
		for (const scenario of scenarios) {
			const apiKey = `sk-queue-${scenario.id}-${rt.randomId().slice(0, 8)}`;
			const sim = await startSimulator({ port: 0, apiKeys: [apiKey], queueLimit: 3, queueMs: 200, renderMs: 3000, videoBytes: 32 * 1024, ...(scenario.sim || {}) });
			closers.push(() => sim.close());
			const credential = { id: rt.randomId(), name: `TTAPI ${scenario.id}`, type: 'ttApi' };
			states.push({
				scenario,
				key: scenario.id,
				sim,
				credential,
				credentialData: { ...credential, data: { apiKey, baseUrl: 'custom', customBaseUrl: sim.url, callbackSecret: SECRET } },
			});
		}
		for (const s of states) {
			s.flows = s.scenario.flows({
				key: s.key,
				credential: s.credential,
				sinkUrl: sink.url,
				batch: (name, params) => wf.batchWorkflow(name === 'batch' ? s.key : `${s.key}-${name}`, { credential: s.credential, sinkUrl: sink.url, params }),
			});
		}
		const cluster = await startQueueCluster({
			line,
			packageDir,
			keep,
			log,
			credentials: states.map((s) => s.credentialData),
			workflows: states.flatMap((s) => Object.values(s.flows).map((f) => f.wf)),
		});
		closers.unshift(() => cluster.stop());
		return { ctx: makeContext({ line, cluster, sink, log }), states, close: async () => { for (const c of closers) await c().catch((e) => log(`cleanup: ${e.message}`)); } };
	} catch (error) {
		for (const c of closers) await c().catch(() => {});
		throw error;
	}
}

function makeContext({ line, cluster, sink, log }) {
	const { db, proxy } = cluster;
	const ctx = {
		line,
		version: cluster.version,
		cluster,
		db,
		proxy,
		sink,
		log,
		sleep,

		/** POSTs prompts to a batch workflow's production webhook (through the proxy); returns the send time. */
		async startBatch(flow, prompts) {
			const url = `${cluster.webhookUrl}webhook/${flow.path}`;
			const body = JSON.stringify({ prompts: prompts.map((prompt) => ({ prompt })) });
			const t0 = Date.now();
			const deadline = t0 + 20_000;
			for (;;) {
				const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
				const text = await r.text();
				if (r.status === 200) return t0;
				// production webhooks can answer 404 for a moment after activation
				if (r.status !== 404 || Date.now() > deadline) throw new Error(`starting ${flow.path} answered ${r.status}: ${text.slice(0, 200)}`);
				await sleep(500);
			}
		},

		/** The first execution of a workflow (polls until it exists). */
		async findExecution(workflowId, { timeoutMs = 30_000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const [row] = await db.executions(workflowId);
				if (row) return row.id;
				if (Date.now() > deadline) throw new Error(`no execution of workflow ${workflowId} within ${timeoutMs} ms`);
				await sleep(200);
			}
		},

		async executionRow(execId) {
			const [row] = await db.query('SELECT id, status, "workflowId" FROM execution_entity WHERE id = $1', [Number(execId)]);
			if (!row) return undefined;
			return (await db.executions(row.workflowId)).find((r) => r.id === String(execId));
		},

		/** Waits until the execution's status satisfies pred. */
		async waitStatus(execId, pred, { timeoutMs = 60_000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const row = await ctx.executionRow(execId);
				if (row && pred(row.status)) return row;
				if (Date.now() > deadline) return undefined;
				await sleep(250);
			}
		},

		/**
		 * Waits until the execution is final, or until nothing has happened at the simulator (no
		 * job created or ended) for IDLE_GIVE_UP_MS, or the hard limit. { row, gaveUp, waitedMs }.
		 */
		async waitFinal(execId, sim, t0, { hardLimitMs = 150_000, idleMs = IDLE_GIVE_UP_MS } = {}) {
			for (;;) {
				const row = await ctx.executionRow(execId);
				if (row && FINAL.has(row.status)) return { row, gaveUp: false };
				const times = sim.listJobs().flatMap((job) => [Date.parse(job.createdAt), Date.parse(job.endedAt)]).filter(Number.isFinite);
				const lastActivity = Math.max(t0, ...times);
				if (Date.now() - lastActivity > idleMs) return { row, gaveUp: `nothing happened for ${sec(idleMs)} (last job created/ended ${sec(Date.now() - lastActivity)} ago)` };
				if (Date.now() - t0 > hardLimitMs) return { row, gaveUp: `hard limit ${sec(hardLimitMs)}` };
				await sleep(500);
			}
		},

		/** Executions of a workflow that are still new, running or waiting. */
		async unfinished(workflowId) {
			return (await db.executions(workflowId)).filter((row) => !FINAL.has(row.status));
		},

		/** Calls to an execution's resume URL that came from TTAPI (the simulator), per webhook processor. */
		resumeCalls(execId) {
			const route = `resume:${execId}`;
			return proxy.requests.filter((r) => r.route === route && r.userAgent === 'ttapi-simulator');
		},
	};
	return ctx;
}

// ------------------------------------------------------------------ judging a Sora Generate batch
/** Everything known about a batch execution, per input item, for the row and its details. */
async function batchFacts(ctx, s, { flow, execId, prompts, t0, waited }) {
	const execution = execId ? await ctx.db.readExecution(execId) : undefined;
	const row = execId ? await ctx.executionRow(execId) : undefined;
	const final = !!row && FINAL.has(row.status);
	// A waiting execution's node output is what n8n stored at the pause (what Max Wait would let
	// through), not a result: it is shown in the details, never counted as an output.
	const stored = nodeItems(execution, wf.GENERATE);
	const items = final ? stored : [];
	const jobs = s.sim.listJobs();
	const counters = s.sim.counters();
	const reports = ctx.sink.of(flow.key, execId);
	const perItem = prompts.map((prompt, index) => {
		const itemJobs = jobs.filter((job) => job.body && job.body.prompt === prompt);
		const pick = (list) => list.find((it) => it.pairedItem && it.pairedItem.item === index) ?? list.find((it) => it.json && it.json.prompt === prompt);
		const out = pick(items);
		const json = out ? out.json : undefined;
		const pausedOut = !final && pick(stored) ? pick(stored).json : undefined;
		const job = itemJobs[0];
		const ok = !!json && json.status === 'SUCCESS' && !!job && json.jobId === job.jobId && itemJobs.length === 1;
		return {
			index,
			prompt,
			jobs: itemJobs,
			submissions: counters.submissionsByPrompt[prompt] || 0,
			out: json,
			pausedOut,
			reported: reports.filter((r) => Number(r.item) === index || (r.json && r.json.prompt === prompt)).length,
			ok,
		};
	});
	const ended = jobs.map((job) => Date.parse(job.endedAt)).filter(Number.isFinite);
	const lastJobEnd = ended.length ? Math.max(...ended) : undefined;
	const unfinished = await ctx.unfinished(flow.id);
	// How long a freed TTAPI place stayed empty while items waited (reported, never judged: speed is the bench's job)
	const k = s.sim.config().queueLimit;
	const created = jobs.map((job) => Date.parse(job.createdAt)).sort((a, b) => a - b);
	const endedSorted = [...ended].sort((a, b) => a - b);
	const gaps = created.slice(k).map((c, i) => (Number.isFinite(endedSorted[i]) ? Math.max(0, c - endedSorted[i]) : undefined)).filter((g) => g !== undefined);
	const resumes = execId ? ctx.resumeCalls(execId) : [];
	return {
		execId,
		status: row ? row.status : 'none',
		waited,
		t0,
		stoppedAt: row && FINAL.has(row.status) ? row.stoppedAt : undefined,
		items,
		perItem,
		jobs,
		counters,
		lastJobEnd,
		finalAfterMs: row && FINAL.has(row.status) && lastJobEnd ? row.stoppedAt - lastJobEnd : undefined,
		unfinished,
		resumes,
		workers: execId ? ctx.cluster.executionWorkers(execId) : [],
		reports,
		reportRuns: nodeRunCount(execution, 'Report'),
		refillGapMaxMs: gaps.length ? Math.max(...gaps) : undefined,
	};
}

/** Per-processor counts of TTAPI's calls to the resume URL and the answers they got. */
function resumeText(facts) {
	if (!facts.resumes.length) return 'no TTAPI call reached the resume URL';
	const by = histogram(facts.resumes.map((r) => r.upstream || 'refused by all'));
	const answers = histogram(facts.resumes.map((r) => (r.pending ? 'no answer yet' : r.status ?? r.error ?? '?')));
	const refused = facts.resumes.filter((r) => r.refusedBy.length).length;
	return `TTAPI callbacks → ${by} (answers ${answers}${refused ? `; ${refused} refused by a stopped processor and sent to the other` : ''})`;
}

/**
 * The usual expectations of a Sora Generate batch in queue mode; returns { pass, observed, details }.
 * opts.callbacks: the batch waits for callbacks (they must reach both processors; waitMode
 * "callback"). opts.polls: Wait for Callback on n8n 1.x, which polls (waitMode "poll", no hookUrl
 * sent, no call to the resume URL). Otherwise a Poll batch (waitMode "poll").
 */
function judgeBatch(facts, { callbacks = false, polls = false, extra = [] } = {}) {
	const n = facts.perItem.length;
	const failures = [];
	const good = facts.perItem.filter((p) => p.ok).length;
	const outCount = facts.perItem.filter((p) => p.out).length;
	const oneEach = facts.perItem.every((p) => p.submissions === 1) && facts.counters.submissions === n;
	const reportedOnce = facts.perItem.every((p) => p.reported === 1) && facts.reports.length === n;
	if (facts.status !== 'success') failures.push(`execution ${facts.status}${facts.waited.gaveUp ? ` (gave up: ${facts.waited.gaveUp})` : ''}`);
	if (good !== n) failures.push(`${good}/${n} items SUCCESS with their job ID`);
	if (!oneEach) failures.push('not exactly one submission per item');
	if (facts.status === 'success' && !reportedOnce) failures.push('items did not reach the next node exactly once');
	if (facts.unfinished.length) failures.push(`${facts.unfinished.length} execution(s) left ${histogram(facts.unfinished.map((r) => r.status))}`);
	if (facts.finalAfterMs === undefined || facts.finalAfterMs > FINAL_WITHIN_MS) failures.push(`not final within ${sec(FINAL_WITHIN_MS)} of the last job's end`);
	if (callbacks) {
		const used = new Set(facts.resumes.map((r) => r.upstream).filter(Boolean));
		if (used.size < 2) failures.push(`TTAPI callbacks reached ${used.size} webhook processor(s), not both`);
	}
	const wantedMode = callbacks ? 'callback' : 'poll';
	const otherModes = facts.perItem.filter((p) => p.out && p.out.waitMode !== wantedMode);
	if (otherModes.length) failures.push(`${otherModes.length} item(s) with waitMode ${histogram(otherModes.map((p) => p.out.waitMode))}, not "${wantedMode}"`);
	const hooks = facts.jobs.filter((job) => job.body && job.body.hookUrl).length;
	if (polls && hooks) failures.push(`${hooks} job(s) sent with a hookUrl`);
	if (polls && facts.resumes.length) failures.push(`${facts.resumes.length} call(s) to the resume URL`);
	failures.push(...extra);

	const neverSubmitted = facts.perItem.filter((p) => p.submissions === 0).map((p) => p.index);
	const resubmitted = facts.perItem.filter((p) => p.submissions > 1).map((p) => `#${p.index}×${p.submissions}`);
	const outStatuses = histogram(facts.perItem.map((p) => (p.out ? p.out.status || (p.out.error ? 'error' : '?') : 'missing')));
	const parts = [
		`${facts.status}${facts.stoppedAt ? ` after ${sec(facts.stoppedAt - facts.t0)}` : facts.waited.gaveUp ? ` (gave up after ${sec(Date.now() - facts.t0)}: ${facts.waited.gaveUp})` : ''}`,
		FINAL.has(facts.status) ? `out ${outCount}/${n}: ${outStatuses}, ${good} SUCCESS with their job ID` : `no item out (execution ${facts.status})`,
		`${facts.counters.submissions} submissions${oneEach ? ' (1 per item)' : ''}${neverSubmitted.length ? `, never submitted: #${neverSubmitted.join(',#')}` : ''}${resubmitted.length ? `, resubmitted: ${resubmitted.join(' ')}` : ''}`,
		facts.finalAfterMs === undefined ? `not final${facts.lastJobEnd ? '' : ', no job ended'}` : `final ${signedSec(facts.finalAfterMs)} after the last job ended`,
	];
	if (facts.refillGapMaxMs !== undefined) parts.push(`a freed TTAPI place stayed empty up to ${sec(facts.refillGapMaxMs)} before the next submission`);
	parts.push(`waitMode ${histogram(facts.perItem.map((p) => (p.out ? p.out.waitMode : 'no item')))}`);
	if (polls) parts.push(`jobs sent with a hookUrl: ${hooks}`);
	if (callbacks || facts.resumes.length) parts.push(resumeText(facts));
	if (facts.status === 'success') parts.push(`next node got ${facts.reports.length} item(s)`);
	if (facts.unfinished.length) parts.push(`left: ${facts.unfinished.map((r) => `execution ${r.id} ${r.status}`).join(', ')}`);
	if (facts.workers.length) parts.push(`ran on ${facts.workers.join(' + ')}`);

	const details = facts.perItem.map((p) => {
		const job = p.jobs[0];
		const jobText = job ? `job ${short(job.jobId)} ${job.status}${job.endedAt ? ` ended ${signedSec(Date.parse(job.endedAt) - facts.t0)}` : ''}` : 'no job (never submitted)';
		const text = (o) => `${o.status ?? '–'} job ${short(o.jobId)}${o.error ? ` error "${String(o.error).slice(0, 120)}"` : ''}`;
		const out = p.out ? text(p.out) : p.pausedOut ? `none yet (stored at the pause: ${text(p.pausedOut)})` : 'no output item';
		return `#${p.index} ${jobText}; submissions ${p.submissions}; out: ${out}; next node ${p.reported}×${p.ok ? '' : '  ← FAIL'}`;
	});
	if (facts.reports.length && facts.reports.length !== n) {
		// the next node getting more items than the batch has means the rest of the workflow ran
		// more than once (a double resume): show when they came and what n8n stored
		const times = [...new Set(facts.reports.map((r) => signedSec(r.at - facts.t0)))];
		details.push(`next node got ${facts.reports.length} item(s) for ${n} inputs, at ${times.join(', ')}; the stored execution shows Report ran ${facts.reportRuns}×`);
	}
	return { pass: failures.length === 0, observed: parts.join(' · '), failures, details };
}

module.exports = {
	SECRET,
	FINAL,
	FINAL_WITHIN_MS,
	IDLE_GIVE_UP_MS,
	sleep,
	sec,
	signedSec,
	short,
	histogram,
	timesText,
	promptsFor,
	setupLine,
	batchFacts,
	judgeBatch,
	resumeText,
};
