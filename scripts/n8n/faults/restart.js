'use strict';
// 7. n8n stopped and restarted while executions wait (Wait for Callback), while the trigger
//    workflow is active, and while a Poll execution runs. Nothing may be lost: every item ends as
//    a result, or carries its job id (or says it was never submitted), and no job is submitted
//    twice. Runs on its own after the other rows, since it stops n8n (twice):
//
//   restart 1  executions waiting / a poll running / the trigger active; callbacks for jobs that
//              ended while n8n was down are resent by "TTAPI" until they get a 2xx (TTAPI's
//              retry policy is not documented: rows saying "lost for good" get no callback).
//   restart 2  callbacks arriving *during* n8n's shutdown (n8n 2.x keeps answering webhooks while
//              it waits for running executions); TTAPI resends anything but a 2xx.
//
// On n8n 1.x Wait for Callback polls (no execution waits there), so its waiting rows run on 2.x
// only; on 1.x the polling one is the "stops while … polls a batch" row.

const { execFileSync } = require('node:child_process');

const { submitVideo } = require('../../../test/simulator/client');
const { describe, isGoodResult, triggerItem, short } = require('./check');

const ROW_NAMES = ['7 n8n restarts while executions wait callback', '7 n8n restarts trigger', '7 n8n stopped poll', '7 shutdown'];
const MAX_WAIT_FALLBACK_MS = 240_000;
/** A render that never ends by itself: the row ends the job with sim.endJob() when it needs it to end. */
const HELD = '[sim:render=3600000]';

function result(fault, mode, expected, order) {
	return { group: 7, order, fault, mode, expected };
}

/** The lines n8n logged in one of its runs, counted from the end (-1: the run going on now). */
function linesOfRun(ctx, fromEnd) {
	return (ctx.n8n.allLogs().split('===== n8n start').at(fromEnd) ?? '').split('\n');
}

async function directJob(ctx, prompt, hookUrl) {
	return await submitVideo(ctx.sim.url, { apiKey: ctx.keys.main, prompt, hookUrl });
}

/**
 * When the sender sends again after try `attempt` (0-based) got anything but a 2xx, or no answer
 * within 10 s. TTAPI's resend policy is not documented, so the rows use two:
 * - `steady`: every 2 s, for the few callbacks of the restart rows, whose point is the resend
 *   that comes after the restart.
 * - `backoff`: 2, 4, 8 s, then every 10 s, as webhook senders back off, for the shutdown row's
 *   150 callbacks. A steady 2 s there kept n8n 2.x overloaded whenever the Sora Trigger's answers
 *   passed 10 s: every resend of a call that n8n was still running started one more execution
 *   (1,296 trigger executions for about 75 jobs in one CI run, and a 298 s start;
 *   docs/RELIABILITY.md, "The restart stall on n8n 2.41.1").
 * While n8n starts, a resend can meet two n8n behaviours that no node can change
 * (docs/RELIABILITY.md, n8n restarts): for about 12 ms, once its database is connected and before
 * its migrations are checked, n8n answers any call 200 "n8n is starting up. Please wait"
 * (abstract-server.js), so the sender stops and the callback is lost; and n8n 2.41.1 takes resume
 * calls before its start-up recovery, which then marks the resumed execution crashed. A callback
 * for a job that ended while n8n was down is therefore resent once n8n has started
 * (`resendAfter`); resent 6 s after the stop, both restart rows met the first one.
 */
const RESEND_AFTER_MS = {
	steady: () => 2000,
	backoff: (attempt) => Math.min(2000 * 2 ** attempt, 10_000),
};

/**
 * A callback with TTAPI-like resends (RESEND_AFTER_MS[resend]) until a 2xx, at most `tries` times;
 * with `resendAfter` (a promise), the first resend waits for it.
 */
async function deliver(ctx, jobId, url, { tries = 30, resend = 'steady', resendAfter } = {}) {
	const statuses = [];
	/** When each try was sent, ms after the first; for the report of jobs that ran twice. */
	statuses.sentAt = [];
	const t0 = Date.now();
	for (let i = 0; i < tries; i++) {
		let status = null;
		statuses.sentAt.push(Date.now() - t0);
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'user-agent': 'ttapi-simulator' },
				body: JSON.stringify(ctx.sim.getJob(jobId).fetchBody),
				signal: AbortSignal.timeout(10_000),
			});
			status = response.status;
			statuses.last = (await response.text()).slice(0, 80);
		} catch {
			status = null;
		}
		statuses.push(status);
		if (status !== null && status >= 200 && status < 300) {
			statuses.answeredAt = Date.now();
			break;
		}
		if (i === 0 && resendAfter) await resendAfter;
		else await ctx.sleep(RESEND_AFTER_MS[resend](i));
	}
	return statuses;
}

/** The machine's busiest processes, a line each (for reports; '' where `ps` is missing). */
function processesByCpu() {
	try {
		return execFileSync('ps', ['-eo', 'pid,etime,pcpu,rss,args', '--sort=-pcpu'], { encoding: 'utf8' })
			.split('\n')
			.slice(0, 12)
			.map((line) => line.slice(0, 200))
			.join('\n');
	} catch {
		return '';
	}
}

/** Waits until n8n serves /webhook-waiting/ (it answers a call without n8n's signature 401, not 404). */
async function resumeUrlsServed(ctx, execId, { timeoutMs = 15_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = await fetch(`${ctx.n8n.baseUrl}/webhook-waiting/${execId}`).then((r) => r.status, () => null);
		if (status !== null && status !== 404) return;
		if (Date.now() > deadline) throw new Error(`n8n did not serve /webhook-waiting/ within ${timeoutMs} ms after its start (last answer ${status})`);
		await ctx.sleep(250);
	}
}

/** An execution's stored data, as text ('' when n8n has none). */
async function storedData(ctx, executionId) {
	const [row] = await ctx.n8n.dbQuery('SELECT data FROM execution_data WHERE executionId = ?', [executionId]);
	return String(row?.data ?? '');
}

const shown = (statuses) => statuses.map((x) => x ?? '-').join(',');
const shownWithBody = (statuses) => `${shown(statuses)} ${statuses.last ?? ''}`.trim();
const callbacksOf = (ctx, jobId) => JSON.stringify(ctx.sim.getJob(jobId).callbacks.map((c) => c.status ?? '-'));

async function phase(ctx, _earlier, { only } = {}) {
	const t0 = Date.now();
	const out = [];
	const add = (row, pass, observed) => out.push({ ...row, pass: !!pass, observed, seconds: (Date.now() - t0) / 1000 });
	const tag = ctx.tag('restart');
	const p = (name, extra = '') => `${tag} ${name} ${extra}`.trim();
	const started = {};
	const start = async (key, route, items) => {
		started[key] = { execId: await ctx.start(route, Array.isArray(items) ? items : [items]), t: Date.now(), route };
	};
	const jobOf = (prompt) => ctx.jobsFor(prompt)[0];
	const waiting = async (keys) => {
		for (const key of keys) {
			const w = await ctx.waitExec(started[key].execId, { pred: (s) => s === 'waiting', timeoutMs: 20_000 });
			if (w.timedOut) throw new Error(`${key} never waited (status ${w.status})`);
		}
	};
	try {
		// ================================================================ restart 1
		const before = await directJob(ctx, p('handled before', '[sim:render=100]'), ctx.triggerUrl());
		await ctx.waitTrigger(before, { quietMs: 0 });

		// Jobs that must end while n8n is down or after the restart are held (HELD) and ended with
		// sim.endJob() then: Wait for Callback looks again by itself seconds after it pauses, so a
		// job that ended before the stop would be found before the stop.
		const prompts = {
			r1: p('cb ends after restart', HELD),
			r2: p('cb ends while down', HELD),
			r3: p('cb lost callback', HELD),
			// execute() polls items 0-1 to their end, then submits item 2 and pauses with all three job IDs
			r4: [0, 1, 2].map((i) => p(`cb batch item ${i}`, i < 2 ? '[sim:render=300]' : HELD)),
			// started just before the stop: execute() is still submitting (one place, 3 s renders)
			r4b: [0, 1, 2].map((i) => p(`cb batch b item ${i}`, i < 2 ? '[sim:render=3000]' : HELD)),
			r5: p('trigger ends after restart', HELD),
			r6: p('trigger ends while down', HELD),
			r7: p('trigger lost callback', HELD),
			r9: p('poll during shutdown', '[sim:render=5000]'),
		};
		// held back: r2/r6 and r4b's last item are called back (and resent) once n8n is down; r3/r7 never
		for (const prompt of [prompts.r2, prompts.r3, prompts.r6, prompts.r7, prompts.r4b[2]]) ctx.sim.injectFault({ endpoint: 'callback', kind: 'drop', match: { prompt } });

		// n8n 1.x: Wait for Callback polls, so no execution waits across a restart there (r4b shows the polling one).
		const waits = ctx.line !== '1';
		await Promise.all([
			...(waits ? [start('r1', 'cb', prompts.r1), start('r2', 'cb', prompts.r2), start('r3', 'cbLost', prompts.r3), start('r4', 'cbOne', prompts.r4)] : []),
			start('r5', 'none', prompts.r5),
			start('r6', 'none', prompts.r6),
			start('r7', 'none', prompts.r7),
		]);
		if (waits) await waiting(['r1', 'r2', 'r3', 'r4']);
		// every item of r4 was submitted before the pause: the waiting execution stores all job IDs
		const r4AtPause = waits ? prompts.r4.map((prompt) => ctx.submissionsFor(prompt)) : [];
		const submits = {};
		for (const key of ['r5', 'r6', 'r7']) submits[key] = await ctx.finish(started[key].execId, 'none', { t0: started[key].t, timeoutMs: 20_000 });
		await start('r9', 'poll', prompts.r9);
		await ctx.waitJobFor(prompts.r9);
		await start('r4b', 'cbOne', prompts.r4b);
		await ctx.waitJobFor(prompts.r4b[0]);
		await ctx.sleep(300);

		let stopT = Date.now();
		await ctx.n8n.stop({ graceMs: 45_000 });
		const stop1 = (Date.now() - stopT) / 1000;
		// the jobs that end while n8n is down; TTAPI resends the callbacks of r2, r6 and r4b's last job
		const endedWhileDown = waits ? ['r2', 'r3', 'r6', 'r7'] : ['r6', 'r7'];
		for (const key of endedWhileDown) ctx.sim.endJob((await ctx.waitJobFor(prompts[key])).jobId);
		// TTAPI's first try meets no n8n; it resends once n8n has started (see RESEND_AFTER_MS)
		let restarted;
		const resendAfter = new Promise((resolve) => (restarted = resolve));
		const downDeliveries = {};
		for (const key of waits ? ['r2', 'r6'] : ['r6']) {
			const job = jobOf(prompts[key]);
			downDeliveries[key] = deliver(ctx, job.jobId, job.body.hookUrl, { resendAfter });
		}
		// r4b's last job, if n8n 2.x let execute() submit it during the graceful shutdown
		const r4bLast = ctx.jobsFor(prompts.r4b[2])[0];
		if (r4bLast) {
			ctx.sim.endJob(r4bLast.jobId);
			downDeliveries.r4b = deliver(ctx, r4bLast.jobId, r4bLast.body.hookUrl, { resendAfter });
		}
		await ctx.sleep(3000);
		await ctx.n8n.start();
		restarted();
		// the jobs that end after the restart, once n8n serves resume URLs; their callbacks are TTAPI's own
		if (waits) await resumeUrlsServed(ctx, started.r1.execId);
		for (const prompt of [...(waits ? [prompts.r1, prompts.r4[2]] : []), prompts.r5]) ctx.sim.endJob((await ctx.waitJobFor(prompt)).jobId);
		const down1 = `n8n stopped in ${stop1.toFixed(0)} s, down ${((Date.now() - stopT) / 1000).toFixed(0)} s`;
		ctx.log(`restart 1: ${down1}`);

		{
			// n8n 2.x waits for running executions when it stops; n8n 1.x cancels them.
			const graceful = ctx.line !== '1';
			const expected = graceful
				? "n8n's graceful shutdown lets it finish: SUCCESS with the video"
				: "n8n 1.x cancels it; the job ID is in n8n's log (for Get Video), the job ran once";
			const row = result('n8n stopped (SIGTERM) while a Poll execution runs (its job ends 5 s later)', 'poll', expected, 0);
			const job = jobOf(prompts.r9);
			const r = await ctx.finish(started.r9.execId, 'poll', { t0: started.r9.t, timeoutMs: 30_000 });
			if (graceful) add(row, r.status === 'success' && isGoodResult(ctx, r.items[0], job), `${down1}; execution ${r.status}: ${describe(r.items[0], ctx)}`);
			else {
				const logged = ctx.n8n.allLogs().includes(`stopped waiting for TTAPI job ${job.jobId}`);
				add(row, r.status === 'canceled' && logged && ctx.submissionsFor(prompts.r9) === 1, `${down1}; execution ${r.status}; job ${short(job.jobId)} in n8n's log: ${logged}; submissions ${ctx.submissionsFor(prompts.r9)}`);
			}
		}
		if (waits) {
			const row = result('n8n restarts while an execution waits; the job ends after the restart', 'callback', 'TTAPI\'s callback resumes it: SUCCESS with the video', 1);
			const job = jobOf(prompts.r1);
			const r = await ctx.finish(started.r1.execId, 'cb', { t0: started.r1.t, timeoutMs: 90_000 });
			add(row, r.status === 'success' && isGoodResult(ctx, r.items[0], job) && r.reports.length === 1, `${down1}; execution ${r.status} after ${r.seconds.toFixed(0)} s: ${describe(r.items[0], ctx)}; callbacks answered ${callbacksOf(ctx, job.jobId)}`);
		}
		if (waits) {
			const row = result('n8n restarts while an execution waits; the job ends while n8n is down (TTAPI resends its callback)', 'callback', 'the resent callback resumes it after the restart: SUCCESS with the video', 2);
			const job = jobOf(prompts.r2);
			const answers = await downDeliveries.r2;
			const r = await ctx.finish(started.r2.execId, 'cb', { t0: started.r2.t, timeoutMs: 90_000 });
			const good = r.status === 'success' && isGoodResult(ctx, r.items[0], job) && r.reports.length === 1;
			add(row, good, `callback answers ${shown(answers)}; execution ${r.status} after ${r.seconds.toFixed(0)} s: ${describe(r.items[0], ctx)}`);
		}
		{
			const row = result('n8n restarts while the trigger workflow is active; the job ends after the restart', 'trigger', 'one trigger execution, verified, with the video', 5);
			const job = jobOf(prompts.r5);
			const reports = await ctx.waitTrigger(job.jobId, { timeoutMs: 60_000 });
			const item = reports[0] ? await triggerItem(ctx, reports[0].exec) : undefined;
			add(row, reports.length === 1 && item?.json.verified === true && ctx.binarySize(item) === ctx.videoBytes, `trigger executions ${reports.length}: ${item?.json.status}, verified ${item?.json.verified}, video ${ctx.binarySize(item) ?? 'none'} B`);
		}
		{
			const row = result('the job ends while n8n is down (TTAPI resends its callback)', 'trigger', 'one trigger execution after the restart, verified, with the video', 6);
			const job = jobOf(prompts.r6);
			const answers = await downDeliveries.r6;
			const reports = await ctx.waitTrigger(job.jobId, { timeoutMs: 60_000 });
			const item = reports[0] ? await triggerItem(ctx, reports[0].exec) : undefined;
			add(row, reports.length === 1 && item?.json.verified === true && ctx.binarySize(item) === ctx.videoBytes, `callback answers ${shown(answers)}; trigger executions ${reports.length}: ${item?.json.status}, verified ${item?.json.verified}`);
		}
		{
			const row = result('the job ends while n8n is down and its callback is lost for good', 'trigger', 'nothing starts; the submit output has the job id; Get Video after the restart returns SUCCESS with the video', 7);
			const job = jobOf(prompts.r7);
			const submitted = submits.r7.items[0]?.json || {};
			const reports = ctx.triggerReports(job.jobId);
			const g = await ctx.generate('getVideo', [{ jobId: submitted.jobId }]);
			add(row, submitted.jobId === job.jobId && reports.length === 0 && isGoodResult(ctx, g.items[0], job), `submit ${submitted.status} ${short(submitted.jobId)}; trigger executions ${reports.length}; Get Video → ${describe(g.items[0], ctx)}`);
		}
		{
			// The replayed job was handled before the restart: its claim is in n8n's processed data
			// (the database), so a replay after the restart reaches nothing on either line (on 2.41.1
			// the static data often misses the key and an execution starts, then stops at the trigger).
			const row = result('a callback handled before the restart is replayed after it', 'trigger', '200; the job does not reach the next node again (the claim survives in n8n\'s database)', 8);
			const [status] = await ctx.sim.sendCallback(before);
			const reports = await ctx.waitTrigger(before, { timeoutMs: 3000, quietMs: 8000 });
			const pass = status === 200 && reports.length === 1;
			add(row, pass, `replay → HTTP ${status}; executions for the job that reached the next node ${reports.length}`);
		}
		// ================================================================ restart 2
		// finished trigger jobs without a hookUrl of their own, and (2.x) waiting executions whose
		// held jobs end as the shutdown begins, their callbacks held back; both are called back
		// during the shutdown
		const floodJobs = [];
		for (let i = 0; i < 150; i++) floodJobs.push(await directJob(ctx, p(`trigger callback during shutdown ${i}`, '[sim:render=50]')));
		const sdPrompts = waits ? [0, 1, 2].map((i) => p(`cb final callback during shutdown ${i}`, HELD)) : [];
		for (const prompt of sdPrompts) ctx.sim.injectFault({ endpoint: 'callback', kind: 'drop', match: { prompt } });
		await Promise.all(sdPrompts.map((prompt, i) => start(`sd${i}`, 'cbRestartOne', prompt)));
		await waiting(sdPrompts.map((_, i) => `sd${i}`));
		const sdJobs = sdPrompts.map(jobOf);
		for (const id of floodJobs) await ctx.waitJob(id, (j) => j.status === 'SUCCESS');
		await start('busy', 'poll', p('poll keeping n8n busy at shutdown', '[sim:render=5000]'));
		await ctx.sleep(1000);

		// What else ran on the machine as n8n began to stop (for the report of a bad run below).
		const machineAtStop = processesByCpu();
		stopT = Date.now();
		const stopping = ctx.n8n.stop({ graceMs: 45_000 });
		for (const job of sdJobs) ctx.sim.endJob(job.jobId);
		let stopped = false;
		stopping.then(() => (stopped = true));
		const floodDeliveries = [];
		// Half the callbacks go to n8n's own Webhook node instead, to tell our losses from n8n's.
		const stockDeliveries = [];
		const sdDeliveries = [];
		const listening = async () => {
			try {
				await fetch(`${ctx.n8n.baseUrl}/healthz`, { signal: AbortSignal.timeout(500) });
				return true;
			} catch {
				return false;
			}
		};
		// One callback every 300 ms while n8n 2.x waits for the busy Poll execution, then a burst
		// (one every 25 ms) from the moment its job ends: n8n then closes its database while it
		// still answers webhooks. n8n 1.x cancels running executions and stops within ~1 s, so
		// there the callbacks come every 50 ms from the start. (Denser callbacks on 2.x only make
		// n8n wait for their executions until its 30 s shutdown timeout.)
		const spacing = ctx.line === '1' ? 2 : 12;
		const busyJob = await ctx.waitJobFor(p('poll keeping n8n busy at shutdown', '[sim:render=5000]'));
		let burst = 0;
		for (let i = 0, tick = 0; i < floodJobs.length && !stopped; tick++) {
			if (tick % 4 === 0 && !(await listening())) break;
			const busyDone = ctx.sim.getJob(busyJob.jobId).status === 'SUCCESS';
			if ((busyDone && burst < 80) || tick % spacing === 0) {
				if (busyDone) burst += 1;
				const jobId = floodJobs[i++];
				// Every other callback goes to n8n's own Webhook node: same moments, same load.
				const toStock = i % 2 === 0;
				(toStock ? stockDeliveries : floodDeliveries).push(
					deliver(ctx, jobId, toStock ? ctx.stockWebhookUrl() : ctx.triggerUrl(), { tries: 20, resend: 'backoff' }).then((statuses) => ({ jobId, statuses })),
				);
			}
			const sdNow = sdDeliveries.length === 0 ? tick === 8 : busyDone && burst === sdDeliveries.length * 6;
			if (sdNow && sdDeliveries.length < sdJobs.length) {
				const index = sdDeliveries.length;
				sdDeliveries.push(deliver(ctx, sdJobs[index].jobId, sdJobs[index].body.hookUrl).then((statuses) => ({ index, statuses })));
			}
			await ctx.sleep(25);
		}
		await stopping;
		const stop2 = (Date.now() - stopT) / 1000;
		// Resent callbacks keep coming while n8n starts and recovers the executions it killed: on a
		// busy 2-core machine one start took longer than the usual 2 minutes.
		await ctx.n8n.start({ timeoutMs: 300_000 });
		// A start this slow is the stall issue 16 names (seen 1 run in 3 in CI, not yet explained):
		// keep n8n's own account of it in the CI log (with N8N_LOG_TIMES=1 its lines carry times).
		if (ctx.n8n.startedInMs > 60_000) {
			const serverLog = linesOfRun(ctx, -1).slice(0, 200).join('\n');
			ctx.log(`restart 2: n8n took ${(ctx.n8n.startedInMs / 1000).toFixed(0)} s to start; its log from the start on:\n${serverLog}`);
		}
		const down2 = `n8n stopped in ${stop2.toFixed(0)} s, down ${((Date.now() - stopT) / 1000).toFixed(0)} s`;
		ctx.log(`restart 2: ${down2}`);
		{
			// n8n 1.x answers a webhook, and saves the trigger's static data, before it starts the
			// execution (webhook-helpers: the onReceived answer precedes WorkflowRunner.run): a callback
			// that lands in its ~1 s shutdown can be answered and then not run. 2.x answers after.
			const answersFirst = ctx.line === '1';
			const row = result(
				'shutdown: callbacks to the Sora Trigger arrive while n8n shuts down (one every 300 ms — 50 ms on 1.x, whose shutdown takes ~1 s — then one every 25 ms once n8n\'s last execution ends; TTAPI resends anything but a 2xx); every other callback goes to a stock Webhook node instead',
				'trigger',
				answersFirst
					? 'n8n 1.x answers before it starts an execution, so a callback in its shutdown can be lost (reported, not failed); a job runs twice only when TTAPI resent it (no answer) and n8n\'s database could not record the first run (logged)'
					: 'no job is lost: each starts an execution (or n8n\'s own Webhook node, under the same load, loses as large a share), which reaches Report or, killed by n8n at its 30 s shutdown limit, is kept as a crashed execution holding the job; a job runs twice only when both hold: TTAPI resent it (n8n ran the execution but its answer never came) and n8n\'s database could not record the first run (the trigger logged so)',
				10,
			);
			const delivered = await Promise.all(floodDeliveries);
			// When the trigger's first answers were late (the bad runs of issue 16), keep n8n's own
			// account of the shutdown in the CI log (with N8N_LOG_TIMES=1 its lines carry times).
			const late = delivered.filter(({ statuses }) => statuses[0] !== 200).length;
			if (late > 0) {
				const shutdownLog = linesOfRun(ctx, -2).slice(-250).join('\n');
				ctx.log(`restart 2: ${late} first callbacks to the Sora Trigger got no 200; the busiest processes as n8n began to stop:\n${machineAtStop}\nn8n's log up to its stop:\n${shutdownLog}`);
			}
			const stockDelivered = await Promise.all(stockDeliveries);
			// The last answers started executions that may still be claiming or downloading their job.
			const quiet = await ctx.quietExecutions({ workflowIds: [ctx.workflows.trigger.id, ctx.workflows.stockWebhook.id], withinMs: 120_000 });
			// A callback that n8n answered 200 with its start-up page ran nowhere: n8n's loss, counted
			// apart (see RESEND_AFTER_MS); the stock Webhook's callbacks meet it the same way.
			const startUpPage = (statuses) => /^n8n is starting up/.test(statuses.last ?? '');
			const tally = (list, countOf) => {
				const seen = list.map(({ jobId, statuses }) => ({ jobId, answers: shown(statuses), count: countOf(jobId), startUp: startUpPage(statuses) }));
				const groups = {};
				for (const x of seen) groups[`[${x.answers} → ${x.count}]`] = (groups[`[${x.answers} → ${x.count}]`] || 0) + 1;
				const lostJobs = seen.filter((x) => x.count === 0 && !x.startUp).map((x) => x.jobId);
				return {
					lost: lostJobs.length,
					lostJobs,
					startUp: seen.filter((x) => x.count === 0 && x.startUp).length,
					twice: seen.filter((x) => x.count > 1).length,
					text: Object.entries(groups).map(([k, n]) => `${k} ×${n}`).join(' '),
				};
			};
			// n8n kills the executions still running when it stops: 2.41.1 when its 30 s shutdown
			// limit passes (it keeps taking webhooks until then, so executions keep starting), 1.x
			// within its ~1 s shutdown. A trigger execution takes about a second (its claim), so one can
			// be among them: n8n keeps it as a crashed execution whose stored input holds the job
			// (findable, Get Video). A job is lost only when no execution holds it. Only the crashed
			// executions' data is read: a long read of n8n 1.x's SQLite (not in WAL mode) makes n8n's
			// own writes fail meanwhile.
			const crashedRows = [];
			const ids = await ctx.n8n.dbQuery("SELECT id FROM execution_entity WHERE workflowId = ? AND status = 'crashed'", [ctx.workflows.trigger.id]);
			for (const { id } of ids) {
				crashedRows.push({ id, data: await storedData(ctx, id) });
			}
			const crashedHolding = (jobId) => crashedRows.filter((row) => row.data.includes(jobId));
			const crashed = [];
			for (const { jobId } of delivered) {
				for (const row of crashedHolding(jobId)) {
					crashed.push(`${jobId.slice(0, 8)} in execution ${row.id}`);
					ctx.crashedAtShutdown.add(String(row.id));
				}
			}
			const ours = tally(delivered, (jobId) => ctx.triggerReports(jobId).length || (crashedHolding(jobId).length ? 1 : 0));
			const stock = tally(stockDelivered, (jobId) => ctx.stockReports(jobId).length);
			// The trigger lets a job run twice only when both hold: TTAPI had to resend (n8n's answer
			// to the first callback never came), and n8n's database could not record the first
			// execution's claim (it logged so), so nothing durable tells the resend that the job ran.
			// Any other second execution fails the row.
			const logs = ctx.n8n.allLogs();
			const explained = [];
			const unexplained = [];
			for (const { jobId, statuses } of delivered) {
				if (ctx.triggerReports(jobId).length < 2) continue;
				const resent = statuses.length > 1;
				const unchecked = logs.includes(`could not check n8n's record of handled jobs for job ${jobId}`);
				(resent && unchecked ? explained : unexplained).push(`${jobId.slice(0, 8)} [${shown(statuses)}] sent at ${statuses.sentAt.join('/')} ms`);
			}
			const listed = (list) => (list.length ? `${list.length}: ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}` : '0');
			const share = (n, of) => (of ? n / of : 0);
			const pass =
				delivered.length > 0 &&
				quiet.open.length === 0 &&
				(answersFirst || share(ours.lost, delivered.length) <= share(stock.lost, stockDelivered.length)) &&
				unexplained.length === 0;
			add(row, pass, `${down2}; ${delivered.length} jobs called back to the Sora Trigger during the shutdown: ${ours.lost} without an execution${ours.lost ? ` (${ours.lostJobs.join(', ')})` : ''} (and ${ours.startUp} answered by n8n's start-up page), ${ours.twice} with two or more (resent after an answer that never came, and logged as unchecked: ${listed(explained)}; otherwise: ${listed(unexplained)}); [answers → executions] × jobs: ${ours.text}. Stock Webhook, ${stockDelivered.length} jobs: ${stock.lost} without an execution (and ${stock.startUp} answered by n8n's start-up page), ${stock.twice} with two or more; ${stock.text}. Killed by n8n at its shutdown limit, kept as crashed executions holding the job: ${crashed.length ? crashed.join(', ') : 'none'}; counted after ${quiet.waitedS} s for running executions to end${quiet.open.length ? `, still open: ${quiet.open.map((r) => r.id).join(', ')}` : ''}`);
		}
		if (waits) {
			const row = result('shutdown: the final callbacks of 3 waiting executions arrive while n8n shuts down (their jobs end as it begins; one callback early, two as it finishes its last execution; TTAPI resends anything but a 2xx)', 'callback', 'each execution ends with SUCCESS and the video (now or after the restart)', 11);
			const delivered = await Promise.all(sdDeliveries);
			// executions whose callback did not fall into the shutdown are called back normally
			for (let i = delivered.length; i < sdJobs.length; i++) await ctx.sim.sendCallback(sdJobs[i].jobId);
			const seen = [];
			let pass = delivered.length > 0;
			for (const { index, statuses } of delivered) {
				const r = await ctx.finish(started[`sd${index}`].execId, 'cbRestartOne', { t0: started[`sd${index}`].t, timeoutMs: MAX_WAIT_FALLBACK_MS });
				const ok = r.status === 'success' && isGoodResult(ctx, r.items[0], sdJobs[index]);
				pass = pass && ok;
				seen.push(`[${shownWithBody(statuses)}] → ${r.status} after ${r.seconds.toFixed(0)} s: ${ok ? 'SUCCESS with video' : describe(r.items[0], ctx)}`);
			}
			for (let i = delivered.length; i < sdJobs.length; i++) await ctx.finish(started[`sd${i}`].execId, 'cbRestartOne', { timeoutMs: MAX_WAIT_FALLBACK_MS });
			add(row, pass, `${down2}; ${delivered.length} callbacks during the shutdown: ${seen.join(' · ')}`);
		}

		// ================================================================ after Max Wait
		// the look-again loop of the process that paused it died with it, so nothing resumes r3: n8n
		// ends the wait itself 2 min after Max Wait
		if (waits) {
			const row = result('n8n restarts while an execution waits; the job ends while n8n is down and its callback is lost for good (Max Wait 1 min, after the restart)', 'callback', 'n8n ends the wait (2 min after Max Wait): the item carries its job id and a note to use Get Video', 3);
			const job = jobOf(prompts.r3);
			const r = await ctx.finish(started.r3.execId, 'cbLost', { t0: started.r3.t, timeoutMs: MAX_WAIT_FALLBACK_MS });
			const j = r.items[0]?.json || {};
			add(row, r.status === 'success' && j.jobId === job.jobId && /Get Video/.test(j.error ?? '') && r.reports.length === 1, `execution ${r.status} after ${r.seconds.toFixed(0)} s: ${JSON.stringify({ jobId: short(j.jobId), status: j.status, error: (j.error ?? '').slice(0, 90) })}`);
		}
		if (waits) {
			const row = result('n8n restarts while a batch larger than Max Jobs in Flight waits (3 items, 1 in flight); the last job ends after the restart', 'callback', 'every item was submitted before the pause (one job each, all job IDs stored); the last job\'s callback after the restart resumes it: 3 SUCCESS with videos', 4);
			const jobs = prompts.r4.map(jobOf);
			const r = await ctx.finish(started.r4.execId, 'cbOne', { t0: started.r4.t, timeoutMs: 120_000 });
			const once = prompts.r4.every((prompt) => ctx.submissionsFor(prompt) === 1);
			const good = r.items.length === 3 && r.items.every((item, i) => isGoodResult(ctx, item, jobs[i]));
			const pass = r.status === 'success' && r4AtPause.every((n) => n === 1) && once && good && r.reports.length === 3;
			add(row, pass, `jobs per item when the execution paused ${r4AtPause.join('/')}; execution ${r.status} after ${r.seconds.toFixed(0)} s; jobs per item ${prompts.r4.map((x) => ctx.submissionsFor(x)).join('/')}; last job's callbacks answered ${jobs[2] ? callbacksOf(ctx, jobs[2].jobId) : '-'}; items: ${r.items.map((item) => describe(item, ctx)).join(' · ')}`);
		}
		{
			// n8n 2.x waits for running executions when it stops; n8n 1.x cancels them. On 1.x Wait
			// for Callback polls: the execution runs until its batch ends, as a Poll one does.
			const graceful = ctx.line !== '1';
			const expected = graceful
				? "n8n's graceful shutdown lets execute() submit the rest and pause with every job ID; the last callback (resent after the restart) resumes it: 3 SUCCESS, one job each"
				: "n8n 1.x cancels the execution (it polls: no hookUrl sent); every job TTAPI accepted is in n8n's log with its execution and item (for Get Video); nothing is sent twice, or after the restart";
			const fault = graceful
				? 'n8n stops (SIGTERM) while execute() still submits a batch larger than Max Jobs in Flight (3 items, 1 in flight)'
				: 'n8n stops (SIGTERM) while Wait for Callback polls a batch larger than Max Jobs in Flight (n8n 1.x: it polls; 3 items, 1 in flight)';
			const row = result(fault, 'callback', expected, 5);
			const r = await ctx.finish(started.r4b.execId, 'cbOne', { t0: started.r4b.t, timeoutMs: 120_000 });
			const jobs = prompts.r4b.map((prompt) => ctx.jobsFor(prompt)[0]);
			const counts = prompts.r4b.map((prompt) => ctx.submissionsFor(prompt));
			if (graceful) {
				const delivery = downDeliveries.r4b ? await downDeliveries.r4b : undefined;
				const answers = delivery ? shown(delivery) : '-';
				const good = r.items.length === 3 && r.items.every((item, i) => isGoodResult(ctx, item, jobs[i]));
				add(row, r.status === 'success' && good && counts.every((n) => n === 1), `${down1}; last callback answers ${answers}; execution ${r.status} after ${r.seconds.toFixed(0)} s; jobs per item ${counts.join('/')}; items: ${r.items.map((item) => describe(item, ctx)).join(' · ')}`);
			} else {
				const logs = ctx.n8n.allLogs();
				const created = jobs.filter(Boolean);
				const logged = created.filter((job, i) => logs.includes(`TTAPI accepted job ${job.jobId} for item ${i} of execution ${started.r4b.execId}`));
				const hooks = created.filter((job) => job.body.hookUrl).length;
				const pass = r.status === 'canceled' && created.length >= 1 && logged.length === created.length && counts.every((n) => n <= 1) && hooks === 0;
				add(row, pass, `${down1}; execution ${r.status}; jobs per item ${counts.join('/')}; job IDs in n8n's log: ${logged.length}/${created.length} (${created.map((job) => short(job.jobId)).join(', ')}); jobs sent with a hookUrl ${hooks}`);
			}
		}
	} catch (error) {
		add(result('restart phase', '-', 'the phase runs', 20), false, `threw: ${(error.stack || String(error)).split('\n').slice(0, 3).join(' ')}`);
		if (!ctx.n8n.running) await ctx.n8n.start().catch(() => undefined);
	}
	// A phase that threw is always shown, whatever --only selects.
	return only ? out.filter((r) => only.test(`${r.group} ${r.fault} ${r.mode}`) || only.test('7 ') || r.fault === 'restart phase') : out;
}

module.exports = { phase, rowNames: ROW_NAMES };
