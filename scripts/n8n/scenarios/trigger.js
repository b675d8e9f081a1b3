#!/usr/bin/env node
'use strict';
// Sora Trigger in real n8n (1.x and/or 2.x) against the TTAPI simulator (in-process).
//
//   node scripts/n8n/scenarios/trigger.js [--n8n 1|2|both]   (needs `npm run build` first)
//   require('./scenarios/trigger').run({ line: '2', log }) → { rows: [{ scenario, pass, detail }] }
//
// One n8n instance per line, two workflows imported with the CLI and activated:
//   "Sora Trigger → NoOp" (path ttapi-sora, verify on, download on) with a credential that has a
//   Callback Secret, and the same on path ttapi-sora-nosecret with a credential without one.
// Scenarios:
//   a  a job submitted with hookUrl = Production URL + token → exactly one execution whose trigger
//      output is TTAPI's record (jobId/status/videoUrl, event, verified) with the video as binary
//   a2 a failed job → one execution with event "failed" (not an error)
//   b  the same callback without the token (and with a wrong one) → HTTP 401, no new execution
//   c  duplicates one after the other: a replayed callback (sim.sendCallback, three times) and a
//      job whose callback TTAPI sends twice → no second execution, on both lines (the static data
//      saved before n8n answers stops each duplicate at the webhook; see dedupe.ts)
//   c2 the same callback four times at the same moment → the calls miss each other in the static
//      data (each loaded it before any saved it): up to four executions, exactly one goes past the
//      trigger (the claim in n8n's database stops the others)
//   h  Callback Data round trip: a "Sora Generate (Don't Wait)" workflow, started by a webhook,
//      submits 3 rows with Callback URL = the trigger's Path and Callback Data from expressions;
//      TTAPI sends every callback twice, one after the other → exactly one trigger execution per
//      job, whose callbackData is the row's fields, typed as the expressions gave them
//   h2 the hookUrl with its ttapiData changed, or removed → 401, nothing starts
//   h3 Callback Data over 1 KB → the submit fails naming Callback Data and the limit; no job
//   i  Create Character (Don't Wait, Callback URL = the Path) → one trigger execution, kind
//      "character" with the character's fields and Callback Data, no download
//   d  after an n8n restart a replayed callback, and another sent three times at once, start
//      nothing (the static data in the DB; behind it, the claim in n8n's processed data)
//   e  a workflow whose credential has no Callback Secret is not activated: n8n records our error
//      and its URL is not registered
//   f  the API key, the secret and the token appear nowhere n8n wrote (DB, logs, executions)
//   g  the answer is bounded: 200 within ~5 s (the node's budget) while TTAPI's /sora/fetch is slowed to 8 s

const fs = require('node:fs');
const path = require('node:path');
const rt = require('../runtime');
const { binarySize, filesContaining } = require('../files');
const { startSimulator } = require('../../../test/simulator');
const { submitVideo } = require('../../../test/simulator/client');

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const API_KEY = 'sk-trigger-scenario-KEY-4411';
const SECRET = 'trigger-scenario-SECRET-9c2e';
const VIDEO_BYTES = 80 * 1024;
const PATH_OK = 'ttapi-sora';
const PATH_NO_SECRET = 'ttapi-sora-nosecret';
const TRIGGER_NAME = 'Sora Trigger';
const NOOP_NAME = 'Handle Video';
const GENERATE_NAME = 'Sora Generate';
const SUBMIT_VIDEO_PATH = 'submit-video';
const SUBMIT_CHARACTER_PATH = 'submit-character';
/** What scenario h's Callback Data option holds: name → value (expressions from the row, and fixed text). */
const CALLBACK_DATA_FIELDS = [
	['row', '={{ $json.row }}'],
	['sheet', '={{ $json.sheet }}'],
	['flag', '={{ $json.flag }}'],
	['meta', '={{ $json.meta }}'],
	['note', '={{ $json.note }}'],
	['label', 'batch 7'],
	['five', '5'],
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function loadBuiltPackage() {
	const dist = path.join(repoRoot, 'dist', 'nodes');
	const node = path.join(dist, 'SoraGenerateTrigger', 'SoraGenerateTrigger.node.js');
	if (!fs.existsSync(node)) throw new Error(`${node} is missing: run \`npm run build\` first`);
	return require(path.join(dist, 'shared', 'callbackAuth.js'));
}

/** The TTAPI credential for the simulator, with the Callback Secret the trigger checks. */
const simulatorCredential = (sim) => ({
	name: 'TTAPI (simulator)',
	type: 'ttApi',
	data: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url, callbackSecret: SECRET },
});

/**
 * Gives `n8n` (before its start) the simulator's credential and an active Sora Trigger workflow,
 * as the experiments that measure the trigger need; `hookUrl` is the trigger's callback URL.
 */
async function addActiveTrigger(n8n, sim, { name, triggerPath = 'ttapi-sora', webhookId }) {
	const { callbackToken, CALLBACK_TOKEN_PARAM } = loadBuiltPackage();
	const [credential] = await n8n.importCredentials([simulatorCredential(sim)]);
	const workflowId = await n8n.importWorkflow(triggerWorkflow({ name, credential, triggerPath, webhookId }));
	await n8n.activateWorkflow(workflowId);
	const hookUrl = `${n8n.baseUrl}/webhook/${triggerPath}?${CALLBACK_TOKEN_PARAM}=${encodeURIComponent(callbackToken(SECRET, 'trigger'))}`;
	return { credential, workflowId, hookUrl };
}

/** Submits a video job straight to the simulator (hookUrl optional); returns its job ID. */
async function submitToSimulator(sim, prompt, hookUrl) {
	return await submitVideo(sim.url, { apiKey: API_KEY, prompt, hookUrl });
}

function triggerWorkflow({ name, credential, triggerPath, webhookId }) {
	return {
		name,
		nodes: [
			{
				id: 'a3c1f0de-0001-4000-8000-00000000000' + (triggerPath === PATH_OK ? '1' : '3'),
				name: TRIGGER_NAME,
				type: `${rt.PACKAGE_NAME}.soraGenerateTrigger`,
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { path: triggerPath, events: 'both', verifyWithFetch: true, downloadVideo: true },
				credentials: { ttApi: { id: credential.id, name: credential.name } },
			},
			{
				id: 'a3c1f0de-0001-4000-8000-00000000000' + (triggerPath === PATH_OK ? '2' : '4'),
				name: NOOP_NAME,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [240, 0],
				parameters: {},
			},
		],
		connections: { [TRIGGER_NAME]: { main: [[{ node: NOOP_NAME, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Webhook (POST /webhook/<path>, answers with every item of the last node) → one item per row of
 * body.rows → Sora Generate in Don't Wait, Callback URL = the trigger's Path, Callback Data.
 */
function submitWorkflow({ name, credential, webhookPath, webhookId, resource }) {
	const generate =
		resource === 'character'
			? { resource: 'character', operation: 'createCharacter', url: '={{ $json.url }}', timestamps: '1,3', waitMode: 'none' }
			: { resource: 'video', operation: 'generateVideo', model: 'sora-2', prompt: '={{ $json.prompt }}', waitMode: 'none', videoOptions: {} };
	const fields = resource === 'character' ? [['row', '={{ $json.row }}']] : CALLBACK_DATA_FIELDS;
	return {
		name,
		nodes: [
			{
				id: `b4d2e1f0-0001-4000-8000-0000000000${resource === 'character' ? '21' : '11'}`,
				name: 'Rows',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 300],
				webhookId,
				parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
			},
			{
				id: `b4d2e1f0-0001-4000-8000-0000000000${resource === 'character' ? '22' : '12'}`,
				name: 'One item per row',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 300],
				parameters: { fieldToSplitOut: 'body.rows', options: {} },
			},
			{
				id: `b4d2e1f0-0001-4000-8000-0000000000${resource === 'character' ? '23' : '13'}`,
				name: GENERATE_NAME,
				type: `${rt.PACKAGE_NAME}.soraGenerate`,
				typeVersion: 1,
				position: [440, 300],
				parameters: {
					...generate,
					options: { callbackUrl: PATH_OK, callbackData: { fields: fields.map(([field, value]) => ({ name: field, value })) } },
				},
				credentials: { ttApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: {
			Rows: { main: [[{ node: 'One item per row', type: 'main', index: 0 }]] },
			'One item per row': { main: [[{ node: GENERATE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

async function runLine(line, log) {
	const rows = [];
	const row = (scenario, pass, detail) => {
		rows.push({ scenario, pass: !!pass, detail });
		log(`${pass ? 'PASS' : 'FAIL'} ${scenario}: ${detail}`);
	};
	const { callbackToken, CALLBACK_TOKEN_PARAM, CALLBACK_DATA_PARAM } = loadBuiltPackage();
	const token = callbackToken(SECRET, 'trigger');
	let sim;
	let n8n;
	try {
		const info = await rt.ensureN8n(line);
		sim = await startSimulator({ port: 0, apiKeys: [API_KEY], queueMs: 200, renderMs: 800, videoBytes: VIDEO_BYTES, queueLimit: 20 });
		n8n = await rt.createN8nInstance({ line, n8n: info, log: (m) => log(`[n8n ${info.version}] ${m}`) });

		const [credOk, credNoSecret] = await n8n.importCredentials([
			simulatorCredential(sim),
			{ name: 'TTAPI without secret', type: 'ttApi', data: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url } },
		]);
		const wfId = await n8n.importWorkflow(
			triggerWorkflow({ name: 'Sora Trigger scenario', credential: credOk, triggerPath: PATH_OK, webhookId: '5b0e6a52-1c1d-4d0e-9a53-0f6d3a1b2c01' }),
		);
		const wfNoSecretId = await n8n.importWorkflow(
			triggerWorkflow({ name: 'Sora Trigger without secret', credential: credNoSecret, triggerPath: PATH_NO_SECRET, webhookId: '5b0e6a52-1c1d-4d0e-9a53-0f6d3a1b2c02' }),
		);
		const wfSubmitVideoId = await n8n.importWorkflow(
			submitWorkflow({ name: 'Submit videos (Don\'t Wait)', credential: credOk, webhookPath: SUBMIT_VIDEO_PATH, webhookId: '5b0e6a52-1c1d-4d0e-9a53-0f6d3a1b2c11', resource: 'video' }),
		);
		const wfSubmitCharacterId = await n8n.importWorkflow(
			submitWorkflow({ name: 'Submit characters (Don\'t Wait)', credential: credOk, webhookPath: SUBMIT_CHARACTER_PATH, webhookId: '5b0e6a52-1c1d-4d0e-9a53-0f6d3a1b2c12', resource: 'character' }),
		);
		await n8n.activateWorkflow(wfId);
		await n8n.activateWorkflow(wfNoSecretId);
		await n8n.activateWorkflow(wfSubmitVideoId);
		await n8n.activateWorkflow(wfSubmitCharacterId);
		await n8n.start();
		await n8n.rest.setupOwner();
		await n8n.rest.createApiKey();

		const prodUrl = `${n8n.baseUrl}/webhook/${PATH_OK}`;
		const hookUrl = `${prodUrl}?${CALLBACK_TOKEN_PARAM}=${encodeURIComponent(token)}`;
		// Wait until the production webhook answers (a token-less probe: 401 from our node, not 404).
		const probe = await n8n.waitForWebhook(prodUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, { timeoutMs: 30_000 });
		if (probe.status === 404) throw new Error(`production webhook ${prodUrl} never registered (404)`);
		await probe.arrayBuffer();

		const submit = async (prompt) => await submitToSimulator(sim, prompt, hookUrl);
		const waitForCallbacks = async (jobId, count, timeoutMs = 30_000) => {
			const t0 = Date.now();
			for (;;) {
				const job = sim.getJob(jobId);
				if (job && job.callbacks.length >= count) return job.callbacks;
				if (Date.now() - t0 > timeoutMs) throw new Error(`job ${jobId}: ${job ? job.callbacks.length : 0} of ${count} callbacks in ${timeoutMs} ms (status ${job && job.status})`);
				await sleep(200);
			}
		};
		const executions = async () => await n8n.rest.getExecutions({ workflowId: wfId, includeData: true, limit: 250 });
		const triggerJson = (execution) => {
			const items = rt.nodeOutput(execution, TRIGGER_NAME);
			return items[0] ? items[0].json : undefined;
		};
		const executionsFor = (list, jobId) => list.filter((e) => (triggerJson(e) || {}).jobId === jobId);
		/** An execution the trigger's own claim stopped: it succeeded with no trigger output. */
		const stoppedAtTrigger = (e) => e.status === 'success' && rt.nodeRuns(e, TRIGGER_NAME).length > 0 && rt.nodeOutput(e, TRIGGER_NAME).length === 0;
		/** Waits until the workflow has `count` finished executions, then a little more for stragglers. */
		const settle = async (count, { timeoutMs = 30_000, quietMs = 2500 } = {}) => {
			const t0 = Date.now();
			let list = [];
			for (;;) {
				list = (await executions()).filter((e) => e.finished || ['success', 'error', 'crashed'].includes(e.status));
				if (list.length >= count) break;
				if (Date.now() - t0 > timeoutMs) break;
				await sleep(400);
			}
			await sleep(quietMs);
			return await executions();
		};

		// ---------------------------------------------------------------- a
		const okJob = await submit('a red kite over the hills');
		const okCallbacks = await waitForCallbacks(okJob, 1);
		let list = await settle(1);
		{
			const mine = executionsFor(list, okJob);
			const json = mine[0] && triggerJson(mine[0]);
			const simJob = sim.getJob(okJob);
			const items = mine[0] ? rt.nodeOutput(mine[0], TRIGGER_NAME) : [];
			const size = items[0] && binarySize(n8n.dataDir, items[0].binary && items[0].binary.data);
			const noop = mine[0] ? rt.nodeOutput(mine[0], NOOP_NAME) : [];
			const answerBody = (() => {
				try {
					return JSON.parse(okCallbacks[0].body);
				} catch {
					return okCallbacks[0].body;
				}
			})();
			const pass =
				okCallbacks[0].status === 200 &&
				answerBody?.received === true &&
				list.length === 1 &&
				mine.length === 1 &&
				mine[0].status === 'success' &&
				mine[0].mode === 'webhook' &&
				json.status === 'SUCCESS' &&
				json.videoUrl === simJob.videoUrl &&
				json.event === 'succeeded' &&
				json.verified === true &&
				size === VIDEO_BYTES &&
				noop.length === 1;
			row(
				'a: callback with token → one execution',
				pass,
				`callback HTTP ${okCallbacks[0].status} ${JSON.stringify(answerBody)}; ${list.length} execution(s), ${mine.length} for job ${okJob.slice(0, 8)}… (${mine[0] && mine[0].status}, mode ${mine[0] && mine[0].mode}); ` +
					`output status=${json && json.status} event=${json && json.event} verified=${json && json.verified} videoUrl ${json && json.videoUrl === simJob.videoUrl ? 'matches TTAPI' : `differs: ${json && json.videoUrl}`}; video ${size} bytes; NoOp got ${noop.length} item`,
			);
		}

		// ---------------------------------------------------------------- a2
		const failJob = await submit('[sim:fail=prompt violation] not allowed');
		await waitForCallbacks(failJob, 1);
		list = await settle(2);
		{
			const mine = executionsFor(list, failJob);
			const json = mine[0] && triggerJson(mine[0]);
			const pass = mine.length === 1 && mine[0].status === 'success' && json.status === 'FAILED' && json.event === 'failed' && json.message === 'prompt violation';
			row('a2: failed job → one execution, event "failed"', pass, `${mine.length} execution(s) (${mine[0] && mine[0].status}); status=${json && json.status} event=${json && json.event} message="${json && json.message}"`);
		}

		// ---------------------------------------------------------------- b
		{
			const before = (await executions()).length;
			const [noToken] = await sim.sendCallback(okJob, { url: prodUrl });
			const [wrongToken] = await sim.sendCallback(okJob, { url: `${prodUrl}?${CALLBACK_TOKEN_PARAM}=wrong-token` });
			const direct = await fetch(prodUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sim.getJob(okJob).fetchBody) });
			const directBody = await direct.json().catch(() => null);
			await sleep(2500);
			const after = (await executions()).length;
			const pass = noToken === 401 && wrongToken === 401 && direct.status === 401 && directBody && typeof directBody.error === 'string' && after === before;
			row('b: callback without / with wrong token → 401, nothing', pass, `no token → ${noToken}, wrong token → ${wrongToken}, body ${JSON.stringify(directBody).slice(0, 60)}…; executions ${before} → ${after}`);
		}

		// ---------------------------------------------------------------- c
		{
			const before = (await executions()).length;
			const replays = await sim.sendCallback(okJob, { times: 3 });
			const twiceJob = await submit('[sim:duplicate-callback] two callbacks please');
			const twiceCallbacks = await waitForCallbacks(twiceJob, 2);
			list = await settle(before + 1, { quietMs: 3000 });
			const okCount = executionsFor(list, okJob).length;
			const twiceCount = executionsFor(list, twiceJob).length;
			const added = list.length - before;
			const stopped = list.filter(stoppedAtTrigger).length;
			// One after the other, each duplicate finds the key that the first call saved before n8n
			// answered it, on both lines (on 2.41.1 since savedBeforeAnswer): nothing starts.
			const pass =
				replays.every((status) => status === 200) &&
				twiceCallbacks.every((cb) => cb.status === 200) &&
				okCount === 1 &&
				twiceCount === 1 &&
				added === 1 &&
				stopped === 0;
			row(
				'c: duplicates one after the other (a replay sent 3 times; TTAPI sending twice) → no second execution',
				pass,
				`replays → ${JSON.stringify(replays)}; job sent twice → ${twiceCallbacks.map((cb) => cb.status).join('/')}; executions with the job: replayed job ${okCount}, double-callback job ${twiceCount}; executions started ${added} for 1 new job + 4 duplicates (stopped at the trigger as duplicates: ${stopped})`,
			);
		}

		// ---------------------------------------------------------------- c2
		{
			const before = await executions();
			const burstJob = await submitToSimulator(sim, '[sim:render=100] four callbacks at once');
			while (sim.getJob(burstJob).status !== 'SUCCESS') await sleep(100);
			const answers = (await Promise.all([1, 2, 3, 4].map(() => sim.sendCallback(burstJob, { url: hookUrl })))).flat();
			list = await settle(before.length + 1, { quietMs: 6000 });
			const added = list.filter((e) => !before.some((b) => b.id === e.id));
			const passed = executionsFor(added, burstJob);
			const stopped = added.filter(stoppedAtTrigger);
			const noopItems = passed.reduce((n, e) => n + rt.nodeOutput(e, NOOP_NAME).length, 0);
			// At the same moment, the four calls miss each other in the static data (each loaded it
			// before any saved it): each may start an execution, and the claim in n8n's database lets
			// exactly one of them go on.
			const pass =
				answers.every((s) => s === 200) &&
				passed.length === 1 &&
				noopItems === 1 &&
				added.length <= 4 &&
				added.length === passed.length + stopped.length &&
				added.every((e) => e.status === 'success');
			row(
				'c2: the same callback 4 times at the same moment → at most 4 executions, exactly one goes past the trigger',
				pass,
				`answers ${JSON.stringify(answers)}; executions started ${added.length}: ${passed.length} with the job (NoOp items ${noopItems}), ${stopped.length} stopped at the trigger as duplicates; statuses ${JSON.stringify(added.map((e) => e.status))}`,
			);
		}

		// ---------------------------------------------------------------- g
		{
			const before = (await executions()).length;
			// A job without hookUrl: we deliver its callback ourselves once TTAPI's lookup is slowed.
			const slowJob = await submitToSimulator(sim, '[sim:render=100] slow lookup');
			while (sim.getJob(slowJob).status !== 'SUCCESS') await sleep(100);
			sim.injectFault({ endpoint: 'fetch', kind: 'slow', delayMs: 8000, match: { jobId: slowJob } });
			const sent = Date.now();
			const [status] = await sim.sendCallback(slowJob, { url: hookUrl });
			const answeredMs = Date.now() - sent;
			list = await settle(before + 1, { quietMs: 1000 });
			const slowExec = executionsFor(list, slowJob);
			const pass = status === 200 && answeredMs >= 4900 && answeredMs < 7000 && slowExec.length === 1;
			row('g: answers within its 5 s budget, before verifying ends (fetch slowed to 8 s)', pass, `HTTP ${status} after ${answeredMs} ms; execution for that job: ${slowExec.length}`);
		}

		// ---------------------------------------------------------------- h
		const submitRows = async (webhookPath, rows) => {
			const response = await fetch(`${n8n.baseUrl}/webhook/${webhookPath}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ rows }),
			});
			const text = await response.text();
			let body;
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
			return { status: response.status, body: Array.isArray(body) ? body : [body].filter(Boolean) };
		};
		const expectedData = (r) => ({ row: r.row, sheet: r.sheet, flag: r.flag, meta: r.meta, note: r.note, label: 'batch 7', five: '5' });
		// The jobs end 1.5 s apart: callbacks of different jobs that overlap both save their own copy
		// of the static data, and the last save drops the other's key (see c2 and docs/RELIABILITY.md).
		const rows = [
			{ prompt: '[sim:render=300] row one', row: 1, sheet: 'sheet-A', flag: true, meta: { tag: 'x', n: [1, 2] }, note: 'first' },
			{ prompt: '[sim:render=1800] row two', row: 2, sheet: 'sheet-A', flag: false, meta: null, note: 'second' },
			{ prompt: '[sim:render=3300] row three', row: 3, sheet: 'sheet-B', flag: true, meta: { tag: 'z' }, note: 'third' },
		];
		let roundTripJobs = [];
		{
			const before = await executions();
			// TTAPI sends every callback twice, one after the other (the issue's 3 jobs → 6 executions).
			sim.configure({ callbackCopies: 2 });
			const submitted = await submitRows(SUBMIT_VIDEO_PATH, rows);
			roundTripJobs = submitted.body.map((item) => item.jobId);
			try {
				for (const jobId of roundTripJobs) await waitForCallbacks(jobId, 2);
			} finally {
				sim.configure({ callbackCopies: 1 });
			}
			list = await settle(before.length + rows.length, { quietMs: 4000 });
			const added = list.filter((e) => !before.some((b) => b.id === e.id));
			const perJob = roundTripJobs.map((jobId) => executionsFor(added, jobId));
			const outputs = perJob.map((mine) => (mine[0] ? triggerJson(mine[0]) : undefined));
			const hookUrls = roundTripJobs.map((jobId) => sim.getJob(jobId)?.hookUrl ?? '');
			const hooksOk = hookUrls.every((url) => url.startsWith(`${prodUrl}?${CALLBACK_TOKEN_PARAM}=`) && url.includes(`&${CALLBACK_DATA_PARAM}=`));
			const dataOk = outputs.every((json, i) => json && JSON.stringify(json.callbackData) === JSON.stringify(expectedData(rows[i])));
			const typesOk = outputs.every((json) => json && typeof json.callbackData.row === 'number' && typeof json.callbackData.flag === 'boolean' && typeof json.callbackData.five === 'string');
			const callbackStatuses = roundTripJobs.map((jobId) => sim.getJob(jobId).callbacks.map((cb) => cb.status).join('/'));
			const staticRows = await n8n.dbQuery('SELECT staticData FROM workflow_entity WHERE id = ?', [wfId]);
			const stored = String((staticRows[0] && staticRows[0].staticData) || '');
			const keysSaved = roundTripJobs.filter((jobId) => stored.includes(`${jobId}:SUCCESS`)).length;
			const pass =
				submitted.status === 200 &&
				roundTripJobs.length === rows.length &&
				hooksOk &&
				callbackStatuses.every((statuses) => statuses === '200/200') &&
				perJob.every((mine) => mine.length === 1) &&
				added.length === rows.length &&
				dataOk &&
				typesOk &&
				keysSaved === rows.length;
			row(
				'h: Callback Data round trip (Sora Generate Don\'t Wait, Callback URL = the Path, 3 rows; TTAPI calls back twice each) → one execution per job, callbackData as given, typed',
				pass,
				`submit HTTP ${submitted.status}, ${roundTripJobs.length} jobs; hookUrl = Production URL + ${CALLBACK_TOKEN_PARAM} + ${CALLBACK_DATA_PARAM}: ${hooksOk}; callbacks answered ${callbackStatuses.join(', ')}; trigger executions ${added.length} for ${rows.length} jobs (${perJob.map((m) => m.length).join('/')} per job); keys in the DB's static data ${keysSaved}/${rows.length}; callbackData of row 1: ${JSON.stringify(outputs[0] && outputs[0].callbackData)}; as given and typed: ${dataOk && typesOk}`,
			);
		}

		// ---------------------------------------------------------------- h2
		{
			const before = (await executions()).length;
			const jobId = roundTripJobs[0];
			const hookUrl = jobId ? new URL(sim.getJob(jobId).hookUrl) : new URL(prodUrl);
			const changed = new URL(hookUrl);
			const payload = JSON.parse(Buffer.from(hookUrl.searchParams.get(CALLBACK_DATA_PARAM) || 'e30', 'base64url').toString('utf8'));
			changed.searchParams.set(CALLBACK_DATA_PARAM, Buffer.from(JSON.stringify({ ...payload, data: { ...payload.data, row: 99 } })).toString('base64url'));
			const removed = new URL(hookUrl);
			removed.searchParams.delete(CALLBACK_DATA_PARAM);
			const answers = [];
			for (const url of [changed, removed]) {
				const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sim.getJob(jobId).fetchBody) });
				answers.push({ status: response.status, body: await response.json().catch(() => null) });
			}
			await sleep(2500);
			const after = (await executions()).length;
			const pass = !!jobId && answers.every((a) => a.status === 401) && /changed after Sora Generate made it/.test(answers[0].body?.error ?? '') && after === before;
			row(
				'h2: the hookUrl with its Callback Data changed (row 1 → 99), or removed → 401, nothing starts',
				pass,
				`changed → ${answers[0].status} ${JSON.stringify(answers[0].body).slice(0, 90)}…; removed → ${answers[1].status}; executions ${before} → ${after}`,
			);
		}

		// ---------------------------------------------------------------- h3
		{
			const jobsBefore = sim.listJobs().length;
			const submitted = await submitRows(SUBMIT_VIDEO_PATH, [
				{ prompt: 'small one', row: 4, sheet: 's', flag: false, meta: null, note: 'ok' },
				{ prompt: 'big one', row: 5, sheet: 's', flag: false, meta: null, note: 'x'.repeat(1100) },
			]);
			await sleep(1000);
			const runs = await n8n.rest.getExecutions({ workflowId: wfSubmitVideoId, includeData: true, limit: 20 });
			const failed = runs.find((e) => e.status === 'error');
			const message = failed ? String(rt.runError(failed)?.message ?? '') : '';
			const jobsAfter = sim.listJobs().length;
			const pass = /^Invalid "Callback Data": is \d+ bytes as JSON; the limit is 1024 bytes/.test(message) && jobsAfter === jobsBefore;
			row(
				'h3: Callback Data over 1 KB → the node fails naming Callback Data and the limit; no job at TTAPI',
				pass,
				`submit HTTP ${submitted.status}; execution ${failed ? `error: "${message.slice(0, 110)}"` : 'no failed execution'}; jobs at the simulator ${jobsBefore} → ${jobsAfter}`,
			);
		}

		// ---------------------------------------------------------------- i
		{
			const before = await executions();
			const submitted = await submitRows(SUBMIT_CHARACTER_PATH, [{ url: 'https://example.com/hero.mp4', row: 11 }]);
			const jobId = submitted.body[0] && submitted.body[0].jobId;
			if (jobId) await waitForCallbacks(jobId, 1);
			list = await settle(before.length + 1, { quietMs: 3000 });
			const added = list.filter((e) => !before.some((b) => b.id === e.id));
			const mine = executionsFor(added, jobId);
			const items = mine[0] ? rt.nodeOutput(mine[0], TRIGGER_NAME) : [];
			const json = items[0] && items[0].json;
			const simJob = jobId ? sim.getJob(jobId) : {};
			const pass =
				submitted.status === 200 &&
				!!jobId &&
				(simJob.hookUrl || '').startsWith(`${prodUrl}?${CALLBACK_TOKEN_PARAM}=`) &&
				added.length === 1 &&
				mine.length === 1 &&
				json.kind === 'character' &&
				json.status === 'SUCCESS' &&
				json.event === 'succeeded' &&
				json.verified === true &&
				json.characterId === simJob.characterId &&
				json.timestamps === '1,3' &&
				json.url === 'https://example.com/hero.mp4' &&
				JSON.stringify(json.callbackData) === JSON.stringify({ row: 11 }) &&
				!items[0].binary &&
				json.downloadError === undefined;
			row(
				'i: Create Character (Don\'t Wait, Callback URL = the Path) → one trigger execution, kind "character", its fields and Callback Data, no download',
				pass,
				`submit HTTP ${submitted.status} → job ${String(jobId).slice(0, 8)}…; trigger executions ${added.length}; output kind=${json && json.kind} status=${json && json.status} characterId=${json && json.characterId} timestamps=${json && json.timestamps} verified=${json && json.verified} callbackData=${JSON.stringify(json && json.callbackData)}; binary ${items[0] && items[0].binary ? 'present' : 'none'}`,
			);
		}

		// ---------------------------------------------------------------- e
		{
			const url = `${n8n.baseUrl}/webhook/${PATH_NO_SECRET}`;
			const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sim.getJob(okJob).fetchBody) });
			await r.arrayBuffer();
			let activationError = '';
			try {
				const res = await n8n.rest.call('GET', `/active-workflows/error/${wfNoSecretId}`);
				activationError = typeof res === 'string' ? res : JSON.stringify(res);
			} catch (err) {
				activationError = `(REST: ${err.message.slice(0, 80)})`;
			}
			const logs = n8n.allLogs();
			const logged = logs.includes('Set a Callback Secret on the TTAPI credential before activating Sora Trigger');
			const noSecretExecs = await n8n.rest.getExecutions({ workflowId: wfNoSecretId });
			const pass = r.status === 404 && /Callback Secret/.test(activationError + (logged ? ' Callback Secret' : '')) && noSecretExecs.length === 0;
			row('e: credential without Callback Secret → not activated', pass, `URL → HTTP ${r.status}; activation error: ${activationError.slice(0, 110)}; in server log: ${logged}; executions ${noSecretExecs.length}`);
		}

		// ---------------------------------------------------------------- d
		{
			const beforeList = await executions();
			const before = beforeList.length;
			await n8n.stop();
			await n8n.start();
			await n8n.rest.setupOwner();
			const ready = await n8n.waitForWebhook(prodUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, { timeoutMs: 30_000 });
			await ready.arrayBuffer();
			const [replay] = await sim.sendCallback(okJob);
			// The failed job's callback three times at once: the static data saved before the restart
			// (and, behind it, the claim in n8n's processed data) stops them all.
			const burst = (await Promise.all([1, 2, 3].map(() => sim.sendCallback(failJob)))).flat();
			await sleep(9000);
			const list2 = await executions();
			const okCount = executionsFor(list2, okJob).length;
			const failCount = executionsFor(list2, failJob).length;
			const added = list2.filter((e) => !beforeList.some((b) => b.id === e.id));
			const staticRows = await n8n.dbQuery('SELECT staticData FROM workflow_entity WHERE id = ?', [wfId]);
			const stored = String((staticRows[0] && staticRows[0].staticData) || '');
			const pass =
				replay === 200 &&
				burst.every((st) => st === 200) &&
				okCount === 1 &&
				failCount === 1 &&
				added.length === 0 &&
				list2.length === before &&
				stored.includes(`${okJob}:SUCCESS`) &&
				stored.includes(`${failJob}:FAILED`);
			row(
				'd: duplicates after an n8n restart (one, and three at once) → no execution',
				pass,
				`replay → ${replay}; the failed job 3× at once → ${JSON.stringify(burst)}; executions ${before} → ${list2.length}, with the replayed job ${okCount}, with the failed job ${failCount}; static data in DB holds both jobs: ${stored.includes(`${okJob}:SUCCESS`) && stored.includes(`${failJob}:FAILED`)}`,
			);
		}

		// ---------------------------------------------------------------- f
		{
			const all = await executions();
			const submits = [
				...(await n8n.rest.getExecutions({ workflowId: wfSubmitVideoId, includeData: true, limit: 50 })),
				...(await n8n.rest.getExecutions({ workflowId: wfSubmitCharacterId, includeData: true, limit: 50 })),
			];
			const inExecutions = JSON.stringify([all, submits]);
			await n8n.stop();
			// The tokens Sora Generate signed Callback Data with, one per job URL, as well as the plain one.
			const signedTokens = sim.listJobs().flatMap((job) => (job.hookUrl ? new URL(job.hookUrl).searchParams.getAll(CALLBACK_TOKEN_PARAM) : []));
			const secrets = [API_KEY, SECRET, token, ...new Set(signedTokens.filter((t) => t !== token))];
			const leaks = filesContaining(n8n.userFolder, secrets);
			const pass = leaks.length === 0 && !secrets.some((s) => inExecutions.includes(s));
			row('f: no API key / secret / token in n8n\'s files or executions', pass, leaks.length ? `found in ${leaks.join(', ')}` : `checked ${all.length + submits.length} executions (trigger and submit workflows), DB, logs, binary data for ${secrets.length} secrets (${secrets.length - 3} signed trigger tokens)`);
		}
	} catch (e) {
		row('setup/run', false, (e.stack || String(e)).split('\n').slice(0, 6).join(' | '));
		if (n8n) log(n8n.tailLogs(40));
	} finally {
		if (n8n) await n8n.cleanup().catch((e) => row('cleanup', false, e.message));
		if (sim) await sim.close();
	}
	return rows;
}

/** Runs the trigger scenarios on one line ('1' or '2'). */
async function run({ line = '2', log = (m) => process.stderr.write(`${m}\n`) } = {}) {
	const rows = await runLine(String(line), log);
	return { rows };
}

async function main() {
	const lines = rt.linesFromArgs(process.argv.slice(2), 'node scripts/n8n/scenarios/trigger.js');
	const all = [];
	for (const line of lines) {
		console.log(`\n=== Sora Trigger scenarios: n8n line ${line}.x`);
		const { rows } = await run({ line, log: (m) => console.log(`  ${m}`) });
		for (const r of rows) all.push({ line, ...r });
	}
	console.log('\n=== Sora Trigger scenario summary');
	console.log('| n8n | scenario | result | detail |\n|---|---|---|---|');
	for (const r of all) console.log(`| ${r.line}.x | ${r.scenario} | ${r.pass ? 'PASS' : 'FAIL'} | ${r.detail.replace(/\|/g, '/')} |`);
	process.exit(all.length && all.every((r) => r.pass) ? 0 : 1);
}

module.exports = { run, triggerWorkflow, addActiveTrigger, submitToSimulator, loadBuiltPackage, API_KEY, SECRET, TRIGGER_NAME, NOOP_NAME };

if (require.main === module) {
	main().catch((e) => {
		console.error(e.stack || e);
		process.exit(1);
	});
}
