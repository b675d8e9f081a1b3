'use strict';
// 5. An unknown status, a SUCCESS without a videoUrl, a video URL that 404s or is cut off halfway:
//    clear errors, no endless loop, no half-written binary passed on as good. (The binary data
//    mode differs by line: 1.x keeps binaries in memory, 2.x on the filesystem.)

const { describe, isGoodError, triggerItem, rowsPerMode } = require('./check');

const CASES = [
	{
		name: 'the job ends with a status TTAPI never documented ("PAUSED_FOREVER")',
		marker: '[sim:status=PAUSED_FOREVER]',
		cause: /unknown status "PAUSED_FOREVER"/,
		trigger: (j) => j.event === 'failed' && j.status === 'PAUSED_FOREVER' && j.verified === true,
		triggerExpected: 'one execution, event "failed", status PAUSED_FOREVER (a status TTAPI does not document counts as failed)',
	},
	{
		name: 'SUCCESS without a videoUrl',
		marker: '[sim:no-video-url]',
		cause: /SUCCESS but gave no video URL/,
		trigger: (j, bin) => j.event === 'succeeded' && /no video URL/.test(j.downloadError ?? '') && !bin,
		triggerExpected: 'one execution with downloadError "no video URL", no binary',
	},
	{
		name: 'the video URL answers 404',
		marker: '[sim:video=404]',
		cause: /could not be downloaded: HTTP 404/,
		trigger: (j, bin) => j.event === 'succeeded' && /HTTP 404/.test(j.downloadError ?? '') && !bin,
		triggerExpected: 'one execution with downloadError "HTTP 404", no binary',
	},
	{
		name: 'the video download is cut off halfway (full Content-Length declared)',
		marker: '[sim:video=truncate]',
		cause: /could not be downloaded/,
		trigger: (j, bin) => j.event === 'succeeded' && /could not be downloaded/.test(j.downloadError ?? '') && !bin,
		triggerExpected: 'one execution with downloadError, no binary (no half video passed on)',
	},
];

function generateRow(c, mode, route, order) {
	return {
		group: 5,
		order,
		fault: c.name,
		mode,
		expected: 'item error naming the cause, with job id; no binary; ends in < 30 s (no endless loop)',
		estSeconds: 10,
		async run(ctx) {
			const tag = ctx.tag(`output-${route}`);
			const prompt = `${tag} ${c.marker} odd ending`;
			const r = await ctx.generate(route, [prompt], { timeoutMs: 60_000 });
			const job = ctx.jobsFor(prompt)[0];
			const item = r.items[0];
			const binary = item?.binary ? `binary of ${ctx.binarySize(item) ?? '?'} B passed on` : 'no binary';
			const pass = r.status === 'success' && r.seconds < 30 && isGoodError(item, c.cause, job?.jobId) && ctx.submissionsFor(prompt) === 1;
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(item, ctx)}; ${binary}; jobs ${ctx.submissionsFor(prompt)}` };
		},
	};
}

function triggerRow(c, order) {
	return {
		group: 5,
		order,
		fault: c.name,
		mode: 'trigger',
		expected: c.triggerExpected,
		estSeconds: 12,
		async run(ctx) {
			const tag = ctx.tag('output-trigger');
			const prompt = `${tag} ${c.marker} odd ending`;
			const r = await ctx.generate('none', [prompt]);
			const job = ctx.jobsFor(prompt)[0];
			const reports = job ? await ctx.waitTrigger(job.jobId) : [];
			const item = reports[0] ? await triggerItem(ctx, reports[0].exec) : undefined;
			const j = item?.json || {};
			const bin = item?.binary?.data;
			const pass = r.status === 'success' && reports.length === 1 && c.trigger(j, bin);
			return {
				pass,
				observed: `trigger executions ${reports.length}: event ${j.event}, status ${j.status}, verified ${j.verified}${j.downloadError ? `, downloadError "${j.downloadError.slice(0, 120)}"` : ''}; ${bin ? `binary of ${ctx.binarySize(item) ?? '?'} B` : 'no binary'}`,
			};
		},
	};
}

const rows = () => rowsPerMode(CASES, generateRow, triggerRow);

module.exports = { rows };
