#!/usr/bin/env node
'use strict';
// Example 5 with many videos ending at the same moment: N rows, every job submitted at once and
// rendered in the same time, so N Sora Trigger executions update the data table together. Prints
// one JSON line per run: how the executions ended, the rows' statuses, and how often n8n logged a
// transaction error. A measurement, not a test (what it finds depends on timing): it is how the
// n8n 1.x SQLite note of example 5 (lib.n8nEnv) was found and checked.
//
//   node scripts/n8n/dataTableStress.js [--n8n 1|2] [--rows 30] [--runs 1] [--env '{"DB_SQLITE_POOL_SIZE":"2"}']
//   (needs `npm run build`; starts n8n: run it under flock /tmp/ttapi-heavy.lock)

const rt = require('./runtime');
const lib = require('../demo/lib');
const ex5 = require('./dataTableExample');
const { listExecutions } = require('./executions');
const { startSimulator } = require('../../test/simulator');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);
const count = (values) => values.reduce((h, v) => ({ ...h, [v]: (h[v] || 0) + 1 }), {});

function parseArgs(argv) {
	const opts = { line: '1', rows: 30, runs: 1, env: {} };
	for (let i = 0; i < argv.length; i++) {
		const [name, inline] = argv[i].split(/=(.*)/s);
		const value = inline ?? argv[++i];
		if (name === '--n8n') opts.line = value;
		else if (name === '--rows') opts.rows = Number(value);
		else if (name === '--runs') opts.runs = Number(value);
		else if (name === '--env') opts.env = JSON.parse(value);
		else throw new Error(`unknown argument ${argv[i]}`);
	}
	return opts;
}

async function runOnce({ line, rows, env }) {
	const info = await rt.ensureN8n(line);
	const sim = await startSimulator({ port: 0, apiKeys: [lib.SIM_API_KEY], queueMs: 100, renderMs: 1500, videoBytes: 1024, queueLimit: 100 });
	const n8n = await rt.createN8nInstance({ line, n8n: info, env, log: () => undefined });
	try {
		await n8n.importCredentials([lib.ttapiCredential({ simUrl: sim.url, callbackSecret: lib.randomSecret() })]);
		const submit = lib.loadExample('tableSubmit');
		for (const node of submit.nodes) {
			if (node.name === ex5.SUBMIT_NODES.generate) node.parameters.maxJobsInFlight = 50; // every job at once
		}
		const submitId = await n8n.importWorkflow(submit);
		const resultsId = await n8n.importWorkflow(lib.loadExample('tableResults'));
		await n8n.activateWorkflow(resultsId);
		await n8n.start();
		await n8n.rest.setupOwner();
		const table = await ex5.createTable(n8n.rest, ex5.tableNameOf(submit), Array.from({ length: rows }, (_, i) => ({ prompt: `stress prompt ${i}` })));
		if (line === '1') await ex5.useTableIn(n8n.rest, [submitId, resultsId], table);
		const execId = await ex5.runFromEditor(n8n.rest, submitId);
		const deadline = Date.now() + 90_000;
		let submitStatus;
		let results = [];
		while (Date.now() < deadline) {
			submitStatus = (await listExecutions(n8n, submitId)).find((r) => String(r.id) === execId)?.status;
			results = await listExecutions(n8n, resultsId);
			const expected = Math.min(rows, 20); // 5a's Prompts to do takes 20 rows per run
			if (FINAL.has(submitStatus) && results.length >= expected && results.every((r) => FINAL.has(r.status))) break;
			await sleep(1000);
		}
		const tableRows = [...(await ex5.readRows(n8n.rest, table)).values()];
		const txErrors = (n8n.allLogs().match(/TransactionNotStartedError|SQLITE_BUSY|cannot start a transaction/g) || []).length;
		return { n8n: info.version, env, rows, submit: submitStatus, resultExecutions: count(results.map((r) => r.status)), tableStatus: count(tableRows.map((r) => r.status ?? 'empty')), txErrors };
	} finally {
		await n8n.cleanup();
		await sim.close();
	}
}

async function main() {
	lib.scrubNpmEnv();
	const opts = parseArgs(process.argv.slice(2));
	for (let i = 0; i < opts.runs; i++) console.log(JSON.stringify(await runOnce(opts)));
}

main().catch((error) => {
	console.error(error.stack || error);
	process.exit(1);
});
