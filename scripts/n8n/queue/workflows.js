'use strict';
// The workflows of the queue-mode suite. Each scenario gets its own workflows (and its own TTAPI
// simulator + credential), so rows never share a queue, a counter or an execution list.
//
//   batch:     Start (Webhook, POST /webhook/<path>, answers at once) → Prompts (Split Out body.prompts)
//              → Sora Generate (the scenario's wait mode, Continue On Fail) → Report
//   trigger:   see trigger-workflows.js (swappable)
//
// Report is an HTTP Request to the suite's sink: every item that leaves the Sora node is counted
// there, so the rest of a workflow running twice (a double resume) shows.

const crypto = require('node:crypto');
const rt = require('../runtime');

const GENERATE = 'Sora Generate';

/** A stable UUID from a name (n8n wants UUID-shaped node ids and webhook ids). */
function uuidFrom(name) {
	const h = crypto.createHash('sha1').update(name).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An HTTP Request node that posts { exec, node, item, json } of each item it gets to the sink. */
function reportNode(key, sinkUrl, position = [900, 0]) {
	return {
		id: uuidFrom(`${key}-report`),
		name: 'Report',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position,
		onError: 'continueRegularOutput',
		parameters: {
			method: 'POST',
			url: `${sinkUrl}/report`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: `={{ JSON.stringify({ key: ${JSON.stringify(key)}, exec: $execution.id, node: $prevNode.name, item: $itemIndex, json: $json }) }}`,
			options: {},
		},
	};
}

const credentialRef = (credential) => ({ ttApi: { id: credential.id, name: credential.name } });

/** Start → Prompts → Sora Generate (params) → Report. Returns { key, id, path, wf }. */
function batchWorkflow(key, { credential, sinkUrl, params }) {
	const path = `queue-${key}`;
	const id = rt.randomId();
	const wf = {
		id,
		name: `queue: ${key}`,
		nodes: [
			{
				id: uuidFrom(`${key}-start`),
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: uuidFrom(`${key}-start-hook`),
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
			{
				id: uuidFrom(`${key}-split`),
				name: 'Prompts',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.prompts', options: {} },
			},
			{
				id: uuidFrom(`${key}-sora`),
				name: GENERATE,
				type: `${rt.PACKAGE_NAME}.soraGenerate`,
				typeVersion: 1,
				position: [460, 0],
				webhookId: uuidFrom(`${key}-sora-hook`),
				onError: 'continueRegularOutput',
				parameters: {
					operation: 'generateVideo',
					model: 'sora-2',
					prompt: '={{ $json.prompt }}',
					maxJobsInFlight: 3,
					...params,
				},
				credentials: credentialRef(credential),
			},
			reportNode(key, sinkUrl, [700, 0]),
		],
		connections: {
			Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: GENERATE, type: 'main', index: 0 }]] },
			[GENERATE]: { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	return { key, id, path, wf };
}

module.exports = { GENERATE, uuidFrom, reportNode, credentialRef, batchWorkflow };
