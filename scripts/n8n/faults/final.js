'use strict';
// Checks over the whole run of a line, after every other row:
//   - the simulators' counters: exactly one job per prompt (every row's prompts are its own);
//   - no execution left running or waiting (nothing hangs), and no trigger execution failed or
//     started without a job id; a trigger execution that did not reach Report is a duplicate the
//     trigger stopped (no output from the Sora Trigger node);
//   - the API keys, the Callback Secret and the trigger token appear nowhere n8n wrote (its log
//     lines, CLI output, database, binary data) nor in any node output that reached the sink.

const { nodeItems } = require('../executions');

const ROW_NAMES = ['final one job per prompt', 'final no execution left', 'final secrets'];
/** How long the check lets executions still running end before it calls them left behind. */
const QUIET_WITHIN_MS = 60_000;

async function phase(ctx, earlier, { only } = {}) {
	const out = [];
	const add = (order, fault, expected, pass, observed) => out.push({ group: 10, order, fault, mode: 'all', expected, pass: !!pass, observed, seconds: 0 });
	if (only && !earlier.length) return out;

	// ---- one job per prompt
	{
		const counts = { ...ctx.sim.counters().submissionsByPrompt };
		for (const [prompt, n] of Object.entries(ctx.qsim.counters().submissionsByPrompt)) counts[prompt] = (counts[prompt] || 0) + n;
		const twice = Object.entries(counts).filter(([, n]) => n !== 1);
		const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
		add(0, 'the whole run: jobs per prompt (simulator counters)', 'exactly one job for every prompt that was submitted', twice.length === 0, `${Object.keys(counts).length} prompts, ${jobs} jobs; prompts with more than one job: ${twice.length ? JSON.stringify(twice.map(([p, n]) => [p.slice(0, 50), n])) : 'none'}`);
	}

	// ---- no execution left behind; trigger executions sane
	{
		// "Left behind" means still open once n8n is quiet: a trigger execution that TTAPI's last
		// resend started a second before this check is still claiming its job, not hanging.
		const { rows, open, waitedS } = await ctx.quietExecutions({ withinMs: QUIET_WITHIN_MS });
		const triggerIds = new Set([ctx.workflows.trigger.id, ctx.workflows.triggerQueue.id, ctx.workflows.triggerWrongKey.id]);
		const triggerRows = rows.filter((r) => triggerIds.has(r.workflowId));
		// crashed: killed by n8n at its shutdown limit in the shutdown row, which checked that each holds its job
		const badTrigger = triggerRows.filter((r) => r.status !== 'success' && !ctx.crashedAtShutdown.has(String(r.id)));
		const triggerReports = ctx.sink.reports.filter((r) => r.node === 'Sora Trigger');
		const withoutJob = triggerReports.filter((r) => !r.json || !r.json.jobId);
		const reported = new Set(triggerReports.map((r) => String(r.exec)));
		const unreported = triggerRows.filter((r) => !reported.has(String(r.id)));
		const notStopped = [];
		for (const r of unreported) {
			if (nodeItems(await ctx.readExec(r.id), 'Sora Trigger').length !== 0) notStopped.push(r.id);
		}
		const byStatus = {};
		for (const r of rows) byStatus[r.status] = (byStatus[r.status] || 0) + 1;
		const pass = open.length === 0 && badTrigger.length === 0 && withoutJob.length === 0 && triggerReports.length === triggerRows.length - unreported.length && notStopped.length === 0;
		add(1, 'the whole run: executions left behind', 'no execution still running or waiting (after at most 60 s for those running to end); every trigger execution succeeded and either reached Report with a job id or was a duplicate the trigger stopped (no trigger output), except those n8n killed at its shutdown limit (shutdown row)', pass, `${rows.length} executions ${JSON.stringify(byStatus)}${waitedS ? ` (after ${waitedS} s for running ones to end)` : ''}; still open ${open.length ? JSON.stringify(open) : 0}; trigger executions ${triggerRows.length} (not success: ${badTrigger.length ? JSON.stringify(badTrigger) : 0}; killed at n8n's shutdown limit: ${ctx.crashedAtShutdown.size}; reached Report ${triggerReports.length}; stopped at the trigger as duplicates ${unreported.length - notStopped.length}${notStopped.length ? `; neither: ${JSON.stringify(notStopped)}` : ''}), trigger items without a job id ${withoutJob.length}`);
	}

	// ---- secrets
	{
		const secrets = {
			'API key (main)': ctx.keys.main,
			'API key (other)': ctx.keys.other,
			'API key (queue)': ctx.keys.queue,
			'API key (queue, poll)': ctx.keys.queuePoll,
			'API key (queue, callback)': ctx.keys.queueCallback,
			'API key (wrong)': ctx.keys.wrong,
			'Callback Secret': ctx.secret,
			'trigger token': ctx.triggerToken,
		};
		const outputs = JSON.stringify(ctx.sink.reports);
		if (ctx.n8n.running) await ctx.n8n.stop();
		const logs = ctx.n8n.allLogs();
		const found = [];
		for (const [name, value] of Object.entries(secrets)) {
			if (logs.includes(value)) found.push(`${name} in n8n's log/CLI output`);
			if (outputs.includes(value)) found.push(`${name} in node output`);
		}
		const files = ctx.filesContaining(Object.values(secrets));
		add(2, `the whole run: secrets (${Object.keys(secrets).length - 2} API keys, Callback Secret, trigger token)`, 'none appears in any n8n log line, CLI output, database row, binary file or node output', found.length === 0 && files.length === 0, found.length || files.length ? `found: ${[...found, ...files].join(', ')}` : `checked ${logs.length} bytes of logs, every file under the n8n user folder, ${ctx.sink.reports.length} output items`);
	}
	return out;
}

module.exports = { phase, rowNames: ROW_NAMES };
