'use strict';
// Section 5: callbacks per second the Sora Trigger accepts in real n8n with none lost. Signed
// callbacks (the body TTAPI sends: its /sora/fetch record) for finished simulator jobs are POSTed
// on loopback by `concurrency` workers, level after level (1, 2, 4, … up to a bound), each level
// a fixed number of new jobs. A level counts only if every callback was answered 200 and every
// accepted callback has a successful execution in n8n's database. The run stops itself at the
// bound, at the first error or loss, or when two levels in a row add nothing.

const path = require('node:path');

const c = require('./common');
const { submitVideo } = require('../../../test/simulator/client');

const PATHS = { verify: 'bench-tp-verify', noVerify: 'bench-tp-noverify', stock: 'bench-tp-webhook' };

function throughputWorkflows(wf, credential) {
	return {
		tpVerify: wf.triggerWorkflow('tp-verify', credential, { path: PATHS.verify, verify: true }),
		tpNoVerify: wf.triggerWorkflow('tp-noverify', credential, { path: PATHS.noVerify, verify: false }),
		// n8n's own ceiling on this machine: its stock Webhook node (answers on receipt) → NoOp
		tpStock: wf.stockWebhookWorkflow('tp-webhook', { path: PATHS.stock }),
	};
}

const VARIANTS = [
	{ key: 'stock', name: 'stock Webhook', flow: 'tpStock' },
	{ key: 'noVerify', name: 'verify off', flow: 'tpNoVerify' },
	{ key: 'verify', name: 'verify on', flow: 'tpVerify' },
];

/** The token code of the package under test (--package: that build's). */
function loadCallbackAuth(packageDir = c.repoRoot) {
	return require(path.join(packageDir, 'dist', 'nodes', 'shared', 'callbackAuth.js'));
}

/** Creates `count` finished jobs in the simulator and returns their callback bodies. */
async function finishedJobs(sim, count, tag) {
	const post = async (i) => await submitVideo(sim.url, { apiKey: c.API_KEY, prompt: `throughput ${tag} #${i}` });
	const ids = [];
	for (let i = 0; i < count; i += 25) {
		ids.push(...(await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, j) => post(i + j)))));
	}
	for (let tries = 0; ids.some((id) => sim.getJob(id)?.status !== 'SUCCESS'); tries++) {
		if (tries > 100) throw new Error('simulator jobs did not finish');
		await c.sleep(50);
	}
	const bodies = [];
	for (const id of ids) {
		const response = await fetch(`${sim.url}/sora/fetch?jobId=${id}`, { headers: { 'TT-API-KEY': c.API_KEY } });
		bodies.push(await response.text());
	}
	return bodies;
}

/** POSTs every body with `concurrency` workers; returns statuses and timing. */
async function fire(url, bodies, concurrency) {
	let next = 0;
	const statuses = {};
	const latencies = [];
	const t0 = Date.now();
	const worker = async () => {
		while (next < bodies.length) {
			const body = bodies[next++];
			const t = Date.now();
			let status;
			try {
				const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(30_000) });
				status = response.status;
				await response.arrayBuffer();
			} catch (error) {
				status = error.name === 'TimeoutError' ? 'timeout' : 'network';
			}
			latencies.push(Date.now() - t);
			statuses[status] = (statuses[status] ?? 0) + 1;
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	const sorted = latencies.sort((a, b) => a - b);
	return {
		t0,
		sendMs: Date.now() - t0,
		statuses,
		accepted: statuses[200] ?? 0,
		p50Ms: sorted[Math.floor(sorted.length * 0.5)],
		p95Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))],
	};
}

async function runLevels(ctx, { variant, flow, perLevel, maxConcurrency, token, param }) {
	const { n8n, sim, log } = ctx;
	const url = `${n8n.baseUrl}/webhook/${flow.path}?${param}=${encodeURIComponent(token)}`;
	const levels = [];
	let best = 0;
	let flat = 0;
	for (let concurrency = 1; concurrency <= maxConcurrency; concurrency *= 2) {
		const bodies = await finishedJobs(sim, perLevel, `${variant} c${concurrency}`);
		const fetchesBefore = sim.counters().fetchCalls;
		const afterId = await c.lastExecutionId(n8n);
		const { result, load } = await c.withLoad(async () => {
			const sent = await fire(url, bodies, concurrency);
			let rows = [];
			let waited = 0;
			// every accepted callback must show up as a finished execution (bounded wait)
			for (;;) {
				rows = await c.executionsAfter(n8n, flow.wf.id, afterId);
				const finished = rows.filter((row) => ['success', 'error', 'crashed', 'canceled'].includes(row.status));
				if (finished.length >= sent.accepted || waited > 60_000) break;
				await c.sleep(500);
				waited += 500;
			}
			await c.sleep(1000); // stragglers (there should be none)
			rows = await c.executionsAfter(n8n, flow.wf.id, afterId);
			return { sent, rows };
		});
		const { sent, rows } = result;
		const succeeded = rows.filter((row) => row.status === 'success');
		const lastStop = Math.max(...succeeded.map((row) => row.stoppedAt));
		const level = {
			concurrency,
			callbacks: bodies.length,
			accepted: sent.accepted,
			statuses: sent.statuses,
			executions: rows.length,
			succeeded: succeeded.length,
			lost: sent.accepted - succeeded.length,
			acceptedPerS: c.round((sent.accepted / sent.sendMs) * 1000, 1),
			processedPerS: succeeded.length ? c.round((succeeded.length / (lastStop - sent.t0)) * 1000, 1) : 0,
			answerP50Ms: sent.p50Ms,
			answerP95Ms: sent.p95Ms,
			verifyFetches: sim.counters().fetchCalls - fetchesBefore,
			load,
		};
		level.clean = level.accepted === level.callbacks && level.lost === 0 && level.executions === level.accepted;
		levels.push(level);
		log(`  ${variant} c=${concurrency}: ${level.accepted}/${level.callbacks} accepted at ${level.acceptedPerS}/s (p95 ${level.answerP95Ms} ms), ${level.succeeded} executions (${level.processedPerS}/s end to end), lost ${level.lost}, load ${c.loadText(load.after)}`);
		if (!level.clean) break;
		if (level.acceptedPerS > best * 1.05) {
			best = level.acceptedPerS;
			flat = 0;
		} else if (++flat >= 2) break;
	}
	const clean = levels.filter((l) => l.clean);
	const top = clean.reduce((a, b) => (!a || b.acceptedPerS > a.acceptedPerS ? b : a), undefined);
	const topProcessed = clean.reduce((a, b) => (!a || b.processedPerS > a.processedPerS ? b : a), undefined);
	return {
		levels,
		stoppedBecause: !levels.at(-1).clean ? 'error or loss' : levels.at(-1).concurrency * 2 > maxConcurrency ? 'bound reached' : 'no further gain',
		bestAcceptedPerS: top?.acceptedPerS ?? 0,
		bestAt: top?.concurrency,
		bestProcessedPerS: topProcessed?.processedPerS ?? 0,
		noneLost: levels.every((l) => l.lost === 0),
	};
}

async function runThroughput(ctx, { perLevel, maxConcurrency }) {
	const { sim, flows } = ctx;
	const { callbackToken, TRIGGER_TOKEN_SCOPE, CALLBACK_TOKEN_PARAM } = loadCallbackAuth(ctx.packageDir);
	const token = callbackToken(c.SECRET, TRIGGER_TOKEN_SCOPE ?? 'trigger');
	sim.reset();
	sim.configure({ queueLimit: 1_000_000, queueMs: 0, renderMs: 0 });
	const out = { perLevel, maxConcurrency, variants: VARIANTS.map(({ key, name }) => ({ key, name })) };
	for (const { key, name, flow } of VARIANTS) {
		out[key] = await runLevels(ctx, { variant: name, flow: flows[flow], perLevel, maxConcurrency, token, param: CALLBACK_TOKEN_PARAM ?? 'ttapiToken' });
	}
	return out;
}

module.exports = { throughputWorkflows, runThroughput };
