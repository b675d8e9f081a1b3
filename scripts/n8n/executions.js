'use strict';
// Reads executions straight from a test n8n's SQLite database (both lines store them the same
// way: execution_entity + execution_data, data serialised with `flatted`).

const path = require('node:path');

function flattedFor(n8n) {
	return require(path.join(n8n.n8n.dir, 'node_modules', 'flatted'));
}

async function listExecutions(n8n, workflowId) {
	return await n8n.dbQuery(
		'SELECT id, status, finished FROM execution_entity WHERE workflowId = ? ORDER BY id',
		[workflowId],
	);
}

async function readExecution(n8n, executionId) {
	const [row] = await n8n.dbQuery(
		'SELECT e.id, e.status, d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id WHERE e.id = ?',
		[executionId],
	);
	if (!row) return undefined;
	const data = flattedFor(n8n).parse(row.data);
	return { id: row.id, status: row.status, data };
}

/** The last run's first output of a node, as INodeExecutionData[] (json + binary metadata). */
function nodeItems(execution, nodeName) {
	const runs = execution?.data?.resultData?.runData?.[nodeName] ?? [];
	return runs[runs.length - 1]?.data?.main?.[0] ?? [];
}

function executionError(execution) {
	return execution?.data?.resultData?.error;
}

/** Waits until the workflow has an execution created after `afterId` that satisfies `pred`. */
async function waitForExecution(n8n, workflowId, { afterId = 0, pred = () => true, timeoutMs = 60_000, stepMs = 500 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	while (Date.now() < deadline) {
		const rows = (await listExecutions(n8n, workflowId)).filter((row) => Number(row.id) > Number(afterId));
		last = rows[rows.length - 1];
		if (last && pred(last)) return last;
		await new Promise((resolve) => setTimeout(resolve, stepMs));
	}
	throw new Error(`no matching execution of workflow ${workflowId} within ${timeoutMs} ms (last: ${JSON.stringify(last)})`);
}

module.exports = { listExecutions, readExecution, nodeItems, executionError, waitForExecution };
