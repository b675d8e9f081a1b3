'use strict';
// Example 5 (examples/05a + 05b) end to end: prompts in an n8n Data Table → Sora Generate (Don't
// Wait, Callback Data = the row's ID) → Sora Trigger → the same row updated. Shared by the
// examples suite (one n8n process, SQLite) and the queue suite (Postgres, workers, webhook
// processors). The table is made through n8n's REST API (what the editor calls), the submitting
// workflow is started the way the editor's "Execute workflow" starts it, and the verdict compares
// the table with what TTAPI (the simulator) did and with n8n's stored executions.
//
//   const { runRoundTrip } = require('./dataTableExample');
//   const verdict = await runRoundTrip({ line, rest, sim, io, submitId, resultsId, submitWorkflow, path });
//   verdict → { pass, observed, failures, details, submitExecId }   (the verdict: dataTableVerdict.js)

const { TEST_ROWS, REFUSE_MESSAGE, judge } = require('./dataTableVerdict');

const MANUAL_TRIGGER = "When clicking 'Execute workflow'";
const SUBMIT_NODES = { generate: "Sora Generate (don't wait)", saveJobId: 'Save job ID' };
const RESULT_NODES = { trigger: 'Sora Trigger', save: 'Save result' };

/** The table the example's sticky note asks for. */
const COLUMNS = [
	{ name: 'prompt', type: 'string' },
	{ name: 'status', type: 'string' },
	{ name: 'jobId', type: 'string' },
	{ name: 'videoUrl', type: 'string' },
	{ name: 'costUsd', type: 'number' },
	{ name: 'error', type: 'string' },
];

/** A few prompts for the table `npm run editor` sets up. */
const SAMPLE_ROWS = [
	{ prompt: 'A lighthouse on a cliff in a storm, waves crashing, dramatic light' },
	{ prompt: 'A cat napping in a sunbeam on a wooden floor, gentle breathing' },
	{ prompt: 'A cat napping in a sunbeam on a wooden floor, gentle breathing' },
];

/** The Data Table name the example's Data table nodes look up (By Name), e.g. "Sora prompts". */
function tableNameOf(workflow) {
	const node = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.dataTable');
	if (!node || node.parameters.dataTableId?.mode !== 'name') throw new Error(`${workflow.name}: no Data table node with a table By Name`);
	return node.parameters.dataTableId.value;
}

/** Creates the table in the owner's personal project (where imported workflows live) and fills it. */
async function createTable(rest, name, rows) {
	const project = await rest.call('GET', '/projects/personal');
	const base = `/projects/${project.id}/data-tables`;
	const table = await rest.call('POST', base, { name, columns: COLUMNS });
	const data = rows.map(({ prompt, status, jobId }) => ({ prompt, ...(status !== undefined ? { status } : {}), ...(jobId !== undefined ? { jobId } : {}) }));
	const inserted = await rest.call('POST', `${base}/${table.id}/insert`, { data, returnType: 'all' });
	if (!Array.isArray(inserted) || inserted.length !== rows.length) throw new Error(`inserting ${rows.length} rows returned ${JSON.stringify(inserted).slice(0, 300)}`);
	return { projectId: project.id, id: table.id, name, rows: inserted.map((row, i) => ({ ...rows[i], id: row.id, inserted: row })) };
}

/** Every row of the table, by id. */
async function readRows(rest, table) {
	const page = await rest.call('GET', `/projects/${table.projectId}/data-tables/${table.id}/rows?take=100`);
	return new Map((page.data ?? page).map((row) => [row.id, row]));
}

/**
 * n8n 1.x's Data table node has no "By Name": point every Data table node of the workflows at the
 * table, as a user does with From List, and save (an active workflow is activated again).
 */
async function useTableIn(rest, workflowIds, table) {
	for (const id of workflowIds) {
		const wf = await rest.call('GET', `/workflows/${id}`);
		const nodes = wf.nodes.map((node) =>
			node.type === 'n8n-nodes-base.dataTable'
				? { ...node, parameters: { ...node.parameters, dataTableId: { __rl: true, mode: 'list', value: table.id, cachedResultName: table.name, cachedResultUrl: `/projects/${table.projectId}/datatables/${table.id}` } } }
				: node,
		);
		await rest.call('PATCH', `/workflows/${id}`, { nodes, versionId: wf.versionId });
	}
}

/** TTAPI refusing one prompt at submit (HTTP 400, no job created), once. */
function refuseAtSubmit(sim) {
	const row = TEST_ROWS.find((r) => r.expect === 'SUBMIT_FAILED');
	sim.injectFault({ endpoint: 'generations', kind: 'status', status: 400, body: { status: 'FAILED', message: REFUSE_MESSAGE }, beforeCreate: true, match: { prompt: row.prompt }, times: 1 });
}

/** Starts the workflow as the editor's "Execute workflow" button does; returns the execution id. */
async function runFromEditor(rest, workflowId, triggerName = MANUAL_TRIGGER) {
	// 1.x runs the workflow sent in the body, 2.x the saved one (and ignores workflowData)
	const workflowData = await rest.call('GET', `/workflows/${workflowId}`);
	const res = await rest.call('POST', `/workflows/${workflowId}/run`, { workflowData, triggerToStartFrom: { name: triggerName } });
	if (!res || !res.executionId) throw new Error(`starting workflow ${workflowId} answered ${JSON.stringify(res).slice(0, 300)}`);
	return String(res.executionId);
}

const items = (execution, node) => {
	const runs = execution?.data?.resultData?.runData?.[node] ?? [];
	return (runs[runs.length - 1]?.data?.main?.[0] ?? []).map((item) => item.json);
};

/**
 * What the stored executions say: the submit run's outputs and, per execution of the results
 * workflow, which job passed the trigger and which row Save result wrote.
 * io = { readExecution(id) → { status, data }, executions(workflowId) → [{ id, status }] }
 */
async function executionFacts(io, { submitExecId, resultsWorkflowId }) {
	const submit = await io.readExecution(submitExecId);
	const runs = [];
	for (const row of await io.executions(resultsWorkflowId)) {
		const execution = await io.readExecution(row.id);
		runs.push({
			id: row.id,
			status: row.status,
			passed: items(execution, RESULT_NODES.trigger),
			saved: items(execution, RESULT_NODES.save),
			error: execution?.data?.resultData?.error?.message,
		});
	}
	return {
		submit: { status: submit?.status, generated: items(submit, SUBMIT_NODES.generate), savedJobIds: items(submit, SUBMIT_NODES.saveJobId), error: submit?.data?.resultData?.error?.message },
		runs,
	};
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);

/** Polls `check` until it returns a value (not undefined) or the time is up (then returns undefined). */
async function until(check, { timeoutMs, stepMs = 500 }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined || Date.now() > deadline) return value;
		await sleep(stepMs);
	}
}

/** Waits until the workflow's executions are all final and their number has not changed for quietMs. */
async function settle(io, workflowId, { quietMs = 5000, timeoutMs = 60_000 } = {}) {
	let count = -1;
	let since = Date.now();
	return await until(
		async () => {
			const rows = await io.executions(workflowId);
			if (rows.length !== count || rows.some((r) => !FINAL.has(r.status))) {
				count = rows.length;
				since = Date.now();
			}
			return Date.now() - since >= quietMs ? rows : undefined;
		},
		{ timeoutMs },
	);
}

/**
 * The whole round trip as a user does it, then the verdict. The example's workflows are imported
 * (the results one active) and n8n is running. opts = { line, rest (an owner's /rest session),
 * sim, io: { executions(workflowId), readExecution(id) }, submitId, resultsId, submitWorkflow,
 * path (the Sora Trigger's Path), log }.
 */
async function runRoundTrip({ line, rest, sim, io, submitId, resultsId, submitWorkflow, path, log = () => undefined }) {
	const earlier = new Set(sim.listJobs().map((job) => job.jobId)); // the simulator may serve other tests too
	const ourJobs = () => sim.listJobs().filter((job) => !earlier.has(job.jobId));
	const table = await createTable(rest, tableNameOf(submitWorkflow), TEST_ROWS);
	log(`data table "${table.name}" ${table.id}: ${table.rows.length} rows`);
	const runToEnd = async () => {
		const execId = await runFromEditor(rest, submitId);
		const done = await until(async () => {
			const row = (await io.executions(submitId)).find((r) => String(r.id) === execId);
			return row && FINAL.has(row.status) ? row : undefined;
		}, { timeoutMs: 180_000 });
		if (!done) throw new Error(`the submit execution ${execId} did not end within 180 s`);
		return execId;
	};
	let unpicked;
	const started = [];
	if (line === '1') {
		// What a 1.x user meets before pointing the Data table nodes at the table (no "By Name" there)
		const execId = await runToEnd();
		started.push(execId);
		const execution = await io.readExecution(execId);
		const error = execution?.data?.resultData?.error;
		unpicked = { status: execution?.status, node: execution?.data?.resultData?.lastNodeExecuted, message: error?.message, jobs: ourJobs().length };
		await useTableIn(rest, [submitId, resultsId], table);
	}
	refuseAtSubmit(sim);
	const submitExecId = await runToEnd();
	started.push(submitExecId);
	const todo = TEST_ROWS.filter((r) => r.expect === 'SUCCESS' || r.expect === 'FAILED').length;
	await until(async () => {
		const jobs = ourJobs();
		return jobs.length >= todo && jobs.every((job) => job.endedAt) ? true : undefined;
	}, { timeoutMs: 120_000 });
	await settle(io, resultsId);
	const rowsAfter = await readRows(rest, table);
	const executions = await executionFacts(io, { submitExecId, resultsWorkflowId: resultsId });
	const jobs = ourJobs();
	// TTAPI sending every callback again, twice at the same moment
	const replayAnswers = (await Promise.all(jobs.flatMap((job) => [sim.sendCallback(job.jobId), sim.sendCallback(job.jobId)]))).flat();
	await settle(io, resultsId);
	const rowsAfterReplay = await readRows(rest, table);
	const executionsAfterReplay = await executionFacts(io, { submitExecId, resultsWorkflowId: resultsId });
	const otherSubmitRuns = (await io.executions(submitId)).filter((r) => !started.includes(String(r.id))).map((r) => `${r.id} ${r.status}`);
	const verdict = judge({ table, rowsAfter, rowsAfterReplay, jobs, executions, executionsAfterReplay, replayAnswers, path, unpicked, otherSubmitRuns });
	return { ...verdict, submitExecId, details: [`submit execution ${submitExecId}; table ${table.id}`, ...verdict.details] };
}

module.exports = {
	COLUMNS,
	SAMPLE_ROWS,
	MANUAL_TRIGGER,
	SUBMIT_NODES,
	RESULT_NODES,
	tableNameOf,
	createTable,
	readRows,
	useTableIn,
	refuseAtSubmit,
	runFromEditor,
	executionFacts,
	runRoundTrip,
};
