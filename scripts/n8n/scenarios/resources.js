#!/usr/bin/env node
'use strict';
// Sora Generate's resources and operations in real n8n (1.x and/or 2.x) against the TTAPI
// simulator (in-process): Video → Generate / Get (and a workflow saved before resources existed),
// Character → Create (Poll, Wait for Callback, Don't Wait) / Get, Account → Get, and the cost of
// a batch (quota, costUsd).
//
//   node scripts/n8n/scenarios/resources.js [--n8n 1|2|both]   (needs `npm run build` first)
//   require('./scenarios/resources').run({ line: '2', log }) → { rows: [{ scenario, pass, detail }] }
//
// Each scenario is a workflow "Webhook (start) → Split Out (body.items) → Sora Generate", started
// by a POST with the items; results are read from n8n's database.

const rt = require('../runtime');
const { readExecution, nodeItems, waitForExecution } = require('../executions');
const { startSimulator } = require('../../../test/simulator');

const API_KEY = 'sk-resources-scenario-KEY-3e91';
const SECRET = 'resources-scenario-SECRET-77b0';
const SORA = 'Sora Generate';
const BALANCE = 5000;
const QUEUE_LIMIT = 4;

const video = { model: 'sora-2', prompt: '={{ $json.prompt }}', pollIntervalSeconds: 1, timeoutMinutes: 2, maxWaitMinutes: 5, maxJobsInFlight: 3, downloadVideo: false };
const character = { url: '={{ $json.url }}', timestamps: '={{ $json.timestamps }}', pollIntervalSeconds: 1, timeoutMinutes: 2, maxWaitMinutes: 5 };

/** name → the Sora Generate node's parameters (and Continue On Fail). */
const FLOWS = {
	// saved before resources existed: no `resource` parameter at all
	legacyGenerate: { params: { operation: 'generateVideo', waitMode: 'poll', ...video } },
	videoGenerate: { params: { resource: 'video', operation: 'generateVideo', waitMode: 'poll', ...video } },
	videoGet: { params: { resource: 'video', operation: 'getVideo', jobId: '={{ $json.jobId }}', downloadVideo: true } },
	legacyGet: { params: { operation: 'getVideo', jobId: '={{ $json.jobId }}', downloadVideo: false } },
	characterPoll: { params: { resource: 'character', operation: 'createCharacter', waitMode: 'poll', ...character } },
	characterCallback: { params: { resource: 'character', operation: 'createCharacter', waitMode: 'callback', ...character } },
	characterNone: { params: { resource: 'character', operation: 'createCharacter', waitMode: 'none', ...character } },
	characterBad: { params: { resource: 'character', operation: 'createCharacter', waitMode: 'poll', ...character }, continueOnFail: true },
	characterFails: { params: { resource: 'character', operation: 'createCharacter', waitMode: 'callback', ...character }, continueOnFail: true },
	characterGet: { params: { resource: 'character', operation: 'getCharacter', jobId: '={{ $json.jobId }}' } },
	accountGet: { params: { resource: 'account', operation: 'getAccount' } },
	fromAccount: { params: { resource: 'video', operation: 'generateVideo', waitMode: 'callback', ...video, maxJobsInFlight: 1, maxJobsFromAccount: true } },
};

function workflow(name, credential, { params, continueOnFail = false }) {
	const path = `resources-${name}`;
	return {
		path,
		wf: {
			name: `resources ${name}`,
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
					name: 'Items',
					type: 'n8n-nodes-base.splitOut',
					typeVersion: 1,
					position: [200, 0],
					parameters: { fieldToSplitOut: 'body.items', options: {} },
				},
				{
					id: `${name}-sora`,
					name: SORA,
					type: `${rt.NODE_TYPE_PREFIX}.soraGenerate`,
					typeVersion: 1,
					position: [400, 0],
					webhookId: `${name}-sora-hook`,
					...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
					parameters: params,
					credentials: { ttApi: { id: credential.id, name: credential.name } },
				},
			],
			connections: {
				Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
				Items: { main: [[{ node: SORA, type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		},
	};
}

const sum = (values) => Math.round(values.reduce((total, value) => total + value, 0) * 10_000) / 10_000;

async function runLine(line, log) {
	const rows = [];
	const add = (scenario, pass, detail) => {
		rows.push({ scenario, pass: !!pass, detail });
		log(`  ${pass ? 'PASS' : 'FAIL'} ${scenario}: ${detail}`);
	};
	const sim = await startSimulator({ port: 0, apiKeys: [API_KEY], queueLimit: QUEUE_LIMIT, queueMs: 100, renderMs: 1200, videoBytes: 48 * 1024, balance: BALANCE });
	const n8n = await rt.createN8nInstance({ line, log });
	try {
		const credential = { id: rt.randomId(), name: 'TTAPI (simulator)', type: 'ttApi' };
		await n8n.importCredentials([{ ...credential, data: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url, callbackSecret: SECRET } }]);
		const flows = {};
		for (const [name, flow] of Object.entries(FLOWS)) {
			const { path, wf } = workflow(name, credential, flow);
			const id = await n8n.importWorkflow(wf);
			await n8n.activateWorkflow(id);
			flows[name] = { id, path };
		}
		await n8n.start();

		/** Runs a flow with these items to its end; returns { status, items, error }. */
		const runFlow = async (name, items, timeoutMs = 90_000) => {
			const response = await n8n.waitForWebhook(`${n8n.baseUrl}/webhook/${flows[name].path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ items }),
			});
			if (response.status !== 200) throw new Error(`starting ${name} answered ${response.status}`);
			const finished = (row) => row.status !== 'running' && row.status !== 'waiting' && row.status !== 'new';
			const row = await waitForExecution(n8n, flows[name].id, { pred: finished, timeoutMs });
			const execution = await readExecution(n8n, row.id);
			return { status: execution.status, items: nodeItems(execution, SORA), error: execution.data?.resultData?.error, execution };
		};
		const scenario = async (name, body) => {
			try {
				await body();
			} catch (error) {
				add(name, false, `threw: ${error.message}`);
			}
		};
		const jobOf = (jobId) => sim.getJob(jobId);

		let videoJobId;
		await scenario('Video → Generate: a batch of 3, each with quota and costUsd, and their total', async () => {
			const prompts = ['resources: a paper boat', 'resources: a fox in snow', 'resources: a lighthouse'];
			const r = await runFlow('videoGenerate', prompts.map((prompt) => ({ prompt })));
			const json = r.items.map((item) => item.json);
			const priced = json.every((j, i) => j.status === 'SUCCESS' && j.prompt === prompts[i] && j.quota === Number(jobOf(j.jobId)?.quota) && j.costUsd === j.quota / 100);
			const total = sum(json.map((j) => j.costUsd ?? 0));
			videoJobId = json[0]?.jobId;
			add('Video → Generate: a batch of 3, each with quota and costUsd, and their total', r.status === 'success' && json.length === 3 && priced && total === 0.09, `execution ${r.status}: ${json.map((j) => `${j.status} quota ${j.quota} costUsd ${j.costUsd}`).join(' · ')}; total costUsd ${total}`);
		});

		await scenario('a workflow saved before resources existed (no resource parameter) still generates', async () => {
			const r = await runFlow('legacyGenerate', [{ prompt: 'resources: saved before resources' }]);
			const [item] = r.items;
			const job = item && jobOf(item.json.jobId);
			add('a workflow saved before resources existed (no resource parameter) still generates', r.status === 'success' && item?.json.status === 'SUCCESS' && job?.kind === 'generation' && item.json.costUsd === 0.03, `execution ${r.status}, item ${item?.json.status}, job kind ${job?.kind}, costUsd ${item?.json.costUsd}`);
		});

		await scenario('Video → Get, and the same without a resource parameter', async () => {
			const r = await runFlow('videoGet', [{ jobId: videoJobId }]);
			const legacy = await runFlow('legacyGet', [{ jobId: videoJobId }]);
			const [item] = r.items;
			const ok = r.status === 'success' && item?.json.jobId === videoJobId && item.json.status === 'SUCCESS' && item.binary?.data?.fileName === `${videoJobId}.mp4` && legacy.items[0]?.json.status === 'SUCCESS' && !legacy.items[0]?.binary;
			add('Video → Get, and the same without a resource parameter', ok, `video/getVideo: ${r.status} ${item?.json.status} binary ${item?.binary?.data?.fileName}; no resource: ${legacy.status} ${legacy.items[0]?.json.status}`);
		});

		let characterJobId;
		await scenario('Character → Create (Poll): TTAPI record normalised and whole, with its cost', async () => {
			const r = await runFlow('characterPoll', [{ url: 'https://example.com/hero.mp4', timestamps: '1,3' }]);
			const j = r.items[0]?.json ?? {};
			const job = jobOf(j.jobId);
			characterJobId = j.jobId;
			const ok = r.status === 'success' && job?.kind === 'character' && j.status === 'SUCCESS' && j.characterId === job.characterId && j.url === 'https://example.com/hero.mp4' && j.timestamps === '1,3' && j.quota === 1 && j.costUsd === 0.01 && j.record?.characterId === job.characterId && !('hookUrl' in (j.record ?? {})) && j.waitMode === 'poll';
			add('Character → Create (Poll): TTAPI record normalised and whole, with its cost', ok, `execution ${r.status}: ${JSON.stringify(j)}`);
		});

		// n8n 1.x could resume a paused execution twice, so there Wait for Callback polls.
		const waits = line !== '1';
		const characterCallback = waits
			? 'Character → Create (Wait for Callback): the execution pauses, TTAPI calls back, it resumes'
			: 'Character → Create (Wait for Callback, n8n 1.x): it polls, no callback URL sent to TTAPI';
		await scenario(characterCallback, async () => {
			const url = 'https://example.com/villain.mp4?[sim:render=2500]';
			const r = await runFlow('characterCallback', [{ url, timestamps: '2,4' }]);
			const j = r.items[0]?.json ?? {};
			const job = jobOf(j.jobId);
			const callbacks = job?.callbacks?.map((c) => c.status) ?? [];
			const hookUrl = job?.body?.hookUrl;
			const how = waits ? hookUrl?.includes('/webhook-waiting/') && callbacks.includes(200) : !hookUrl && callbacks.length === 0;
			const ok = r.status === 'success' && j.status === 'SUCCESS' && j.waitMode === (waits ? 'callback' : 'poll') && j.characterId === job?.characterId && how;
			add(characterCallback, ok, `execution ${r.status}: ${j.status}/${j.waitMode}, characterId ${j.characterId}; hookUrl ${hookUrl ? (hookUrl.includes('/webhook-waiting/') ? 'the resume URL' : 'another URL') : 'none'}; callbacks answered ${JSON.stringify(callbacks)}`);
		});

		await scenario("Character → Create (Wait for Callback): a FAILED character is an item error with TTAPI's reason and the job ID", async () => {
			const r = await runFlow('characterFails', [{ url: 'https://example.com/p.mp4?[sim:fail=real person detected]', timestamps: '1,2' }]);
			const j = r.items[0]?.json ?? {};
			const ok = r.status === 'success' && j.status === 'FAILED' && jobOf(j.jobId)?.kind === 'character' && /^TTAPI character job [0-9a-f-]{36} failed: real person detected$/.test(String(j.error));
			add("Character → Create (Wait for Callback): a FAILED character is an item error with TTAPI's reason and the job ID", ok, `execution ${r.status}: ${JSON.stringify(j)}`);
		});

		await scenario("Character → Create (Don't Wait), then Character → Get by job ID", async () => {
			const r = await runFlow('characterNone', [{ url: 'https://example.com/sidekick.mp4', timestamps: '0,2' }]);
			const submitted = r.items[0]?.json ?? {};
			for (let waited = 0; jobOf(submitted.jobId)?.status !== 'SUCCESS' && waited < 20_000; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
			const got = await runFlow('characterGet', [{ jobId: submitted.jobId }, { jobId: characterJobId }]);
			const json = got.items.map((item) => item.json);
			const ok = r.status === 'success' && submitted.status === 'SUBMITTED' && submitted.waitMode === 'none' && got.status === 'success' && json[0]?.status === 'SUCCESS' && json[0].jobId === submitted.jobId && json[0].characterId === jobOf(submitted.jobId)?.characterId && json[1]?.jobId === characterJobId && json[1].costUsd === 0.01;
			add("Character → Create (Don't Wait), then Character → Get by job ID", ok, `create: ${submitted.status}/${submitted.waitMode}; get: ${json.map((j) => `${j.status} ${j.characterId}`).join(', ')}`);
		});

		await scenario('Character → Create: bad timestamps or URL are errors naming the field, and nothing is sent', async () => {
			const before = sim.counters().characterRequests;
			const r = await runFlow('characterBad', [
				{ url: 'https://example.com/a.mp4', timestamps: '0,5' },
				{ url: 'ftp://example.com/a.mp4', timestamps: '1,3' },
				{ url: 'https://example.com/a.mp4', timestamps: '' },
			]);
			const errors = r.items.map((item) => item.json.error);
			const expected = [
				'Invalid "Timestamps": end minus start must be between 1 and 3 seconds (got 5)',
				'Invalid "Video URL": must start with http:// or https:// (got "ftp:")',
				'Invalid "Timestamps": must not be empty: "start,end" in seconds, e.g. "1,3"',
			];
			const sent = sim.counters().characterRequests - before;
			add('Character → Create: bad timestamps or URL are errors naming the field, and nothing is sent', r.status === 'success' && JSON.stringify(errors) === JSON.stringify(expected) && sent === 0, `errors ${JSON.stringify(errors)}; requests to /sora/characters ${sent}`);
		});

		await scenario('Account → Get: balance, frozen balance and max_queue in quota and USD', async () => {
			const info = await (await fetch(`${sim.url}/midjourney/v1/info`, { headers: { 'TT-API-KEY': API_KEY } })).json();
			const r = await runFlow('accountGet', [{}]);
			const j = r.items[0]?.json ?? {};
			const spent = BALANCE - info.data.balance;
			const ok = r.status === 'success' && j.balance === info.data.balance && j.balanceUsd === info.data.balance / 100 && j.freezeBalance === 0 && j.freezeBalanceUsd === 0 && j.maxQueue === QUEUE_LIMIT && j.email === 'sim@example.com' && spent > 0;
			add('Account → Get: balance, frozen balance and max_queue in quota and USD', ok, `execution ${r.status}: ${JSON.stringify(j)} (the simulator's own info: balance ${info.data.balance}, ${spent} quota spent by the scenarios before)`);
		});

		await scenario('Max Jobs in Flight From Account (Wait for Callback): max_queue read once, used, and said in every item', async () => {
			const infoBefore = sim.counters().infoCalls;
			const prompts = Array.from({ length: 6 }, (_, i) => `resources: from account ${i}`);
			const r = await runFlow('fromAccount', prompts.map((prompt) => ({ prompt })), 120_000);
			const json = r.items.map((item) => item.json);
			const infoCalls = sim.counters().infoCalls - infoBefore;
			const jobs = prompts.map((prompt) => sim.listJobs().filter((job) => job.body?.prompt === prompt));
			// The field says 1, the account QUEUE_LIMIT, and no earlier scenario had more than 3 jobs at
			// once: a simulator peak of QUEUE_LIMIT shows the account's number was used.
			const ok = r.status === 'success' && json.length === 6 && json.every((j) => j.status === 'SUCCESS' && j.waitMode === (waits ? 'callback' : 'poll') && j.maxJobsInFlight === QUEUE_LIMIT && j.maxJobsInFlightFrom === 'account max_queue') && infoCalls === 1 && jobs.every((list) => list.length === 1) && sim.counters().queueFullRefusals === 0 && sim.counters().inFlightPeak === QUEUE_LIMIT;
			add('Max Jobs in Flight From Account (Wait for Callback): max_queue read once, used, and said in every item', ok, `execution ${r.status}: ${json.map((j) => `${j.status}/${j.waitMode} maxJobsInFlight ${j.maxJobsInFlight} (${j.maxJobsInFlightFrom})`).join(' · ')}; account reads ${infoCalls}; queue-full refusals ${sim.counters().queueFullRefusals}; simulator peak in flight ${sim.counters().inFlightPeak}`);
		});

		const leaks = [API_KEY, SECRET].filter((secret) => n8n.allLogs().includes(secret));
		add('no secret in n8n logs', leaks.length === 0, leaks.length ? `found ${leaks.length} secret(s)` : 'API key and Callback Secret absent');
		if (rows.some((row) => !row.pass)) log(n8n.tailLogs(40));
	} finally {
		await n8n.stop().catch(() => undefined);
		await n8n.cleanup().catch(() => undefined);
		await sim.close();
	}
	return { rows };
}

async function run({ line = '2', log = (message) => process.stderr.write(`${message}\n`) } = {}) {
	log(`n8n ${rt.VERSIONS[line]}: resources (Video, Character, Account)`);
	return await runLine(line, log);
}

async function main() {
	const lines = rt.linesFromArgs(process.argv.slice(2), 'node scripts/n8n/scenarios/resources.js');
	const all = [];
	for (const line of lines) {
		const { rows } = await run({ line });
		for (const row of rows) all.push({ line, ...row });
	}
	console.log('\n=== resources summary');
	console.log('| n8n | scenario | result | observed |\n|---|---|---|---|');
	for (const r of all) console.log(`| ${r.line}.x | ${r.scenario} | ${r.pass ? 'PASS' : 'FAIL'} | ${r.detail.replace(/\|/g, '/').slice(0, 400)} |`);
	const failed = all.filter((row) => !row.pass).length;
	console.log(`\n${all.length} rows, ${all.length - failed} pass, ${failed} fail`);
	process.exitCode = all.length && !failed ? 0 : 1;
}

if (require.main === module) main().catch((error) => {
	console.error(error);
	process.exit(1);
});

module.exports = { run };
