'use strict';
// Reading a queue-mode cluster's Postgres database from the test process, with the `pg` and
// `flatted` modules of the installed n8n (no dependency of our own). Both lines store
// executions the same way: execution_entity + execution_data (data serialised with flatted).

const path = require('node:path');

function n8nModule(n8nInfo, name) {
	return require(path.join(n8nInfo.dir, 'node_modules', name));
}

const toMs = (v) => (v === null || v === undefined ? undefined : v instanceof Date ? v.getTime() : Date.parse(v));

/** A small pg pool plus the queries the suite needs. `query` takes `?` or `$n` placeholders. */
function openDb(n8nInfo, conn) {
	const { Pool } = n8nModule(n8nInfo, 'pg');
	const flatted = n8nModule(n8nInfo, 'flatted');
	const pool = new Pool({ ...conn, max: 4, idleTimeoutMillis: 5000 });
	pool.on('error', () => {}); // a backend killed at shutdown must not crash the run

	async function query(sql, params = []) {
		let n = 0;
		const text = sql.replace(/\?/g, () => `$${++n}`);
		const res = await pool.query(text, params);
		return res.rows;
	}

	const db = {
		query,
		/** Executions of a workflow (or all): id, status, finished, startedAt/stoppedAt/waitTill in epoch ms. */
		async executions(workflowId) {
			const where = workflowId ? 'WHERE "workflowId" = $1' : '';
			const rows = await query(
				`SELECT id, status, finished, "startedAt", "stoppedAt", "waitTill", "workflowId" FROM execution_entity ${where} ORDER BY id`,
				workflowId ? [workflowId] : [],
			);
			return rows.map((r) => ({
				id: String(r.id),
				status: r.status,
				finished: !!r.finished,
				workflowId: r.workflowId,
				startedAt: toMs(r.startedAt),
				stoppedAt: toMs(r.stoppedAt),
				waitTill: toMs(r.waitTill),
			}));
		},
		/** One execution with its run data parsed ({ id, status, data }), or undefined. */
		async readExecution(id) {
			const [row] = await query(
				'SELECT e.id, e.status, d.data FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id WHERE e.id = $1',
				[Number(id)],
			);
			if (!row) return undefined;
			return { id: String(row.id), status: row.status, data: flatted.parse(row.data) };
		},
		close: () => pool.end().catch(() => {}),
	};
	return db;
}

/** The last run's first output of a node (INodeExecutionData[]). */
function nodeItems(execution, nodeName) {
	const runs = execution?.data?.resultData?.runData?.[nodeName] ?? [];
	return runs[runs.length - 1]?.data?.main?.[0] ?? [];
}

/** How many times a node ran in an execution. */
function nodeRunCount(execution, nodeName) {
	return (execution?.data?.resultData?.runData?.[nodeName] ?? []).length;
}

module.exports = { openDb, nodeItems, nodeRunCount };
