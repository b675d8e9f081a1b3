'use strict';
// The workflows the benchmark imports into real n8n. Every batch workflow starts the same way:
// a production Webhook (POST {prompts:[{prompt}]}, answered at once) → Split Out → the part
// under test, so all modes get the same items the same way.

const rt = require('../../n8n/runtime');

const SORA_TYPE = `${rt.NODE_TYPE_PREFIX}.soraGenerate`;
const TRIGGER_TYPE = `${rt.NODE_TYPE_PREFIX}.soraGenerateTrigger`;
const GENERATE = 'Sora Generate';
const TRIGGER = 'Sora Trigger';

let counter = 0;
const uuid = () => {
	const n = String(++counter).padStart(12, '0');
	return `b3e0c0de-0000-4000-8000-${n}`;
};

function startNodes(key) {
	const path = `bench-${key}`;
	return {
		path,
		nodes: [
			{
				id: uuid(),
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: uuid(),
				parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			},
			{
				id: uuid(),
				name: 'Prompts',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [200, 0],
				parameters: { fieldToSplitOut: 'body.prompts', options: {} },
			},
		],
		connections: { Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] } },
	};
}

const credentialRef = (credential) => ({ ttApi: { id: credential.id, name: credential.name } });

/** Start → Prompts → Sora Generate (Generate Video) with the given parameters. */
function soraBatchWorkflow(key, credential, parameters, settings = {}) {
	const start = startNodes(key);
	return {
		path: start.path,
		wf: {
			id: rt.randomId(),
			name: `bench ${key}`,
			nodes: [
				...start.nodes,
				{
					id: uuid(),
					name: GENERATE,
					type: SORA_TYPE,
					typeVersion: 1,
					position: [400, 0],
					webhookId: uuid(),
					parameters: {
						operation: 'generateVideo',
						model: 'sora-2',
						prompt: '={{ $json.prompt }}',
						maxJobsInFlight: 5,
						downloadVideo: false,
						...parameters,
					},
					credentials: credentialRef(credential),
				},
			],
			connections: { ...start.connections, Prompts: { main: [[{ node: GENERATE, type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1', ...settings },
		},
	};
}

/** A receiving node → "Handle Video" (NoOp), published on `path`. */
function receiverWorkflow(key, path, receiver) {
	return {
		path,
		wf: {
			id: rt.randomId(),
			name: `bench ${key}`,
			nodes: [
				{ id: uuid(), typeVersion: 1, position: [0, 0], webhookId: uuid(), ...receiver },
				{ id: uuid(), name: 'Handle Video', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [240, 0], parameters: {} },
			],
			connections: { [receiver.name]: { main: [[{ node: 'Handle Video', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		},
	};
}

/** Sora Trigger → NoOp on `path`. */
function triggerWorkflow(key, credential, { path, verify = true, download = false }) {
	return receiverWorkflow(key, path, {
		name: TRIGGER,
		type: TRIGGER_TYPE,
		parameters: { path, events: 'both', verifyWithFetch: verify, downloadVideo: download },
		credentials: credentialRef(credential),
	});
}

/** n8n's stock Webhook (POST, answered on receipt) → NoOp: the reference for trigger throughput. */
function stockWebhookWorkflow(key, { path }) {
	return receiverWorkflow(key, path, {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	});
}

/**
 * The loop users build today from stock nodes: Loop Over Items (batchSize per round) → HTTP
 * Request submit → Wait → HTTP Request fetch → IF every item of the round is final → next round,
 * else back to Wait. batchSize 1 is the one-video-after-another pattern; batchSize K is the best
 * a hand-built loop does under TTAPI's queue limit (a round ends when its slowest job ends).
 */
function baselineWorkflow(key, { simUrl, apiKey, batchSize, waitSeconds }) {
	const start = startNodes(key);
	const header = { parameters: [{ name: 'TT-API-KEY', value: apiKey }] };
	const nodes = [
		...start.nodes,
		{
			id: uuid(),
			name: 'Loop Over Items',
			type: 'n8n-nodes-base.splitInBatches',
			typeVersion: 3,
			position: [400, 0],
			parameters: { batchSize, options: {} },
		},
		{ id: uuid(), name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, -200], parameters: {} },
		{
			id: uuid(),
			name: 'Submit',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [600, 0],
			parameters: {
				method: 'POST',
				url: `${simUrl}/sora/generations`,
				sendHeaders: true,
				headerParameters: header,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify({ model: "sora-2", prompt: $json.prompt }) }}',
				options: {},
			},
		},
		{
			id: uuid(),
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [800, 0],
			webhookId: uuid(),
			parameters: { resume: 'timeInterval', amount: waitSeconds, unit: 'seconds' },
		},
		{
			id: uuid(),
			name: 'Fetch',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [1000, 0],
			parameters: {
				method: 'GET',
				url: `${simUrl}/sora/fetch`,
				sendHeaders: true,
				headerParameters: header,
				sendQuery: true,
				queryParameters: { parameters: [{ name: 'jobId', value: '={{ $json.jobId ?? $json.data.job_id }}' }] },
				options: {},
			},
		},
		{
			id: uuid(),
			name: 'All Done?',
			type: 'n8n-nodes-base.if',
			typeVersion: 1,
			position: [1200, 0],
			parameters: {
				conditions: {
					boolean: [
						{
							value1: "={{ $input.all().every(item => ['SUCCESS', 'FAILED'].includes(item.json.status)) }}",
							value2: true,
						},
					],
				},
			},
		},
	];
	const to = (node) => ({ node, type: 'main', index: 0 });
	return {
		path: start.path,
		wf: {
			id: rt.randomId(),
			name: `bench ${key}`,
			nodes,
			connections: {
				...start.connections,
				Prompts: { main: [[to('Loop Over Items')]] },
				'Loop Over Items': { main: [[to('Done')], [to('Submit')]] },
				Submit: { main: [[to('Wait')]] },
				Wait: { main: [[to('Fetch')]] },
				Fetch: { main: [[to('All Done?')]] },
				'All Done?': { main: [[to('Loop Over Items')], [to('Wait')]] },
			},
			settings: { executionOrder: 'v1' },
		},
	};
}

module.exports = { GENERATE, TRIGGER, soraBatchWorkflow, triggerWorkflow, stockWebhookWorkflow, baselineWorkflow };
