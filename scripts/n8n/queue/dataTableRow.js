'use strict';
// The queue-mode row of example 5 (examples/05a + 05b): prompts in a Data Table (n8n's tables in
// the cluster's Postgres) → Sora Generate, Don't Wait, run from the editor on a worker (manual
// executions are offloaded to workers) → TTAPI's callbacks through the round-robin proxy to both
// webhook processors → Sora Trigger → the same row updated. The round trip and its verdict are
// the examples suite's (../dataTableExample.js); this row adds what queue mode must show.

const rt = require('../runtime');
const lib = require('../../demo/lib');
const ex5 = require('../dataTableExample');

/** The example as shipped, with the row's own credential (each row has its own simulator). */
function exampleFor(key, credential) {
	const wf = lib.loadExample(key);
	for (const node of wf.nodes) {
		if (node.credentials?.ttApi) node.credentials.ttApi = { id: credential.id, name: credential.name };
	}
	return wf;
}

function dataTableRow() {
	return {
		id: 'example-data-table',
		title: "Example 5: prompts in a Data Table → Sora Generate (Don't Wait, run from the editor) → Sora Trigger → each row updated, every callback then sent twice more, 2 webhook processors",
		phase: 'together',
		limitSeconds: 300,
		// 2 jobs at a time: the first results come in while the submit run still waits to send the rest
		sim: { queueLimit: 2, renderMs: 1500 },
		expected:
			'the submit run (on a worker) sends each row to do once (two share a prompt; one TTAPI refuses → SUBMIT_FAILED) · every row updated by its row ID: SUCCESS + videoUrl + costUsd, FAILED + TTAPI\'s message, the done row untouched · each job passes the trigger and is saved once · results written before the run\'s Save job ID stay · callbacks reach both webhook processors · every callback sent again twice at once → the table unchanged, no job saved again',
		flows: (b) => {
			const submit = exampleFor('tableSubmit', b.credential);
			const results = exampleFor('tableResults', b.credential);
			const submitId = rt.randomId();
			const resultsId = rt.randomId();
			return {
				submit: { key: `${b.key}-submit`, id: submitId, wf: { ...submit, id: submitId } },
				results: { key: `${b.key}-results`, id: resultsId, wf: { ...results, id: resultsId } },
			};
		},
		run: async (ctx, s) => {
			const { submit, results } = s.flows;
			const rest = ctx.cluster.main.rest;
			// The cluster activates every workflow; the submit one has an hourly schedule that must not run here.
			await rest.publicApi('POST', `/workflows/${submit.id}/deactivate`);
			const path = results.wf.nodes.find((node) => node.name === ex5.RESULT_NODES.trigger).parameters.path;
			const verdict = await ex5.runRoundTrip({
				line: ctx.line,
				rest,
				sim: s.sim,
				io: { executions: (id) => ctx.db.executions(id), readExecution: (id) => ctx.db.readExecution(id) },
				submitId: submit.id,
				resultsId: results.id,
				submitWorkflow: submit.wf,
				path,
				log: (m) => ctx.log(`[${s.key}] ${m}`),
			});
			const failures = [...verdict.failures];
			const workers = ctx.cluster.executionWorkers(verdict.submitExecId);
			if (!workers.length) failures.push(`the submit run ${verdict.submitExecId} ran on no worker`);
			const callbacks = ctx.proxy.requests.filter((r) => r.route === `webhook:${path}` && r.userAgent === 'ttapi-simulator');
			const processors = new Set(callbacks.map((r) => r.upstream).filter(Boolean));
			if (processors.size < 2) failures.push(`TTAPI's callbacks reached ${processors.size} webhook processor(s), not both`);
			const queueFacts = `submit run on ${workers.join(' + ') || 'no worker'} · callbacks ${callbacks.length} → ${[...processors].join(' + ') || 'none'}`;
			return { pass: failures.length === 0, observed: `${queueFacts} · ${verdict.observed}`, failures, details: verdict.details };
		},
	};
}

module.exports = { dataTableRow };
