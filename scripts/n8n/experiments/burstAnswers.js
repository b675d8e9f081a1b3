#!/usr/bin/env node
'use strict';
// How long n8n 2.x takes to answer a burst of callbacks: N at once to an active Sora Trigger,
// and N at once to n8n's own Webhook node, under one expression engine.
//
//   node scripts/n8n/experiments/burstAnswers.js [N=60] [vm|legacy]     (POOL=<n>: N8N_EXPRESSION_ENGINE_POOL_SIZE; LAZY=1: N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true)
//
// n8n 2.41.1 takes an expression isolate for every production webhook call except its own Webhook
// node's (live-webhooks.js, webhookPhaseNeedsIsolate); this shows what that costs a trigger.
const rt = require('../runtime');
const { startSimulator } = require('../../../test/simulator');
const trig = require('../scenarios/trigger');
const N = Number(process.argv[2] || 60);
const engine = process.argv[3] || 'vm';
const pct = (a, p) => a.slice().sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
(async () => {
	trig.loadBuiltPackage();
	const info = await rt.ensureN8n('2');
	const sim = await startSimulator({ port: 0, apiKeys: [trig.API_KEY], queueMs: 20, renderMs: 100, videoBytes: 4096, queueLimit: 1000 });
	const n8n = await rt.createN8nInstance({ line: '2', n8n: info, log: () => {}, env: { N8N_EXPRESSION_ENGINE: engine, ...(process.env.POOL ? { N8N_EXPRESSION_ENGINE_POOL_SIZE: process.env.POOL } : {}), ...(process.env.LAZY ? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } : {}) } });
	const { hookUrl } = await trig.addActiveTrigger(n8n, sim, { name: 'trigger', webhookId: '5b0e6a52-1c1d-4d0e-9a53-0f6d3a1b2c41' });
	const s = await n8n.importWorkflow({ name: 'stock', nodes: [
		{ id: 'b1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: '6b0e6a52-1c1d-4d0e-9a53-0f6d3a1b2c42', parameters: { path: 'stock', httpMethod: 'POST', options: {} } },
		{ id: 'b2', name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [200, 0], parameters: {} },
	], connections: { Webhook: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } }, settings: { executionOrder: 'v1' } });
	await n8n.activateWorkflow(s);
	await n8n.start();
	const jobs = [];
	for (let i = 0; i < N; i++) {
		jobs.push(await trig.submitToSimulator(sim, `burst ${i}`));
	}
	await new Promise((r) => setTimeout(r, 3000));
	const burst = async (url) => {
		const times = await Promise.all(jobs.map(async (id) => { const t0 = Date.now(); const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sim.getJob(id).fetchBody), signal: AbortSignal.timeout(60000) }).catch(() => ({ status: 0, text: async () => '' })); await res.text(); return [Date.now() - t0, res.status]; }));
		const ms = times.map((x) => x[0]);
		return `p50 ${pct(ms, 0.5)} ms, p95 ${pct(ms, 0.95)} ms, max ${Math.max(...ms)} ms, statuses ${JSON.stringify(times.reduce((a, x) => ((a[x[1]] = (a[x[1]] || 0) + 1), a), {}))}`;
	};
	const stock = await burst(`${n8n.baseUrl}/webhook/stock`);
	await new Promise((r) => setTimeout(r, 5000));
	const ours = await burst(hookUrl);
	console.log(`engine ${engine} pool ${process.env.POOL || 'default'}${process.env.LAZY ? ' lazy acquire' : ''}, ${N} callbacks at once: stock Webhook ${stock}; Sora Trigger ${ours}`);
	await n8n.cleanup(); await sim.close();
})().catch((e) => { console.error(e); process.exit(1); });
