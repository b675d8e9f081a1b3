'use strict';
// Where a batch runs: one n8n process (SQLite) or an n8n queue-mode cluster (Postgres, workers,
// webhook processors behind the round-robin proxy). Both answer the same calls, so the batch
// code runs unchanged on either and reads every timestamp from n8n's own database.

const { readExecution } = require('../../n8n/executions');
const c = require('./common');

const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

async function postPrompts(url, prompts, waitForWebhook) {
	const body = JSON.stringify({ prompts: prompts.map((prompt) => ({ prompt })) });
	const t0 = Date.now();
	const response = await waitForWebhook(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	if (response.status !== 200) throw new Error(`starting ${url} answered HTTP ${response.status}: ${await response.text()}`);
	await response.arrayBuffer();
	return t0;
}

/** Retries while a production webhook answers 404 (it registers a moment after activation). */
async function retry404(url, init, timeoutMs = 20_000) {
	const t0 = Date.now();
	for (;;) {
		const r = await fetch(url, init);
		if (r.status !== 404 || Date.now() - t0 > timeoutMs) return r;
		await r.arrayBuffer();
		await c.sleep(500);
	}
}

/** One n8n process: the instance started by common.startN8n. */
function singleTarget(n8n) {
	return {
		kind: 'single',
		label: 'one process',
		n8n,
		webhookBase: `${n8n.baseUrl}/`,
		startBatch: (flowPath, prompts) => postPrompts(`${n8n.baseUrl}/webhook/${flowPath}`, prompts, (url, init) => n8n.waitForWebhook(url, init)),
		executions: (workflowId, afterId = 0) => c.executionsAfter(n8n, workflowId, afterId),
		lastExecutionId: () => c.lastExecutionId(n8n),
		readExecution: (id) => readExecution(n8n, id),
		stopExecution: (id) => n8n.rest.call('POST', `/executions/${id}/stop`),
	};
}

/** A queue-mode cluster from scripts/n8n/queue/cluster.js (its Postgres, through cluster.db). */
function queueTarget(cluster) {
	return {
		kind: 'queue',
		label: `queue mode (${cluster.names('worker').length} workers, ${cluster.names('webhook').length} webhook processors)`,
		cluster,
		n8n: cluster.main,
		webhookBase: cluster.webhookUrl,
		startBatch: (flowPath, prompts) => postPrompts(`${cluster.webhookUrl}webhook/${flowPath}`, prompts, retry404),
		async executions(workflowId, afterId = 0) {
			const rows = await cluster.db.executions(workflowId);
			return rows.filter((row) => Number(row.id) > Number(afterId)).map((row) => ({ id: Number(row.id), status: row.status, startedAt: row.startedAt, stoppedAt: row.stoppedAt }));
		},
		async lastExecutionId() {
			const [row] = await cluster.db.query('SELECT MAX(id) AS id FROM execution_entity');
			return Number(row?.id ?? 0);
		},
		readExecution: (id) => cluster.db.readExecution(id),
		stopExecution: (id) => cluster.main.rest.call('POST', `/executions/${id}/stop`),
	};
}

/** Waits until `count` executions of the workflow (after afterId) have finished; polls every stepMs. */
async function waitForFinished(target, workflowId, { afterId = 0, count = 1, timeoutMs = 300_000, stepMs = 1000, giveUp } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const rows = await target.executions(workflowId, afterId);
		const done = rows.filter((row) => FINISHED.has(row.status));
		if (done.length >= count) return done;
		const reason = Date.now() > deadline ? `hard limit ${c.seconds(timeoutMs)}` : giveUp?.();
		if (reason) {
			const error = new Error(`${done.length}/${count} executions finished: gave up (${reason}); last rows ${JSON.stringify(rows.slice(-3).map((r) => ({ id: r.id, status: r.status })))}`);
			error.rows = rows;
			throw error;
		}
		await c.sleep(stepMs);
	}
}

module.exports = { FINISHED, singleTarget, queueTarget, waitForFinished };
