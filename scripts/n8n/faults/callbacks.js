'use strict';
// 6. Callbacks that are wrong, odd, late, early, doubled or missing, to a waiting Sora Generate
//    (Wait for Callback, n8n 2.x) and to a Sora Trigger; on n8n 1.x, what Wait for Callback does
//    there instead (it polls).

const crypto = require('node:crypto');
const { submitVideo } = require('../../../test/simulator/client');
const { describe, isGoodResult, isGoodError, triggerItem, short } = require('./check');

const HUGE_BYTES = 17 * 1024 * 1024; // above n8n's default 16 MiB payload limit
const BIG_BYTES = 5 * 1024 * 1024; // below it

async function post(url, body, contentType = 'application/json') {
	try {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
		const text = await response.text();
		return { status: response.status, text: text.slice(0, 200) };
	} catch (error) {
		return { status: null, text: error.message };
	}
}

const forgedToken = (url) => url.replace(/ttapiToken=[^&]+/, `ttapiToken=${'x'.repeat(32)}`);
const record = (jobId, extra = {}) => ({ status: 'SUCCESS', message: '', jobId, data: { videoUrl: 'https://evil.example/forged.mp4', quota: '0' }, ...extra });

/** Starts a callback-mode execution and waits until n8n has it as waiting; returns { execId, job, t0 }. */
async function waitingRun(ctx, route, prompts) {
	const t0 = Date.now();
	const execId = await ctx.start(route, prompts);
	const w = await ctx.waitExec(execId, { pred: (s) => s === 'waiting', timeoutMs: 30_000 });
	if (w.timedOut) throw new Error(`execution ${execId} never waited (status ${w.status})`);
	const jobs = [];
	for (const prompt of prompts) jobs.push(await ctx.waitJobFor(prompt));
	return { execId, jobs, job: jobs[0], t0 };
}

/** The end of a callback-mode run: good result for each job, one downstream item each. */
async function goodEnd(ctx, execId, route, jobs, t0) {
	const r = await ctx.finish(execId, route, { t0, timeoutMs: 60_000 });
	const good = r.status === 'success' && r.items.length === jobs.length && r.items.every((item, i) => isGoodResult(ctx, item, jobs[i]) && item.json.videoUrl.startsWith(ctx.sim.url)) && r.reports.length === jobs.length;
	return { r, good, text: `then ${r.status} in ${r.seconds.toFixed(0)} s: ${r.items.map((item) => describe(item, ctx)).join(' · ')}; downstream items ${r.reports.length}` };
}

const stillWaiting = async (ctx, execId) => {
	await ctx.sleep(1500);
	return ctx.status(execId) === 'waiting';
};

function cbRow(order, fault, expected, run, est = 12, lines = undefined) {
	return { group: 6, order, fault, mode: 'callback', expected, estSeconds: est, limitSeconds: 180, run, ...(lines ? { lines } : {}) };
}
function trRow(order, fault, expected, run, est = 10) {
	return { group: 6, order, fault, mode: 'trigger', expected, estSeconds: est, limitSeconds: 180, run };
}

function callbackRows() {
	return [
		cbRow(0, 'callback with a wrong token (secret)', '401; the execution keeps waiting; the real callback resumes it with TTAPI\'s video', async (ctx) => {
			const prompt = `${ctx.tag('cb-secret')} [sim:render=5000] guarded`;
			const { execId, job, t0 } = await waitingRun(ctx, 'cb', [prompt]);
			const bad = await post(forgedToken(job.body.hookUrl), JSON.stringify(record(job.jobId)));
			const waiting = await stillWaiting(ctx, execId);
			const end = await goodEnd(ctx, execId, 'cb', [job], t0);
			return { pass: bad.status === 401 && waiting && end.good, observed: `forged → HTTP ${bad.status}; still waiting: ${waiting}; ${end.text}` };
		}),
		cbRow(1, 'callback for an unknown job id (right URL and token)', '403; keeps waiting; the real callback resumes it', async (ctx) => {
			const prompt = `${ctx.tag('cb-unknown')} [sim:render=5000] unknown job`;
			const { execId, job, t0 } = await waitingRun(ctx, 'cb', [prompt]);
			const bad = await post(job.body.hookUrl, JSON.stringify(record(crypto.randomUUID())));
			const waiting = await stillWaiting(ctx, execId);
			const end = await goodEnd(ctx, execId, 'cb', [job], t0);
			return { pass: bad.status === 403 && waiting && end.good, observed: `unknown job → HTTP ${bad.status}; still waiting: ${waiting}; ${end.text}` };
		}),
		cbRow(2, 'callback carrying a job of another execution', '403; both executions end with their own job', async (ctx) => {
			const tag = ctx.tag('cb-other');
			const [a, b] = await Promise.all([
				waitingRun(ctx, 'cb', [`${tag} A [sim:render=6000]`]),
				waitingRun(ctx, 'cb', [`${tag} B [sim:render=6000]`]),
			]);
			// A's (finished-looking) record on B's URL, and A's real record once it ended
			const bad = await post(b.job.body.hookUrl, JSON.stringify(record(a.job.jobId)));
			const waiting = await stillWaiting(ctx, b.execId);
			const [endA, endB] = await Promise.all([goodEnd(ctx, a.execId, 'cb', [a.job], a.t0), goodEnd(ctx, b.execId, 'cb', [b.job], b.t0)]);
			const [late] = await ctx.sim.sendCallback(a.job.jobId, { url: b.job.body.hookUrl });
			return {
				pass: bad.status === 403 && waiting && endA.good && endB.good,
				observed: `A's job on B's URL → HTTP ${bad.status}; B still waiting: ${waiting}; A ${endA.text}; B ${endB.text}; A's record to finished B → ${late}`,
			};
		}),
		cbRow(3, 'callback body that is not JSON (as JSON, and as text)', '4xx both; keeps waiting; the real callback resumes it', async (ctx) => {
			const prompt = `${ctx.tag('cb-notjson')} [sim:render=5000] garbage`;
			const { execId, job, t0 } = await waitingRun(ctx, 'cb', [prompt]);
			const asJson = await post(job.body.hookUrl, '{"status": "SUCC', 'application/json');
			const asText = await post(job.body.hookUrl, 'this is not json', 'text/plain');
			const waiting = await stillWaiting(ctx, execId);
			const end = await goodEnd(ctx, execId, 'cb', [job], t0);
			const refused = (s) => s >= 400 && s < 500;
			return { pass: refused(asJson.status) && refused(asText.status) && waiting && end.good, observed: `broken JSON → HTTP ${asJson.status}, text → HTTP ${asText.status}; still waiting: ${waiting}; ${end.text}` };
		}),
		cbRow(4, `huge callback bodies: ${BIG_BYTES >> 20} MiB record (forged videoUrl) and ${HUGE_BYTES >> 20} MiB`, 'the 5 MiB one changes nothing: it claims SUCCESS for a job TTAPI shows running, so it gets 503 (TTAPI\'s record wins); n8n refuses the 17 MiB one (over its 16 MiB body limit) before the node runs; the real callback resumes it', async (ctx) => {
			const prompt = `${ctx.tag('cb-huge')} [sim:render=6000] huge`;
			const { execId, job, t0 } = await waitingRun(ctx, 'cb', [prompt]);
			const big = await post(job.body.hookUrl, JSON.stringify(record(job.jobId, { pad: 'x'.repeat(BIG_BYTES) })));
			const huge = await post(job.body.hookUrl, JSON.stringify(record(job.jobId, { pad: 'x'.repeat(HUGE_BYTES) })));
			const waiting = await stillWaiting(ctx, execId);
			const end = await goodEnd(ctx, execId, 'cb', [job], t0);
			return { pass: big.status === 503 && /does not show job .* as ended yet/.test(big.text) && huge.status >= 400 && waiting && end.good, observed: `5 MiB → HTTP ${big.status} ${big.text}; 17 MiB → HTTP ${huge.status} ${huge.text.slice(0, 70)}; still waiting: ${waiting}; ${end.text}` };
		}, 15),
		cbRow(5, 'replayed callback while the batch still waits (twice, at the same moment)', '200 duplicate; the batch ends once: 2 SUCCESS items, 2 downstream items', async (ctx) => {
			const tag = ctx.tag('cb-replay');
			const prompts = [`${tag} quick [sim:render=800]`, `${tag} slow [sim:render=7000]`];
			const { execId, jobs, t0 } = await waitingRun(ctx, 'cb', prompts);
			await ctx.waitJob(jobs[0].jobId, (job) => job.callbacks.some((c) => c.status === 200));
			const replays = (await Promise.all([ctx.sim.sendCallback(jobs[0].jobId), ctx.sim.sendCallback(jobs[0].jobId)])).flat();
			const end = await goodEnd(ctx, execId, 'cb', jobs, t0);
			await ctx.sleep(2000);
			const reports = ctx.reportsOf(execId).length;
			return { pass: replays.every((s) => s === 200) && end.good && reports === 2, observed: `replays → ${JSON.stringify(replays)}; ${end.text}; downstream items after 2 s more: ${reports}` };
		}),
		cbRow(6, 'callback after the execution already finished', 'refused by n8n (4xx); nothing runs again, the result stays', async (ctx) => {
			const prompt = `${ctx.tag('cb-late')} late`;
			const t0 = Date.now();
			const execId = await ctx.start('cb', [prompt]);
			const job = await ctx.waitJobFor(prompt);
			const end = await goodEnd(ctx, execId, 'cb', [job], t0);
			const [late] = await ctx.sim.sendCallback(job.jobId);
			await ctx.sleep(2500);
			const again = await ctx.readExec(execId);
			const reports = ctx.reportsOf(execId).length;
			const pass = end.good && late >= 400 && late < 500 && again.status === 'success' && reports === 1;
			return { pass, observed: `${end.text}; late callback → HTTP ${late}; execution still ${again.status}, downstream items ${reports}` };
		}),
		cbRow(7, 'the same final callback twice at the same moment (TTAPI\'s own callback dropped)', 'the execution resumes once: 1 SUCCESS item, 1 downstream item', async (ctx) => {
			const prompt = `${ctx.tag('cb-double')} [sim:render=1500] double`;
			ctx.sim.injectFault({ endpoint: 'callback', kind: 'drop', match: { prompt } });
			const { execId, job, t0 } = await waitingRun(ctx, 'cb', [prompt]);
			await ctx.waitJob(job.jobId, (j) => j.status === 'SUCCESS');
			const statuses = (await Promise.all([ctx.sim.sendCallback(job.jobId), ctx.sim.sendCallback(job.jobId)])).flat();
			const end = await goodEnd(ctx, execId, 'cb', [job], t0);
			await ctx.sleep(3000);
			const reports = ctx.reportsOf(execId).length;
			return { pass: end.good && reports === 1, observed: `two callbacks at once → ${JSON.stringify(statuses)}; ${end.text}; downstream items after 3 s more: ${reports}` };
		}),
		cbRow(8, 'callbacks that arrive before n8n saved the execution as waiting (2 jobs that end at once; the 2nd submit answers 1.5 s late)', 'n8n answers those callbacks 409; both items SUCCESS within 30 s anyway (the node looks again by itself right after it pauses)', async (ctx) => {
			const tag = ctx.tag('cb-early');
			const prompts = [0, 1].map((i) => `${tag} instant ${i} [sim:render=0]`);
			// the node is still in execute() (submitting item 1) when item 0's job calls back
			ctx.sim.injectFault({ endpoint: 'generations', kind: 'slow', delayMs: 1500, match: { prompt: prompts[1] } });
			const t0 = Date.now();
			const execId = await ctx.start('cb', prompts);
			const r = await ctx.finish(execId, 'cb', { t0, timeoutMs: 60_000 });
			const jobs = prompts.map((p) => ctx.jobsFor(p)[0]);
			const good = r.items.length === 2 && r.items.every((item, i) => isGoodResult(ctx, item, jobs[i]));
			const answered = jobs.map((job) => JSON.stringify(job?.callbacks.map((c) => c.status)));
			const raced = jobs[0]?.callbacks.some((c) => c.status === 409);
			return { pass: r.status === 'success' && good && raced && r.seconds < 30 && r.reports.length === 2, observed: `TTAPI's callbacks answered ${answered.join(' ')}; execution ${r.status} in ${r.seconds.toFixed(0)} s: ${r.items.map((item) => describe(item, ctx)).join(' · ')}` };
		}),
		cbRow(9, 'no callback at all, the job finished (Max Wait 6 s)', 'SUCCESS with the video, found by the node\'s own looks (1, 2, 4 … s after it pauses; at Max Wait at the latest), within 60 s', async (ctx) => {
			const prompt = `${ctx.tag('cb-nocb-done')} silent`;
			ctx.sim.injectFault({ endpoint: 'callback', kind: 'drop', match: { prompt } });
			const t0 = Date.now();
			const execId = await ctx.start('cbMaxWait', [prompt]);
			const job = await ctx.waitJobFor(prompt);
			const r = await ctx.finish(execId, 'cbMaxWait', { t0, timeoutMs: 90_000 });
			const pass = r.status === 'success' && isGoodResult(ctx, r.items[0], job) && r.seconds < 60;
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(r.items[0], ctx)}; TTAPI callbacks sent ${ctx.sim.getJob(job.jobId).callbacks.length}` };
		}, 20),
		cbRow(10, 'no callback at all, the job still running at Max Wait (6 s)', 'error item "Max Wait" with the job id and last status, within 60 s', async (ctx) => {
			const prompt = `${ctx.tag('cb-nocb-running')} [sim:render=600000] forever`;
			const t0 = Date.now();
			const execId = await ctx.start('cbMaxWait', [prompt]);
			const job = await ctx.waitJobFor(prompt);
			const r = await ctx.finish(execId, 'cbMaxWait', { t0, timeoutMs: 90_000 });
			const item = r.items[0];
			const pass = r.status === 'success' && isGoodError(item, /Max Wait/, job.jobId) && item.json.status === 'ON_QUEUE' && r.seconds < 60;
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(item, ctx)}` };
		}, 20),
		cbRow(11, 'no callback, Max Wait (6 s) passes while items of the batch were never submitted (3 items, 1 in flight)', 'item 0: "Max Wait" error with its job id; items 1-2: errors saying they were not submitted (no job, nothing charged); 1 job in all', async (ctx) => {
			const tag = ctx.tag('cb-nocb-pending');
			const prompts = [0, 1, 2].map((i) => `${tag} item ${i} [sim:render=600000]`);
			const t0 = Date.now();
			const execId = await ctx.start('cbMaxWaitOne', prompts);
			const r = await ctx.finish(execId, 'cbMaxWaitOne', { t0, timeoutMs: 90_000 });
			const jobs = prompts.map((p) => ctx.jobsFor(p)[0]);
			const first = isGoodError(r.items[0], /Max Wait/, jobs[0]?.jobId);
			const notSent = (item) => isGoodError(item, /not (been )?(submitted|sent)/i) && !/undefined/.test(item.json.error) && !item.json.jobId;
			const pass = r.status === 'success' && first && notSent(r.items[1]) && notSent(r.items[2]) && !jobs[1] && !jobs[2];
			const descr = r.items.map((item) => `${describe(item)}${item.json.errorDescription ? ` — ${item.json.errorDescription.slice(0, 90)}` : ''}`);
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${descr.join(' · ')}; jobs ${jobs.filter(Boolean).length}` };
		}, 20),
	];
}

/**
 * n8n 1.x: Wait for Callback polls (its resume URLs carry no signature and 1.x would not refuse a
 * second resume), so nothing calls back; these rows show that, and Max Wait as each item's limit.
 */
function pollingRows() {
	const ONE = ['1'];
	return [
		cbRow(30, 'Wait for Callback on n8n 1.x (no signature on its resume URLs: 1.x could resume a paused execution twice)', 'it polls: SUCCESS with the video, waitMode "poll", one submission, no hookUrl sent to TTAPI; n8n\'s log says why', async (ctx) => {
			const prompt = `${ctx.tag('cb-polls')} polled`;
			const r = await ctx.generate('cb', [prompt]);
			const job = ctx.jobsFor(prompt)[0];
			const item = r.items[0];
			const logged = ctx.n8n.allLogs().includes('Sora Generate polls instead of waiting for callbacks: this n8n (1.x)');
			const hook = job?.body?.hookUrl;
			const pass = r.status === 'success' && isGoodResult(ctx, item, job) && item.json.waitMode === 'poll' && ctx.submissionsFor(prompt) === 1 && !hook && logged && r.reports.length === 1;
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(item, ctx)}, waitMode ${item?.json.waitMode}; submissions ${ctx.submissionsFor(prompt)}; hookUrl sent: ${hook ? 'yes' : 'no'}; the log line: ${logged}; downstream items ${r.reports.length}` };
		}, 8, ONE),
		cbRow(31, 'Wait for Callback on n8n 1.x, the job still running when Max Wait (6 s) passes', 'it polls with Max Wait as the item\'s limit: an error item with the job id and last status, within 60 s; one submission', async (ctx) => {
			const prompt = `${ctx.tag('cb-polls-maxwait')} [sim:render=600000] forever`;
			const r = await ctx.generate('cbMaxWait', [prompt], { timeoutMs: 90_000 });
			const job = ctx.jobsFor(prompt)[0];
			const item = r.items[0];
			const pass = r.status === 'success' && isGoodError(item, /was still ON_QUEUE when .* passed/, job?.jobId) && item.json.status === 'ON_QUEUE' && r.seconds < 60 && ctx.submissionsFor(prompt) === 1;
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(item, ctx)}, waitMode ${item?.json.waitMode}; submissions ${ctx.submissionsFor(prompt)}` };
		}, 15, ONE),
	];
}

function triggerRows() {
	const directJob = async (ctx, prompt, { key = ctx.keys.main, hookUrl } = {}) => {
		const jobId = await submitVideo(ctx.sim.url, { apiKey: key, prompt, hookUrl });
		await ctx.waitJob(jobId, (job) => job.status === 'SUCCESS');
		return jobId;
	};
	return [
		trRow(20, 'callback without a token, and with a wrong one', '401 both; no execution', async (ctx) => {
			const jobId = await directJob(ctx, `${ctx.tag('tr-token')} [sim:render=100] no hook`);
			const [none] = await ctx.sim.sendCallback(jobId, { url: ctx.triggerUrl('main', { token: false }) });
			const [wrong] = await ctx.sim.sendCallback(jobId, { url: `${ctx.triggerUrl('main', { token: false })}?${ctx.tokenParam}=${'x'.repeat(32)}` });
			const reports = await ctx.waitTrigger(jobId, { timeoutMs: 3000, quietMs: 0 });
			return { pass: none === 401 && wrong === 401 && reports.length === 0, observed: `no token → HTTP ${none}, wrong token → HTTP ${wrong}; executions ${reports.length}` };
		}),
		trRow(21, 'callback for an unknown job id (right token), forged videoUrl', 'one execution marked verified:false with verifyError "does not know job" (downstream can tell); no forged video passed on', async (ctx) => {
			const jobId = crypto.randomUUID();
			const res = await post(ctx.triggerUrl(), JSON.stringify({ status: 'SUCCESS', message: '', jobId, data: { videoUrl: `${ctx.sink.url}/forged.mp4` } }));
			const reports = await ctx.waitTrigger(jobId, { timeoutMs: 30_000 });
			const item = reports[0] ? await triggerItem(ctx, reports[0].exec) : undefined;
			const j = item?.json || {};
			const pass = res.status === 200 && reports.length === 1 && j.verified === false && /does not know job/.test(j.verifyError ?? '') && !item.binary;
			return { pass, observed: `HTTP ${res.status}; executions ${reports.length}: verified ${j.verified}, verifyError "${(j.verifyError ?? '').slice(0, 100)}", downloadError "${(j.downloadError ?? '').slice(0, 80)}", binary ${item?.binary ? 'yes' : 'no'}` };
		}, 15),
		trRow(22, 'callback for a job of another TTAPI account (right token)', 'one execution marked verified:false with verifyError "does not know job"', async (ctx) => {
			const jobId = await directJob(ctx, `${ctx.tag('tr-other')} [sim:render=100] other account`, { key: ctx.keys.other, hookUrl: ctx.triggerUrl() });
			const reports = await ctx.waitTrigger(jobId, { timeoutMs: 30_000 });
			const j = reports[0] ? (await triggerItem(ctx, reports[0].exec))?.json || {} : {};
			const pass = reports.length === 1 && j.verified === false && /does not know job/.test(j.verifyError ?? '');
			return { pass, observed: `executions ${reports.length}: verified ${j.verified}, verifyError "${(j.verifyError ?? '').slice(0, 120)}"` };
		}, 15),
		trRow(23, 'callback body that is not JSON (as JSON, and as text)', '4xx both; no execution', async (ctx) => {
			const asJson = await post(ctx.triggerUrl(), '{"status": "SUCC', 'application/json');
			const asText = await post(ctx.triggerUrl(), 'this is not json', 'text/plain');
			const refused = (s) => s >= 400 && s < 500;
			return { pass: refused(asJson.status) && refused(asText.status), observed: `broken JSON → HTTP ${asJson.status} ${asJson.text.slice(0, 60)}; text → HTTP ${asText.status} ${asText.text.slice(0, 60)} (executions without a job id are counted in the final row)` };
		}),
		trRow(24, `huge callback body (${HUGE_BYTES >> 20} MiB)`, 'refused by n8n (over its 16 MiB body limit); no execution; the trigger still works afterwards', async (ctx) => {
			const jobId = await directJob(ctx, `${ctx.tag('tr-huge')} [sim:render=100] huge`);
			const fetchBody = ctx.sim.getJob(jobId).fetchBody;
			const huge = await post(ctx.triggerUrl(), JSON.stringify({ ...fetchBody, pad: 'x'.repeat(HUGE_BYTES) }));
			const none = await ctx.waitTrigger(jobId, { timeoutMs: 3000, quietMs: 0 });
			const [normal] = await ctx.sim.sendCallback(jobId, { url: ctx.triggerUrl() });
			const after = await ctx.waitTrigger(jobId);
			const pass = huge.status >= 400 && none.length === 0 && normal === 200 && after.length === 1;
			return { pass, observed: `17 MiB → HTTP ${huge.status} ${huge.text.slice(0, 70)}; executions then ${none.length}; a normal callback after it → HTTP ${normal}, executions ${after.length}` };
		}, 15),
		trRow(25, 'replayed callback (the same job twice, one after the other)', '200 both; the job reaches the next node once (n8n 1.x starts no second execution; on 2.41.1 one starts and the trigger stops it)', async (ctx) => {
			const jobId = await directJob(ctx, `${ctx.tag('tr-replay')} [sim:render=100] replay`, { hookUrl: ctx.triggerUrl() });
			await ctx.waitTrigger(jobId, { quietMs: 0 });
			const replays = await ctx.sim.sendCallback(jobId, { times: 2 });
			const reports = await ctx.waitTrigger(jobId, { quietMs: 8000 });
			return { pass: replays.every((s) => s === 200) && reports.length === 1, observed: `replays → ${JSON.stringify(replays)}; executions that reached the next node ${reports.length}` };
		}, 14),
		trRow(26, 'the same callback three times at the same moment', 'all three 200 (no process memory, no 409); the job reaches the next node once: the other executions stop at the trigger (its claim in n8n\'s database)', async (ctx) => {
			const prompt = `${ctx.tag('tr-burst')} [sim:render=100] burst`;
			ctx.sim.injectFault({ endpoint: 'callback', kind: 'drop', match: { prompt } });
			const jobId = await directJob(ctx, prompt, { hookUrl: ctx.triggerUrl() });
			const statuses = (await Promise.all([0, 1, 2].map(() => ctx.sim.sendCallback(jobId)))).flat();
			const reports = await ctx.waitTrigger(jobId, { quietMs: 8000 });
			const pass = statuses.every((s) => s === 200) && reports.length === 1;
			return { pass, observed: `callbacks → ${JSON.stringify(statuses)}; executions that reached the next node ${reports.length}` };
		}, 16),
		trRow(27, 'no callback at all (TTAPI never calls)', 'nothing starts; the submit output kept the job id; Get Video with it returns SUCCESS with the video', async (ctx) => {
			const prompt = `${ctx.tag('tr-nocb')} silent`;
			ctx.sim.injectFault({ endpoint: 'callback', kind: 'drop', match: { prompt } });
			const r = await ctx.generate('none', [prompt]);
			const submitted = r.items[0]?.json || {};
			const job = ctx.jobsFor(prompt)[0];
			await ctx.waitJob(job.jobId, (j) => j.status === 'SUCCESS');
			const reports = await ctx.waitTrigger(job.jobId, { timeoutMs: 3000, quietMs: 0 });
			const g = await ctx.generate('getVideo', [{ jobId: submitted.jobId }]);
			const pass = submitted.jobId === job.jobId && reports.length === 0 && isGoodResult(ctx, g.items[0], job);
			return { pass, observed: `submit ${submitted.status} ${short(submitted.jobId)}; trigger executions ${reports.length}; Get Video → ${describe(g.items[0], ctx)}` };
		}),
	];
}

function rows() {
	return [...callbackRows(), ...pollingRows(), ...triggerRows()];
}

module.exports = { rows };
