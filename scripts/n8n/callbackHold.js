#!/usr/bin/env node
'use strict';
// What Wait for Callback costs in worker time: execute() keeps the execution running (a worker,
// in queue mode) while items of a batch larger than Max Jobs in Flight wait for a place, and
// pauses once every item is at TTAPI. This measures, in real n8n against the simulator, for a few
// batch sizes: how long the execution ran before it paused (the worker-seconds held), against
// (⌈N/K⌉−1)·T, and the whole batch's makespan against ⌈N/K⌉·T.
//
//   node scripts/n8n/callbackHold.js [--n8n 1|2] [--k 5] [--t-ms 3000] [--poll-s 1] [--sizes 3,5,10,20]
//   (needs `npm run build`; starts n8n: run it under flock /tmp/ttapi-heavy.lock)

const rt = require('./runtime');
const { listExecutions, nodeItems, readExecution } = require('./executions');
const { startSimulator } = require('../../test/simulator');

const API_KEY = 'sk-callback-hold-KEY';
const GENERATE = 'Sora Generate';

function parseArgs(argv) {
	const opts = { line: '2', k: 5, tMs: 3000, pollS: 1, sizes: [3, 5, 10, 20] };
	for (let i = 0; i < argv.length; i++) {
		const [name, inline] = argv[i].split('=');
		const value = inline ?? argv[++i];
		if (name === '--n8n') opts.line = value;
		else if (name === '--k') opts.k = Number(value);
		else if (name === '--t-ms') opts.tMs = Number(value);
		else if (name === '--poll-s') opts.pollS = Number(value);
		else if (name === '--sizes') opts.sizes = value.split(',').map(Number);
		else throw new Error(`unknown argument ${argv[i]}`);
	}
	return opts;
}

function workflow(credential, { k, pollS }) {
	return {
		name: 'callback hold',
		nodes: [
			{ id: 'hold-start', name: 'Start', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'hold-start-hook', parameters: { httpMethod: 'POST', path: 'hold', responseMode: 'onReceived' } },
			{ id: 'hold-split', name: 'Prompts', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0], parameters: { fieldToSplitOut: 'body.prompts', options: {} } },
			{
				id: 'hold-sora',
				name: GENERATE,
				type: `${rt.NODE_TYPE_PREFIX}.soraGenerate`,
				typeVersion: 1,
				position: [400, 0],
				webhookId: 'hold-sora-hook',
				parameters: { operation: 'generateVideo', model: 'sora-2', prompt: '={{ $json.prompt }}', waitMode: 'callback', maxWaitMinutes: 30, maxJobsInFlight: k, pollIntervalSeconds: pollS, downloadVideo: false },
				credentials: { ttApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: { Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] }, Prompts: { main: [[{ node: GENERATE, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	const sim = await startSimulator({ port: 0, apiKeys: [API_KEY], queueMs: 0, renderMs: opts.tMs, queueLimit: opts.k, videoBytes: 1024 });
	const n8n = await rt.createN8nInstance({ line: opts.line, log: () => undefined });
	const rows = [];
	try {
		const credential = { id: rt.randomId(), name: 'TTAPI (simulator)', type: 'ttApi' };
		await n8n.importCredentials([{ ...credential, data: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url } }]);
		const id = await n8n.importWorkflow(workflow(credential, opts));
		await n8n.activateWorkflow(id);
		await n8n.start();
		let lastId = 0;
		for (const n of opts.sizes) {
			const prompts = Array.from({ length: n }, (_, i) => ({ prompt: `hold N=${n} item ${i}` }));
			const t0 = Date.now();
			const response = await n8n.waitForWebhook(`${n8n.baseUrl}/webhook/hold`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompts }) });
			if (response.status !== 200) throw new Error(`start answered ${response.status}`);
			let pausedAt;
			let row;
			for (const until = Date.now() + 10 * 60_000; Date.now() < until; await sleep(100)) {
				row = (await listExecutions(n8n, id)).filter((x) => Number(x.id) > lastId).pop();
				if (!row) continue;
				if (row.status === 'waiting' && pausedAt === undefined) pausedAt = Date.now();
				if (['success', 'error', 'crashed', 'canceled'].includes(row.status)) break;
			}
			const endedAt = Date.now();
			lastId = Number(row.id);
			const items = nodeItems(await readExecution(n8n, row.id), GENERATE);
			const waves = Math.ceil(n / opts.k);
			rows.push({
				n,
				held: ((pausedAt ?? endedAt) - t0) / 1000,
				heldIdeal: ((waves - 1) * opts.tMs) / 1000,
				makespan: (endedAt - t0) / 1000,
				ideal: (waves * opts.tMs) / 1000,
				ok: row.status === 'success' && items.length === n && items.every((item) => item.json.status === 'SUCCESS'),
			});
		}
	} finally {
		await n8n.stop().catch(() => undefined);
		await n8n.cleanup().catch(() => undefined);
		await sim.close();
	}
	console.log(`\nWait for Callback, n8n ${rt.VERSIONS[opts.line]}: K=${opts.k}, T=${opts.tMs / 1000} s, Poll Interval ${opts.pollS} s (status polled every 100 ms)`);
	console.log('| N | execution running before the pause (worker held) | (⌈N/K⌉−1)·T | makespan | ⌈N/K⌉·T | all SUCCESS |');
	console.log('|---|---|---|---|---|---|');
	for (const r of rows) console.log(`| ${r.n} | ${r.held.toFixed(1)} s | ${r.heldIdeal.toFixed(1)} s | ${r.makespan.toFixed(1)} s | ${r.ideal.toFixed(1)} s | ${r.ok ? 'yes' : 'NO'} |`);
	process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
