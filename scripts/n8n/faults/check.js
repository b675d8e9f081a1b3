'use strict';
// Small judgements shared by the row files: what a good result item and a good error item are.

const { nodeItems } = require('../executions');

/** One output item in a few words. */
function describe(item, ctx) {
	if (!item) return 'no item';
	const j = item.json || {};
	if (j.error) return `error "${String(j.error).slice(0, 160)}"${j.jobId ? ` (job ${String(j.jobId).slice(0, 8)})` : ' (no job id)'}${j.status ? ` [${j.status}]` : ''}`;
	const size = ctx && item.binary ? ctx.binarySize(item) : undefined;
	return `${j.status}${j.jobId ? ` job ${String(j.jobId).slice(0, 8)}` : ''}${item.binary ? `, video ${size ?? '?'} B` : ', no binary'}`;
}

/** A SUCCESS item for this job, with the whole video as binary (when a video is expected). */
function isGoodResult(ctx, item, job, { video = true } = {}) {
	if (!item || !job) return false;
	const j = item.json || {};
	if (j.error || j.status !== 'SUCCESS' || j.jobId !== job.jobId || !j.videoUrl) return false;
	if (!video) return true;
	return ctx.binarySize(item) === ctx.videoBytes;
}

/** An error item that names the cause (regex) and carries the job id when one exists. */
function isGoodError(item, cause, jobId) {
	if (!item) return false;
	const j = item.json || {};
	if (typeof j.error !== 'string' || !cause.test(j.error)) return false;
	if (jobId !== undefined && j.jobId !== jobId) return false;
	return !item.binary;
}

/** The Sora Trigger's output item of a trigger execution (read from the DB). */
/** The Sora Trigger's output item of an execution; the Report node reports before n8n saved it, so wait a little. */
async function triggerItem(ctx, execId) {
	for (let tries = 0; ; tries++) {
		const item = nodeItems(await ctx.readExec(execId), 'Sora Trigger')[0];
		if (item || tries >= 20) return item;
		await ctx.sleep(250);
	}
}

function faultHits(sim, id) {
	const fault = sim.faults().find((f) => f.id === id);
	return fault ? fault.hits : 0;
}

/** The three rows of each case: Poll, Wait for Callback, and the trigger pattern. */
function rowsPerMode(cases, generateRow, triggerRow) {
	return cases.flatMap((c, i) => [generateRow(c, 'poll', 'poll', i * 3), generateRow(c, 'callback', 'cb', i * 3 + 1), triggerRow(c, i * 3 + 2)]);
}

const short = (id) => (id ? String(id).slice(0, 8) : String(id));

module.exports = { describe, isGoodResult, isGoodError, triggerItem, faultHits, rowsPerMode, short };
