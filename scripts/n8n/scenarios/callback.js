#!/usr/bin/env node
'use strict';
// Sora Generate's Wait for Callback and Auto modes in real n8n (1.x and/or 2.x) against the
// TTAPI simulator (in-process), which calls back n8n's resume URLs itself.
//
//   node scripts/n8n/scenarios/callback.js [--n8n 1|2|both]   (needs `npm run build` first)
//   require('./scenarios/callback').run({ line: '2', log }) → { rows: [{ scenario, pass, detail }] }
//
// Each scenario is a workflow "Webhook (start) → Split Out (prompts) → Sora Generate", started
// by a POST with the prompts; results are read from n8n's database.

const rt = require('../runtime');
const { readExecution, nodeItems, waitForExecution } = require('../executions');
const { startSimulator } = require('../../../test/simulator');

const API_KEY = 'sk-callback-scenario-KEY-7c21';
const SECRET = 'callback-scenario-SECRET-51aa';
const GENERATE = 'Sora Generate';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function workflow(name, credential, generateParameters, { continueOnFail = false } = {}) {
	const path = `start-${name}`;
	return {
		path,
		wf: {
			name: `callback ${name}`,
			nodes: [
				{
					id: `${name}-start`,
					name: 'Start',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: `${name}-start-hook`,
					parameters: { httpMethod: 'POST', path, responseMode: 'onReceived' },
				},
				{
					id: `${name}-split`,
					name: 'Prompts',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					position: [200, 0],
					parameters: { fieldToSplitOut: 'body.prompts', options: {} },
				},
				{
					id: `${name}-sora`,
					name: GENERATE,
					type: `${rt.NODE_TYPE_PREFIX}.soraGenerate`,
					typeVersion: 1,
					position: [400, 0],
					webhookId: `${name}-sora-hook`,
					...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
					parameters: {
						operation: 'generateVideo',
						model: 'sora-2',
						prompt: '={{ $json.prompt }}',
						waitMode: 'callback',
						maxWaitMinutes: 10,
						maxJobsInFlight: 5,
						downloadVideo: true,
						...generateParameters,
					},
					credentials: { ttApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: {
				Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
				Prompts: { main: [[{ node: GENERATE, type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		},
	};
}

const SCENARIOS = {
	one: { params: {} },
	three: { params: {} },
	batch: { params: { maxJobsInFlight: 3, pollIntervalSeconds: 1, downloadVideo: false } },
	lag: { params: { downloadVideo: false } },
	wrongSecret: { params: {} },
	failsAtOnce: { params: {}, continueOnFail: true },
	failedJob: { params: {} },
	maxWait: { params: { maxWaitMinutes: 0.1 }, continueOnFail: true },
	restart: { params: {} },
	auto: { params: { waitMode: 'auto', pollIntervalSeconds: 1, timeoutMinutes: 2 } },
};

async function runLine(line, log) {
	const rows = [];
	const add = (scenario, pass, detail) => {
		rows.push({ scenario, pass: !!pass, detail });
		log(`  ${pass ? 'PASS' : 'FAIL'} ${scenario}: ${detail}`);
	};
	const sim = await startSimulator({ port: 0, apiKeys: [API_KEY], queueMs: 100, renderMs: 1500, videoBytes: 96 * 1024 });
	const n8n = await rt.createN8nInstance({ line, log });
	try {
		const credential = { id: rt.randomId(), name: 'TTAPI (simulator)', type: 'ttApi' };
		await n8n.importCredentials([
			{ ...credential, data: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url, callbackSecret: SECRET } },
		]);
		const flows = {};
		for (const [name, scenario] of Object.entries(SCENARIOS)) {
			const { path, wf } = workflow(name, credential, scenario.params, scenario);
			const id = await n8n.importWorkflow(wf);
			await n8n.activateWorkflow(id);
			flows[name] = { id, path };
		}
		await n8n.start();

		const startFlow = async (name, prompts) => {
			const response = await n8n.waitForWebhook(`${n8n.baseUrl}/webhook/${flows[name].path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ prompts: prompts.map((prompt) => ({ prompt })) }),
			});
			if (response.status !== 200) throw new Error(`starting ${name} answered ${response.status}`);
			return Date.now();
		};
		const finished = (row) => row.status !== 'running' && row.status !== 'waiting' && row.status !== 'new';
		const finish = async (name, timeoutMs = 60_000) => {
			const row = await waitForExecution(n8n, flows[name].id, { pred: finished, timeoutMs });
			return await readExecution(n8n, row.id);
		};
		const waiting = async (name) =>
			await waitForExecution(n8n, flows[name].id, { pred: (row) => row.status === 'waiting', timeoutMs: 30_000 });
		const jobsFor = (text) => sim.listJobs().filter((job) => job.body?.prompt === text);
		const scenario = async (name, body) => {
			try {
				await body();
			} catch (error) {
				add(name, false, `threw: ${error.message}`);
			}
		};

		// Started first: Max Wait is checked by n8n's wait tracker, which looks once a minute.
		const maxWaitStarted = await startFlow('maxWait', ['[sim:render=600000] never finishes in time']);

		await scenario('one item via callback', async () => {
			await startFlow('one', ['a paper boat at dawn']);
			const execution = await finish('one');
			const [item] = nodeItems(execution, GENERATE);
			// n8n 1.x: the node answers the resuming callback a moment after the execution resumed
			for (let waited = 0; !jobsFor('a paper boat at dawn')[0]?.callbacks?.length && waited < 5000; waited += 100) await sleep(100);
			const job = jobsFor('a paper boat at dawn')[0];
			const ok =
				execution.status === 'success' &&
				item?.json.status === 'SUCCESS' &&
				item.json.waitMode === 'callback' &&
				item.json.jobId === job?.jobId &&
				item.binary?.data?.fileName === `${job?.jobId}.mp4` &&
				job?.callbacks?.some((callback) => callback.status === 200);
			add('one item via callback', ok, `status ${execution.status}, item ${item?.json.status}/${item?.json.waitMode}, callbacks ${JSON.stringify(job?.callbacks?.map((c) => c.status))}`);
		});

		await scenario('three items via callback', async () => {
			const prompts = ['three: one', 'three: two', 'three: three'];
			await startFlow('three', prompts);
			const execution = await finish('three');
			const items = nodeItems(execution, GENERATE);
			const ok =
				execution.status === 'success' &&
				items.length === 3 &&
				items.every((item, index) => item.json.prompt === prompts[index] && item.json.status === 'SUCCESS') &&
				items.every((item, index) => item.pairedItem?.item === index) &&
				prompts.every((prompt) => jobsFor(prompt).length === 1);
			add('three items via callback', ok, `status ${execution.status}, ${items.map((item) => `${item.json.prompt}=${item.json.status}`).join(', ')}`);
		});

		await scenario('seven items, 3 in flight', async () => {
			const prompts = Array.from({ length: 7 }, (_, index) => `batch item ${index}`);
			const started = await startFlow('batch', prompts);
			const paused = await waiting('batch');
			const waitedAfter = (Date.now() - started) / 1000;
			// every item was submitted before the pause: the waiting execution stores every job ID
			const submittedBeforePause = prompts.filter((prompt) => jobsFor(prompt).length === 1).length;
			const storedIds = nodeItems(await readExecution(n8n, paused.id), GENERATE).map((item) => item.json.jobId);
			const execution = await finish('batch', 90_000);
			const items = nodeItems(execution, GENERATE);
			const once = prompts.every((prompt) => jobsFor(prompt).length === 1);
			const ok =
				execution.status === 'success' &&
				items.length === 7 &&
				items.every((item, index) => item.json.prompt === prompts[index] && item.json.status === 'SUCCESS') &&
				submittedBeforePause === 7 &&
				items.every((item, index) => item.json.jobId === jobsFor(prompts[index])[0]?.jobId) &&
				once;
			add('seven items, 3 in flight', ok, `paused after ${waitedAfter.toFixed(1)} s with ${submittedBeforePause}/7 submitted (stored job IDs: ${storedIds.filter(Boolean).length}); then ${execution.status}, ${items.filter((item) => item.json.status === 'SUCCESS').length}/7 SUCCESS, one submission each: ${once}, simulator peak ${sim.counters().inFlightPeak}`);
		});

		await scenario("TTAPI's record lagging its callback", async () => {
			const prompt = '[sim:fetch-lag=4000] the record lags the callback';
			const started = await startFlow('lag', [prompt]);
			// the safety check comes every 10 min: finishing within 40 s means the lag was handled
			const execution = await finish('lag', 40_000);
			const seconds = (Date.now() - started) / 1000;
			const [item] = nodeItems(execution, GENERATE);
			const job = jobsFor(prompt)[0];
			const answers = job?.callbacks?.map((c) => c.status) ?? [];
			const ok = execution.status === 'success' && item?.json.status === 'SUCCESS' && item.json.jobId === job?.jobId && answers.includes(503);
			add("TTAPI's record lagging its callback", ok, `callback answered ${JSON.stringify(answers)} (lagged fetches ${sim.counters().laggedFetches}); execution ${execution.status} after ${seconds.toFixed(1)} s, item ${item?.json.status}`);
		});

		await scenario('wrong secret refused, right one resumes', async () => {
			const prompt = '[sim:render=5000] guarded';
			await startFlow('wrongSecret', [prompt]);
			await waiting('wrongSecret');
			const job = jobsFor(prompt)[0];
			const hookUrl = job.body.hookUrl;
			const forged = hookUrl.replace(/ttapiToken=[^&]+/, 'ttapiToken=forged-token-000000000000000000000');
			const bad = await fetch(forged, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ status: 'SUCCESS', message: '', jobId: job.jobId, data: { videoUrl: 'https://evil.example/x.mp4' } }),
			});
			const stillWaiting = (await waitForExecution(n8n, flows.wrongSecret.id, { timeoutMs: 5000 })).status === 'waiting';
			const execution = await finish('wrongSecret');
			const [item] = nodeItems(execution, GENERATE);
			const ok = bad.status === 401 && stillWaiting && execution.status === 'success' && item?.json.videoUrl?.startsWith(sim.url);
			add('wrong secret refused, right one resumes', ok, `forged callback → HTTP ${bad.status}, still waiting: ${stillWaiting}, then ${execution.status} with videoUrl ${item?.json.videoUrl}`);
		});

		await scenario('job that fails at once does not hang', async () => {
			const started = await startFlow('failsAtOnce', ['[sim:fail-now=prompt violation] instant']);
			const execution = await finish('failsAtOnce', 50_000);
			const seconds = (Date.now() - started) / 1000;
			const [item] = nodeItems(execution, GENERATE);
			const job = jobsFor('[sim:fail-now=prompt violation] instant')[0];
			const ok = seconds < 45 && item?.json.error?.includes('prompt violation') && item.json.jobId === job?.jobId;
			add('job that fails at once does not hang', ok, `ended in ${seconds.toFixed(1)} s (callback answered ${JSON.stringify(job?.callbacks?.map((c) => c.status))}), item error: ${item?.json.error}`);
		});

		await scenario('failed job fails the node', async () => {
			const prompt = '[sim:fail=insufficient quota] no money';
			await startFlow('failedJob', [prompt]);
			const execution = await finish('failedJob');
			const failure = execution.data?.resultData?.error;
			const job = jobsFor(prompt)[0];
			const ok = execution.status === 'error' && failure?.message === `TTAPI job ${job?.jobId} failed: insufficient quota`;
			add('failed job fails the node', ok, `execution ${execution.status}: ${failure?.message}`);
		});

		await scenario('Auto on 127.0.0.1 polls', async () => {
			await startFlow('auto', ['auto mode']);
			const execution = await finish('auto');
			const [item] = nodeItems(execution, GENERATE);
			const job = jobsFor('auto mode')[0];
			const ok = execution.status === 'success' && item?.json.waitMode === 'poll' && item.json.status === 'SUCCESS' && !job?.body?.hookUrl;
			add('Auto on 127.0.0.1 polls', ok, `waitMode ${item?.json.waitMode}, status ${item?.json.status}, hookUrl sent: ${!!job?.body?.hookUrl}`);
		});

		await scenario('restart while waiting', async () => {
			const prompt = '[sim:render=4000] survives a restart';
			sim.injectFault({ endpoint: 'callback', kind: 'drop', times: 1, match: { prompt } });
			await startFlow('restart', [prompt]);
			await waiting('restart');
			await n8n.stop();
			await sleep(5000); // the job ends while n8n is down; its callback was dropped
			await n8n.start();
			const job = jobsFor(prompt)[0];
			const statuses = await sim.sendCallback(job.jobId);
			const execution = await finish('restart');
			const [item] = nodeItems(execution, GENERATE);
			const ok = execution.status === 'success' && item?.json.status === 'SUCCESS' && item.json.jobId === job.jobId;
			add('restart while waiting', ok, `callback after restart → ${JSON.stringify(statuses)}, execution ${execution.status}, item ${item?.json.status}`);
		});

		await scenario('max wait keeps the job ids', async () => {
			const execution = await finish('maxWait', 180_000);
			const seconds = (Date.now() - maxWaitStarted) / 1000;
			const [item] = nodeItems(execution, GENERATE);
			const job = jobsFor('[sim:render=600000] never finishes in time')[0];
			const ok = item?.json.jobId === job?.jobId && item?.json.status === 'ON_QUEUE' && /Max Wait passed/.test(item?.json.error ?? '');
			const failure = execution.data?.resultData?.error;
			add('max wait keeps the job ids', ok, `execution ${execution.status} after ${seconds.toFixed(0)} s: ${JSON.stringify({ jobId: item?.json.jobId, status: item?.json.status, error: item?.json.error ?? failure?.message })}`);
		});

		const counters = sim.counters();
		const perPrompt = Object.entries(counters.submissionsByPrompt).filter(([, count]) => count !== 1);
		add('one submission per job', perPrompt.length === 0, `${counters.submissions} jobs, resubmitted prompts: ${JSON.stringify(perPrompt)}`);
		const leaks = [API_KEY, SECRET].filter((secret) => n8n.allLogs().includes(secret));
		add('no secret in n8n logs', leaks.length === 0, leaks.length ? `found ${leaks.length} secret(s)` : 'API key and Callback Secret absent');
		const failures = rows.filter((row) => !row.pass);
		if (failures.length) log(n8n.tailLogs(40));
	} finally {
		await n8n.stop().catch(() => undefined);
		await n8n.cleanup().catch(() => undefined);
		await sim.close();
	}
	return { rows };
}

async function run({ line = '2', log = (message) => process.stderr.write(`${message}\n`) } = {}) {
	log(`n8n ${rt.VERSIONS[line]}: Wait for Callback scenarios`);
	return await runLine(line, log);
}

async function main() {
	const lines = rt.linesFromArgs(process.argv.slice(2), 'node scripts/n8n/scenarios/callback.js');
	let failed = 0;
	for (const line of lines) {
		const { rows } = await run({ line });
		failed += rows.filter((row) => !row.pass).length;
	}
	process.exitCode = failed ? 1 : 0;
}

if (require.main === module) main().catch((error) => {
	console.error(error);
	process.exit(1);
});

module.exports = { run };
