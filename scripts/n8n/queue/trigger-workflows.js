'use strict';
// The receiving side of the "Don't Wait + Sora Trigger" rows, kept apart so that it is easy to
// swap (the trigger's dedupe and example 03b are changing): the rows take their workflow from
// one of these builders, chosen with `--trigger-workflow <name|file.js>[,…]`.
//
// A builder is `(ctx) => workflow`, ctx = { key, path, credential, sinkUrl, reportNode(key, sinkUrl,
// position), uuidFrom(name), nodeType(name) }. The workflow must start with a node named
// "Sora Trigger" (its output is read to count executions per job + status) and end in a Report
// node (reportNode(...)): what reaches Report is what the user's next step would see.
// A file given on the command line exports such a builder (module.exports = fn, or { build }).

const path = require('node:path');

function soraTrigger(ctx, position = [0, 0]) {
	return {
		id: ctx.uuidFrom(`${ctx.key}-trigger`),
		name: 'Sora Trigger',
		type: ctx.nodeType('soraGenerateTrigger'),
		typeVersion: 1,
		position,
		webhookId: ctx.uuidFrom(`${ctx.key}-trigger-hook`),
		parameters: { path: ctx.path, events: 'both', verifyWithFetch: true, downloadVideo: false },
		credentials: { ttApi: { id: ctx.credential.id, name: ctx.credential.name } },
	};
}

const BUILDERS = {
	/** Sora Trigger → Report: the trigger's own "one execution per job and status". */
	plain(ctx) {
		return {
			name: `queue: ${ctx.key}`,
			nodes: [soraTrigger(ctx), ctx.reportNode(ctx.key, ctx.sinkUrl, [260, 0])],
			connections: { 'Sora Trigger': { main: [[{ node: 'Report', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		};
	},
	/**
	 * Sora Trigger → Remove Duplicates (items processed in previous executions, keyed by
	 * jobId:status; n8n keeps that history in its database) → Report: the workflow-level fix.
	 */
	removeDuplicates(ctx) {
		const dedupe = {
			id: ctx.uuidFrom(`${ctx.key}-dedupe`),
			name: 'Remove Duplicates',
			type: 'n8n-nodes-base.removeDuplicates',
			typeVersion: 2,
			position: [240, 0],
			parameters: {
				operation: 'removeItemsSeenInPreviousExecutions',
				logic: 'removeItemsWithAlreadySeenKeyValues',
				dedupeValue: '={{ $json.jobId }}:{{ $json.status }}',
				options: {},
			},
		};
		return {
			name: `queue: ${ctx.key}`,
			nodes: [soraTrigger(ctx), dedupe, ctx.reportNode(ctx.key, ctx.sinkUrl, [480, 0])],
			connections: {
				'Sora Trigger': { main: [[{ node: 'Remove Duplicates', type: 'main', index: 0 }]] },
				'Remove Duplicates': { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
	},
};

/** The builders the trigger rows run when --trigger-workflow is not given. */
const DEFAULT_TRIGGER_WORKFLOWS = ['plain', 'removeDuplicates'];

/** `plain`, `removeDuplicates` or a path to a .js file → { name, build }. */
function resolveTriggerWorkflow(spec) {
	if (BUILDERS[spec]) return { name: spec, build: BUILDERS[spec] };
	const file = path.resolve(spec);
	const mod = require(file);
	const build = typeof mod === 'function' ? mod : mod && mod.build;
	if (typeof build !== 'function') throw new Error(`${file} must export a workflow builder (module.exports = (ctx) => workflow, or { build })`);
	return { name: path.basename(file).replace(/\.js$/, ''), build };
}

module.exports = { BUILDERS, DEFAULT_TRIGGER_WORKFLOWS, resolveTriggerWorkflow, soraTrigger };
