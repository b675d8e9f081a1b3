'use strict';
// The verdict on example 5's round trip (see dataTableExample.js): the table row by row against
// what TTAPI (the simulator) did for each row, found by the row ID Sora Generate signed into each
// job's hookUrl; the stored executions (each job saved once, results written before the submit
// run's Save job ID left alone); and the table after every callback was sent again.

const FAIL_MESSAGE = 'prompt violation';
const REFUSE_MESSAGE = 'Prompt refused at submit: it names a brand';
const SAME_PROMPT = 'A paper lantern floating over a lake at dusk, slow drift';
/**
 * The rows a test puts in, and what each must end as. Two rows share a prompt (matching by prompt
 * would mix them up); one job TTAPI fails; one prompt TTAPI refuses at submit (dataTableExample.js, refuseAtSubmit);
 * one row whose status is "" (a cell cleared in n8n 2.x's table view is "", not empty/null); one
 * row done before, which nothing may touch.
 */
const TEST_ROWS = [
	{ prompt: SAME_PROMPT, expect: 'SUCCESS' },
	{ prompt: SAME_PROMPT, expect: 'SUCCESS' },
	{ prompt: `[sim:fail=${FAIL_MESSAGE}] A prompt the render fails`, expect: 'FAILED' },
	{ prompt: 'A hummingbird hovering at a red flower, slow motion', status: '', expect: 'SUCCESS' },
	{ prompt: 'A snowy mountain village at night, warm windows', expect: 'SUCCESS' },
	{ prompt: 'A prompt TTAPI refuses at once', expect: 'SUBMIT_FAILED' },
	{ prompt: 'Rain on a window, city lights blurred behind', expect: 'SUCCESS' },
	{ prompt: 'A row that was done before', status: 'SUCCESS', jobId: 'done-before', expect: 'UNTOUCHED' },
];

/** The signed Callback Data in a job's hookUrl (what Sora Generate sent to TTAPI), or undefined. */
function callbackDataOf(job) {
	try {
		const encoded = new URL(job.hookUrl).searchParams.get('ttapiData');
		return encoded ? JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')).data : undefined;
	} catch {
		return undefined;
	}
}

const num = (v) => (v === null || v === undefined || v === '' ? null : Number(v));
const usd = (quota) => (num(quota) === null ? null : Math.round((Number(quota) / 100) * 10_000) / 10_000);
const short = (id) => (id ? String(id).slice(0, 8) : '–');
const sameRow = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** What a row must hold at the end: its fields, with `error` a text the row's error must contain (null: none). */
function expectedRow(row, job) {
	if (row.expect === 'SUBMIT_FAILED') return { status: 'SUBMIT_FAILED', jobId: null, videoUrl: null, costUsd: null, error: REFUSE_MESSAGE };
	const body = job.fetchBody;
	return {
		status: body.status,
		jobId: job.jobId,
		videoUrl: body.data.videoUrl ?? null,
		costUsd: usd(body.data.quota),
		error: body.status === 'FAILED' ? body.message : null,
	};
}

/** How a row differs from what it must hold (empty: as expected). */
function rowProblems(row, rowJobs, got) {
	if (!got) return ['row missing'];
	if (row.expect === 'UNTOUCHED') return sameRow(got, row.inserted) ? [] : [`changed: ${JSON.stringify(got)}`];
	const wantJobs = row.expect === 'SUBMIT_FAILED' ? 0 : 1;
	if (rowJobs.length !== wantJobs) return [`${rowJobs.length} job(s) at TTAPI (want ${wantJobs})`];
	const want = expectedRow(row, rowJobs[0]);
	const problems = [];
	for (const key of ['status', 'jobId', 'videoUrl']) {
		if ((got[key] ?? null) !== want[key]) problems.push(`${key} ${JSON.stringify(got[key])} (want ${JSON.stringify(want[key])})`);
	}
	if (num(got.costUsd) !== want.costUsd) problems.push(`costUsd ${JSON.stringify(got.costUsd)} (want ${want.costUsd})`);
	const error = got.error ?? '';
	if (want.error ? !String(error).includes(want.error) : error !== '') problems.push(`error ${JSON.stringify(got.error)} (want ${want.error ? `TTAPI's "${want.error}"` : 'none'})`);
	return problems;
}

/**
 * The verdict. facts = { table, rowsAfter (Map), rowsAfterReplay (Map), jobs (simulator), executions
 * (executionFacts before the replay), executionsAfterReplay, replayAnswers, path }.
 */
function judge(facts) {
	const failures = [];
	const details = [];
	const { table, jobs } = facts;
	const rowIdOf = new Map(jobs.map((job) => [job.jobId, callbackDataOf(job)?.rowId]));
	const jobsOf = (row) => jobs.filter((job) => rowIdOf.get(job.jobId) === row.id);
	const todo = table.rows.filter((row) => row.expect !== 'UNTOUCHED');

	// The submit run
	const { submit } = facts.executions;
	if (submit.status !== 'success') failures.push(`submit execution ${submit.status}${submit.error ? `: ${submit.error}` : ''}`);
	const submitted = submit.generated.filter((j) => j.status === 'SUBMITTED' && j.jobId).length;
	const refused = submit.generated.filter((j) => j.error).length;
	const wantSubmitted = todo.filter((r) => r.expect !== 'SUBMIT_FAILED').length;
	if (submit.generated.length !== todo.length || submitted !== wantSubmitted || refused !== todo.length - wantSubmitted) {
		failures.push(`Sora Generate put out ${submit.generated.length} items (${submitted} SUBMITTED, ${refused} errors) for ${todo.length} rows to do`);
	}

	// TTAPI: one job per row to do (none for the refused one, none for the done one), its hookUrl the trigger's path with the row's id signed in
	const badHooks = jobs.filter((job) => !new RegExp(`/webhook/${facts.path}\\?ttapiToken=[^&]+&ttapiData=`).test(job.hookUrl ?? ''));
	if (badHooks.length) failures.push(`${badHooks.length} job(s) with a hookUrl not aimed at /webhook/${facts.path} with token and data`);
	const strays = jobs.filter((job) => !todo.some((row) => row.id === rowIdOf.get(job.jobId)));
	if (strays.length) failures.push(`${strays.length} job(s) whose Callback Data names no row to do: ${strays.map((j) => JSON.stringify(callbackDataOf(j))).join(', ')}`);

	// The table, row by row
	let rowsOk = 0;
	for (const row of table.rows) {
		const got = facts.rowsAfter.get(row.id);
		const problems = rowProblems(row, jobsOf(row), got);
		if (!problems.length) rowsOk += 1;
		details.push(
			`row ${row.id} ${row.expect.padEnd(13)} ${JSON.stringify(row.prompt.slice(0, 40))}: ${got ? `status ${got.status}, jobId ${short(got.jobId)}, costUsd ${got.costUsd}, videoUrl ${got.videoUrl ? 'set' : 'none'}${got.error ? `, error "${String(got.error).slice(0, 60)}"` : ''}` : 'missing'}${problems.length ? `  ← FAIL: ${problems.join('; ')}` : ''}`,
		);
	}
	if (rowsOk !== table.rows.length) failures.push(`${table.rows.length - rowsOk}/${table.rows.length} rows not as expected`);
	const sameTwice = table.rows.filter((row) => row.prompt === SAME_PROMPT).map((row) => facts.rowsAfter.get(row.id)?.jobId);
	const distinct = sameTwice.length === 2 && sameTwice.every(Boolean) && sameTwice[0] !== sameTwice[1];
	if (!distinct) failures.push(`the two rows with the same prompt got job IDs ${JSON.stringify(sameTwice)}`);

	// The results workflow: each job passes the trigger and is saved exactly once
	const passedCount = (runs, job) => runs.filter((r) => r.passed.some((p) => p.jobId === job.jobId)).length;
	const savedCount = (runs, job) => runs.filter((r) => r.saved.some((s) => s.jobId === job.jobId && s.id === rowIdOf.get(job.jobId))).length;
	const { runs } = facts.executions;
	const notOnce = jobs.filter((job) => passedCount(runs, job) !== 1 || savedCount(runs, job) !== 1);
	if (notOnce.length) failures.push(`${notOnce.length} job(s) not passed and saved exactly once by the results workflow`);
	const unhappy = runs.filter((r) => r.status !== 'success');
	if (unhappy.length) failures.push(`results executions not success: ${unhappy.map((r) => `${r.id} ${r.status}${r.error ? ` (${r.error})` : ''}`).join(', ')}`);
	const stopped = runs.filter((r) => !r.passed.length).length;

	// A result written before the submit run's Save job ID (the first jobs end while the run still
	// waits to send the rest): Save job ID must leave that row alone. Told from the rows' updatedAt
	// as each node wrote them (one database clock), not from the order the test saw things.
	const writtenAt = (row) => Date.parse(row?.updatedAt);
	const resultWrite = (row) => runs.flatMap((r) => r.saved).find((s) => s.id === row.id);
	const jobIdWrite = (row) => submit.savedJobIds.find((s) => s.id === row.id);
	const early = todo.filter((row) => resultWrite(row) && (!jobIdWrite(row) || writtenAt(resultWrite(row)) < writtenAt(jobIdWrite(row))));
	const earlyKept = early.filter((row) => !jobIdWrite(row) && ['SUCCESS', 'FAILED'].includes(facts.rowsAfter.get(row.id)?.status));
	if (!early.length) failures.push('no result was written before the submit run saved the job IDs: the Save job ID condition was not exercised');
	if (earlyKept.length !== early.length) failures.push(`${early.length - earlyKept.length} result(s) written first were overwritten by Save job ID`);

	// Every callback sent again: nothing changes in the table, no job passes the trigger again
	const changed = table.rows.filter((row) => !sameRow(facts.rowsAfter.get(row.id), facts.rowsAfterReplay.get(row.id)));
	if (changed.length) failures.push(`${changed.length} row(s) changed by the repeated callbacks: ${changed.map((r) => r.id).join(', ')}`);
	const after = facts.executionsAfterReplay.runs;
	const againPassed = jobs.filter((job) => passedCount(after, job) !== 1 || savedCount(after, job) !== 1);
	if (againPassed.length) failures.push(`after the repeats ${againPassed.length} job(s) not passed/saved exactly once`);
	const answersOk = facts.replayAnswers.length === jobs.length * 2 && facts.replayAnswers.every((status) => status === 200);
	if (!answersOk) failures.push(`repeated callbacks answered ${JSON.stringify(facts.replayAnswers)}`);
	const afterUnhappy = after.filter((r) => r.status !== 'success');
	if (afterUnhappy.length) failures.push(`after the repeats, results executions not success: ${afterUnhappy.map((r) => `${r.id} ${r.status}`).join(', ')}`);

	if (facts.otherSubmitRuns.length) failures.push(`the submit workflow ran more often than it was started: ${facts.otherSubmitRuns.join(', ')}`);
	if (facts.unpicked) {
		const u = facts.unpicked;
		if (u.status !== 'error' || u.node !== 'Prompts to do' || u.jobs !== 0) failures.push(`n8n 1.x, table not picked yet: run ${u.status} at ${u.node} ("${u.message}"), ${u.jobs} job(s) sent`);
	}

	const observed = [
		...(facts.unpicked ? [`n8n 1.x as imported (table By Name, which 1.x lacks): run ${facts.unpicked.status} at "${facts.unpicked.node}": "${facts.unpicked.message}", ${facts.unpicked.jobs} jobs sent; then the nodes pointed at the table From List`] : []),
		`submit run ${submit.status}: ${submitted} SUBMITTED, ${refused} refused by TTAPI (${todo.length} rows to do of ${table.rows.length})`,
		`${jobs.length} jobs at TTAPI, one per row (found by the row ID signed into each hookUrl)`,
		`table: ${rowsOk}/${table.rows.length} rows as expected (${table.rows.map((r) => facts.rowsAfter.get(r.id)?.status ?? 'missing').join('/')}); same prompt twice → two jobs: ${distinct}`,
		`results workflow: ${runs.length} executions for ${jobs.length} jobs, each job saved once: ${notOnce.length === 0}${stopped ? ` (${stopped} stopped at the trigger)` : ''}`,
		`${early.length} result(s) written before the submit run's Save job ID, left alone by it: ${earlyKept.length}`,
		`every callback sent again twice at once → ${answersOk ? 'all 200' : JSON.stringify(facts.replayAnswers)}; rows changed: ${changed.length}; executions now ${after.length} (${after.length - runs.length} new, each job still saved once: ${againPassed.length === 0})`,
	];
	return { pass: failures.length === 0, observed: observed.join(' · '), failures, details };
}

module.exports = { TEST_ROWS, REFUSE_MESSAGE, SAME_PROMPT, callbackDataOf, judge };
