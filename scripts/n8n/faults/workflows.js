'use strict';
// The workflows the fault matrix imports into each n8n line. Few workflows, so that importing and
// activating them stays cheap (every n8n CLI call boots n8n):
//
//   "faults: generate"   Start (Webhook, POST /webhook/faults-start, answers with the execution id)
//                        → Respond → Split Out (body.items) → Route (Switch on $json.route)
//                        → one "Sora <route>" node per route (mode × credential × settings) → Report
//   "faults: trigger …"  Sora Trigger (one per credential/path) → Report
//
// Report is an HTTP Request to the matrix's sink: every item that leaves a Sora node is counted
// there once, so a double resume (the rest of a workflow running twice) would show.

const crypto = require('node:crypto');
const rt = require('../runtime');

const START_PATH = 'faults-start';
/** n8n's own Webhook node, as the yardstick for what n8n does with webhooks while it shuts down. */
const STOCK_PATH = 'faults-stock-webhook';
const TRIGGER_PATHS = { main: 'faults-trigger', queue: 'faults-trigger-queue', wrongKey: 'faults-trigger-wrongkey' };

const BASE = {
	operation: 'generateVideo',
	model: 'sora-2',
	prompt: '={{ $json.prompt }}',
	pollIntervalSeconds: 1,
	timeoutMinutes: 3,
	maxWaitMinutes: 3,
	maxJobsInFlight: 5,
	downloadVideo: true,
};
const poll = { waitMode: 'poll' };
const callback = { waitMode: 'callback' };
const none = (path) => ({ waitMode: 'none', options: { callbackUrl: path } });
const inputChecks = {
	videoOptions: { duration: '={{ $json.duration ?? 10 }}', referImageUrls: '={{ $json.refs ?? "" }}' },
};

/** route name → { cred, cof (Continue On Fail), params }. The order gives the Switch output index. */
const ROUTES = {
	poll: { cred: 'main', cof: true, params: poll },
	pollStrict: { cred: 'main', cof: false, params: poll },
	cb: { cred: 'main', cof: true, params: callback },
	cbStrict: { cred: 'main', cof: false, params: callback },
	cbMaxWait: { cred: 'main', cof: true, params: { ...callback, maxWaitMinutes: 0.1 } },
	cbMaxWaitOne: { cred: 'main', cof: true, params: { ...callback, maxWaitMinutes: 0.1, maxJobsInFlight: 1 } },
	cbRestartOne: { cred: 'main', cof: true, params: { ...callback, maxWaitMinutes: 0.5, maxJobsInFlight: 1 } },
	cbOne: { cred: 'main', cof: true, params: { ...callback, maxJobsInFlight: 1 } },
	// Max Wait passes only after the restart row's restart, so nobody but n8n itself ends the wait
	cbLost: { cred: 'main', cof: true, params: { ...callback, maxWaitMinutes: 1, maxJobsInFlight: 1 } },
	none: { cred: 'main', cof: true, params: none(TRIGGER_PATHS.main) },
	noneStrict: { cred: 'main', cof: false, params: none(TRIGGER_PATHS.main) },
	pollQ: { cred: 'queuePoll', cof: true, params: { ...poll, timeoutMinutes: 5 } },
	cbQ: { cred: 'queueCallback', cof: true, params: { ...callback, maxWaitMinutes: 5 } },
	noneQ: { cred: 'queue', cof: true, params: none(TRIGGER_PATHS.queue) },
	pollWrongKey: { cred: 'wrongKey', cof: true, params: poll },
	cbWrongKey: { cred: 'wrongKey', cof: true, params: callback },
	noneWrongKey: { cred: 'wrongKey', cof: true, params: none(TRIGGER_PATHS.main) },
	noneToWrongKeyTrigger: { cred: 'main', cof: true, params: none(TRIGGER_PATHS.wrongKey) },
	pollRefused: { cred: 'refused', cof: true, params: poll },
	cbRefused: { cred: 'refused', cof: true, params: { ...callback, maxWaitMinutes: 1 } },
	noneRefused: { cred: 'refused', cof: true, params: none(TRIGGER_PATHS.main) },
	pollNotTtapi: { cred: 'notTtapi', cof: true, params: poll },
	cbNotTtapi: { cred: 'notTtapi', cof: true, params: callback },
	noneNotTtapi: { cred: 'notTtapi', cof: true, params: none(TRIGGER_PATHS.main) },
	pollFtp: { cred: 'ftp', cof: true, params: poll },
	cbFtp: { cred: 'ftp', cof: true, params: callback },
	noneFtp: { cred: 'ftp', cof: true, params: none(TRIGGER_PATHS.main) },
	pollIn: { cred: 'main', cof: true, params: { ...poll, ...inputChecks } },
	cbIn: { cred: 'main', cof: true, params: { ...callback, ...inputChecks } },
	noneIn: { cred: 'main', cof: true, params: { ...none(TRIGGER_PATHS.main), ...inputChecks } },
	pollInStrict: { cred: 'main', cof: false, params: { ...poll, ...inputChecks } },
	cbInStrict: { cred: 'main', cof: false, params: { ...callback, ...inputChecks } },
	noneInStrict: { cred: 'main', cof: false, params: { ...none(TRIGGER_PATHS.main), ...inputChecks } },
	getVideo: { cred: 'main', cof: true, params: { operation: 'getVideo', jobId: '={{ $json.jobId }}', downloadVideo: true } },
	// One job at a time, so "no further item submitted" after a 402 is a property of the node, not of timing.
	pollOne: { cred: 'main', cof: true, params: { ...poll, maxJobsInFlight: 1 } },
	noneOne: { cred: 'main', cof: true, params: { ...none(TRIGGER_PATHS.main), maxJobsInFlight: 1 } },
};
const ROUTE_NAMES = Object.keys(ROUTES);
const soraNodeName = (route) => `Sora ${route}`;

/** A stable UUID from a name (n8n wants UUID-shaped node ids and webhook ids). */
function uuidFrom(name) {
	const h = crypto.createHash('sha1').update(name).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function reportNode(name, sinkUrl, position) {
	return {
		id: uuidFrom(`report-${name}`),
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
			jsonBody:
				'={{ JSON.stringify({ exec: $execution.id, node: $prevNode.name, json: $json, binary: Object.keys($binary || {}) }) }}',
			options: {},
		},
	};
}

function generateWorkflow(creds, sinkUrl) {
	const nodes = [
		{
			id: uuidFrom('start'),
			name: 'Start',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: uuidFrom('start-hook'),
			parameters: { httpMethod: 'POST', path: START_PATH, responseMode: 'responseNode', options: {} },
		},
		{
			id: uuidFrom('respond'),
			name: 'Respond',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.1,
			position: [200, 0],
			parameters: {
				respondWith: 'json',
				responseBody: '={{ JSON.stringify({ executionId: $execution.id }) }}',
				options: {},
			},
		},
		{
			id: uuidFrom('split'),
			name: 'Items',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [400, 0],
			parameters: { fieldToSplitOut: 'body.items', options: {} },
		},
		{
			id: uuidFrom('route'),
			name: 'Route',
			type: 'n8n-nodes-base.switch',
			typeVersion: 3,
			position: [600, 0],
			parameters: { mode: 'expression', numberOutputs: ROUTE_NAMES.length, output: '={{ $json.route }}' },
		},
		reportNode('generate', sinkUrl, [1100, 0]),
	];
	const connections = {
		Start: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] },
		Respond: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[{ node: 'Route', type: 'main', index: 0 }]] },
		Route: { main: [] },
	};
	ROUTE_NAMES.forEach((route, index) => {
		const spec = ROUTES[route];
		const cred = creds[spec.cred];
		const name = soraNodeName(route);
		nodes.push({
			id: uuidFrom(`sora-${route}`),
			name,
			type: `${rt.PACKAGE_NAME}.soraGenerate`,
			typeVersion: 1,
			position: [850, index * 120],
			webhookId: uuidFrom(`sora-${route}-hook`),
			...(spec.cof ? { onError: 'continueRegularOutput' } : {}),
			parameters: { ...BASE, ...spec.params },
			credentials: { ttApi: { id: cred.id, name: cred.name } },
		});
		connections.Route.main.push([{ node: name, type: 'main', index: 0 }]);
		connections[name] = { main: [[{ node: 'Report', type: 'main', index: 0 }]] };
	});
	return { id: rt.randomId(), name: 'faults: generate', nodes, connections, settings: { executionOrder: 'v1' } };
}

/** One receiving node → Report. */
function receiverWorkflow(name, node, sinkUrl, reportName) {
	return {
		id: rt.randomId(),
		name,
		nodes: [{ typeVersion: 1, position: [0, 0], ...node }, reportNode(reportName, sinkUrl, [240, 0])],
		connections: { [node.name]: { main: [[{ node: 'Report', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function triggerWorkflow(key, cred, sinkUrl) {
	const path = TRIGGER_PATHS[key];
	const trigger = {
		id: uuidFrom(`trigger-${key}`),
		name: 'Sora Trigger',
		type: `${rt.PACKAGE_NAME}.soraGenerateTrigger`,
		webhookId: uuidFrom(`trigger-${key}-hook`),
		parameters: { path, events: 'both', verifyWithFetch: true, downloadVideo: true },
		credentials: { ttApi: { id: cred.id, name: cred.name } },
	};
	return receiverWorkflow(`faults: trigger ${key}`, trigger, sinkUrl, `trigger-${key}`);
}

/** Stock Webhook (Respond: Immediately) → Report: receives the same kind of callbacks as the Sora Trigger in the shutdown row. */
function stockWebhookWorkflow(sinkUrl) {
	const webhook = {
		id: uuidFrom('stock-webhook'),
		name: 'Stock Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: uuidFrom('stock-webhook-hook'),
		parameters: { httpMethod: 'POST', path: STOCK_PATH, responseMode: 'onReceived', options: {} },
	};
	return receiverWorkflow('faults: stock webhook', webhook, sinkUrl, 'stock-webhook');
}

module.exports = { ROUTES, ROUTE_NAMES, START_PATH, STOCK_PATH, TRIGGER_PATHS, soraNodeName, generateWorkflow, triggerWorkflow, stockWebhookWorkflow };
