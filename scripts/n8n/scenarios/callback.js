#!/usr/bin/env node
'use strict';
// Sora Generate's Wait for Callback and Auto modes in real n8n (1.x and/or 2.x) against the
// TTAPI simulator (in-process), which calls back n8n's resume URLs itself.
//
//   node scripts/n8n/scenarios/callback.js [--n8n 1|2|both]   (needs `npm run build` first)
//   require('./scenarios/callback').run({ line: '2', log }) → { rows: [{ scenario, pass, detail }] }
//
// Each scenario is a workflow "Webhook (start) → Split Out (prompts) → Sora Generate → Report"
// (Report posts each output item to a sink here, so a second resume would show), started by a
// POST with the prompts; results are read from n8n's database.
//
// n8n's public URL is a public-looking name (test/harness/public-names.js, loaded into n8n with
// NODE_OPTIONS): n8n-public.example.net, which n8n reaches from inside, so Auto may wait for
// callbacks; and on 2.x a second instance at n8n-unreachable.example.net, which n8n cannot resolve
// while TTAPI's callbacks still arrive (the simulator's callbackRoutes): split DNS, NAT without hairpin.
//
// On n8n 2.x the rows also check the n8n contracts Wait for Callback rests on: the input kept at
// the pause and read back by webhook(), what n8n's own end of the wait outputs, a signed resume
// URL, and one resume however many callbacks meet. On n8n 1.x (no signature, no such guarantee)
// Wait for Callback and Auto poll: the rows check that, and that no hookUrl is sent.

const http = require('node:http');
const path = require('node:path');
const rt = require('../runtime');
const { readExecution, nodeItems, waitForExecution } = require('../executions');
const { startSimulator } = require('../../../test/simulator');
const publicNames = require('../../../test/harness/public-names');

const API_KEY = 'sk-callback-scenario-KEY-7c21';
const SECRET = 'callback-scenario-SECRET-51aa';
const GENERATE = 'Sora Generate';
const BATCH_KEY = 'ttapiSoraCallbackBatch';
const PRELOAD = `--require ${path.resolve(__dirname, '..', '..', '..', 'test', 'harness', 'public-names.js')}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sink for the Report node: every output item of Sora Generate, with its execution. */
async function startSink() {
	const reports = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', () => {
			try {
				reports.push(JSON.parse(body));
			} catch {
				reports.push({ unreadable: body });
			}
			res.end('{}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${server.address().port}/report`, reports, close: () => new Promise((resolve) => server.close(resolve)) };
}

function workflow(name, credential, sinkUrl, generateParameters, { continueOnFail = false } = {}) {
	const path = `start-${name}`;
	const node = (suffix, rest) => ({ id: `${name}-${suffix}`, position: [0, 0], ...rest });
	return {
		path,
		wf: {
			name: `callback ${name}`,
			nodes: [
				node('start', {
					name: 'Start',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					webhookId: `${name}-start-hook`,
					parameters: { httpMethod: 'POST', path, responseMode: 'onReceived' },
				}),
				node('split', { name: 'Prompts', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'body.prompts', options: {} } }),
				node('sora', {
					name: GENERATE,
					type: `${rt.NODE_TYPE_PREFIX}.soraGenerate`,
					typeVersion: 1,
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
				}),
				node('report', {
					name: 'Report',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					parameters: {
						method: 'POST',
						url: sinkUrl,
						sendBody: true,
						specifyBody: 'json',
						jsonBody: '={{ JSON.stringify({ flow: "' + name + '", execution: $execution.id, jobId: $json.jobId, status: $json.status, waitMode: $json.waitMode }) }}',
						options: {},
					},
				}),
				node('url', {
					name: 'Resume URL',
					type: 'n8n-nodes-base.set',
					typeVersion: 3.4,
					parameters: { assignments: { assignments: [{ id: 'u', name: 'resumeUrl', type: 'string', value: '={{ $execution.resumeUrl }}' }] }, options: {} },
				}),
			],
			connections: {
				Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }, { node: 'Resume URL', type: 'main', index: 0 }]] },
				Prompts: { main: [[{ node: GENERATE, type: 'main', index: 0 }]] },
				[GENERATE]: { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		},
	};
}

/** The flows of the main instance (n8n reaches its public URL); on 1.x only those marked `both` run. */
const MAIN_FLOWS = {
	one: { params: {}, both: true },
	three: { params: {} },
	batch: { params: { maxJobsInFlight: 3, pollIntervalSeconds: 1, downloadVideo: false }, both: true },
	lag: { params: { downloadVideo: false } },
	wrongSecret: { params: {} },
	failsAtOnce: { params: {}, continueOnFail: true },
	failedJob: { params: {}, both: true },
	maxWait: { params: { maxWaitMinutes: 0.1 }, continueOnFail: true },
	restart: { params: {} },
	auto: { params: { waitMode: 'auto', pollIntervalSeconds: 1, timeoutMinutes: 2 }, both: true },
};
/** The flows of the 2.x instance whose public name n8n cannot resolve. */
const SPLIT_FLOWS = {
	split: { params: { downloadVideo: false } },
	meet: { params: { downloadVideo: false }, continueOnFail: true },
	lost: { params: { maxWaitMinutes: 0.1, downloadVideo: false }, continueOnFail: true },
	autoSplit: { params: { waitMode: 'auto', pollIntervalSeconds: 1, timeoutMinutes: 2, downloadVideo: false } },
};

/** An n8n instance with its flows imported and started; helpers to run them. */
async function startInstance({ line, log, sim, sink, flows, publicName, tag }) {
	const [port] = await rt.freePorts(1);
	const n8n = await rt.createN8nInstance({
		line,
		port,
		webhookUrl: `http://${publicName}:${port}/`,
		env: { NODE_OPTIONS: PRELOAD },
		log: (message) => log(`[${tag}] ${message}`),
	});
	const credential = { id: rt.randomId(), name: 'TTAPI (simulator)', type: 'ttApi' };
	await n8n.importCredentials([{ ...credential, data: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url, callbackSecret: SECRET } }]);
	const ids = {};
	for (const [name, flow] of Object.entries(flows)) {
		const { path: webhookPath, wf } = workflow(name, credential, sink.url, flow.params, flow);
		const id = await n8n.importWorkflow(wf);
		await n8n.activateWorkflow(id);
		ids[name] = { id, path: webhookPath };
	}
	await n8n.start();
	const finishedStatus = (row) => !['running', 'waiting', 'new'].includes(row.status);
	return {
		n8n,
		port,
		async start(name, prompts) {
			const response = await n8n.waitForWebhook(`${n8n.baseUrl}/webhook/${ids[name].path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ prompts: prompts.map((prompt) => ({ prompt })) }),
			});
			if (response.status !== 200) throw new Error(`starting ${name} answered ${response.status}`);
			return Date.now();
		},
		async finish(name, timeoutMs = 60_000) {
			const row = await waitForExecution(n8n, ids[name].id, { pred: finishedStatus, timeoutMs });
			return await readExecution(n8n, row.id);
		},
		async waiting(name) {
			const row = await waitForExecution(n8n, ids[name].id, { pred: (r) => r.status === 'waiting', timeoutMs: 30_000 });
			return await readExecution(n8n, row.id);
		},
		/** Seconds from the execution's start to its end, as n8n recorded them. */
		async seconds(execution) {
			const [row] = await n8n.dbQuery('SELECT startedAt, stoppedAt FROM execution_entity WHERE id = ?', [execution.id]);
			const time = (value) => Date.parse(/Z$|[+-]\d\d:?\d\d$/.test(String(value)) ? value : `${String(value).replace(' ', 'T')}Z`);
			return (time(row.stoppedAt) - time(row.startedAt)) / 1000;
		},
		async stop() {
			await n8n.stop().catch(() => undefined);
			await n8n.cleanup().catch(() => undefined);
		},
	};
}

/** The Sora Generate node's stored input while the execution waits (what n8n keeps and webhook() reads). */
function storedInput(execution) {
	const entry = execution?.data?.executionData?.nodeExecutionStack?.find((e) => e.node?.name === GENERATE);
	return entry?.data?.main?.[0] ?? [];
}

async function runLine(line, log) {
	const rows = [];
	const add = (scenario, pass, detail) => {
		rows.push({ scenario, pass: !!pass, detail });
		log(`  ${pass ? 'PASS' : 'FAIL'} ${scenario}: ${detail}`);
	};
	const scenario = async (name, body) => {
		try {
			await body();
		} catch (error) {
			add(name, false, `threw: ${error.message}`);
		}
	};
	const on2 = line !== '1';
	const sim = await startSimulator({ port: 0, apiKeys: [API_KEY], queueMs: 100, renderMs: 1500, videoBytes: 96 * 1024 });
	const sink = await startSink();
	const jobsFor = (text) => sim.listJobs().filter((job) => job.body?.prompt === text);
	const reportsOf = (flow) => sink.reports.filter((report) => report.flow === flow);
	const instances = [];
	try {
		const mainFlows = Object.fromEntries(Object.entries(MAIN_FLOWS).filter(([, flow]) => on2 || flow.both));
		const main = await startInstance({ line, log, sim, sink, flows: mainFlows, publicName: publicNames.PUBLIC_NAME, tag: 'public' });
		instances.push(main);
		let split;
		if (on2) {
			split = await startInstance({ line, log, sim, sink, flows: SPLIT_FLOWS, publicName: publicNames.UNREACHABLE_NAME, tag: 'split DNS' });
			instances.push(split);
			// TTAPI, from outside, reaches n8n at the name n8n itself cannot resolve.
			sim.configure({ callbackRoutes: { [publicNames.UNREACHABLE_NAME]: `127.0.0.1:${split.port}` } });
		}

		// Started first: n8n's own end of a wait comes 2 min after Max Wait, and its wait tracker looks once a minute.
		const lostPrompt = '[sim:render=1000] its callback is lost';
		let lostStarted;
		let lostStored;
		if (on2) {
			sim.injectFault({ endpoint: 'callback', kind: 'drop', match: { prompt: lostPrompt } });
			lostStarted = await split.start('lost', [lostPrompt]);
			lostStored = storedInput(await split.waiting('lost'));
		}
		if (on2) await main.start('maxWait', ['[sim:render=600000] never finishes in time']);

		await scenario(on2 ? 'contract: 2.x resume URLs carry n8n\'s signature' : 'contract: 1.x resume URLs carry no signature, so Wait for Callback polls', async () => {
			await main.start('one', ['a paper boat at dawn']);
			const execution = await main.finish('one');
			const resumeUrl = nodeItems(execution, 'Resume URL')[0]?.json.resumeUrl ?? '';
			const signed = new URL(resumeUrl).searchParams.has('signature');
			const polled = main.n8n.allLogs().includes('Sora Generate polls instead of waiting for callbacks: this n8n (1.x)');
			const ok = on2 ? signed : !signed && polled;
			add(on2 ? "contract: 2.x resume URLs carry n8n's signature" : 'contract: 1.x resume URLs carry no signature, so Wait for Callback polls', ok, `resume URL ${resumeUrl.replace(/signature=[^&]+/, 'signature=…')}${on2 ? '' : `; the poll is logged: ${polled}`}`);
			const [item] = nodeItems(execution, GENERATE);
			const job = jobsFor('a paper boat at dawn')[0];
			const mode = on2 ? 'callback' : 'poll';
			const good =
				execution.status === 'success' &&
				item?.json.status === 'SUCCESS' &&
				item.json.waitMode === mode &&
				item.json.jobId === job?.jobId &&
				item.binary?.data?.fileName === `${job?.jobId}.mp4` &&
				(on2 ? job?.callbacks?.some((callback) => callback.status === 200) : !job?.body?.hookUrl) &&
				reportsOf('one').length === 1;
			add(on2 ? 'one item via callback' : 'one item: Wait for Callback polls on 1.x (no hookUrl sent)', good, `status ${execution.status}, item ${item?.json.status}/${item?.json.waitMode}, hookUrl sent: ${!!job?.body?.hookUrl}, callbacks ${JSON.stringify(job?.callbacks?.map((c) => c.status))}, reports ${reportsOf('one').length}`);
		});

		if (on2) {
			await scenario('three items via callback', async () => {
				const prompts = ['three: one', 'three: two', 'three: three'];
				await main.start('three', prompts);
				const execution = await main.finish('three');
				const items = nodeItems(execution, GENERATE);
				const ok =
					execution.status === 'success' &&
					items.length === 3 &&
					items.every((item, index) => item.json.prompt === prompts[index] && item.json.status === 'SUCCESS') &&
					items.every((item, index) => item.pairedItem?.item === index) &&
					prompts.every((prompt) => jobsFor(prompt).length === 1) &&
					reportsOf('three').length === 3;
				add('three items via callback', ok, `status ${execution.status}, ${items.map((item) => `${item.json.prompt}=${item.json.status}`).join(', ')}, reports ${reportsOf('three').length}`);
			});
		}

		await scenario('seven items, 3 in flight', async () => {
			const prompts = Array.from({ length: 7 }, (_, index) => `batch item ${index}`);
			const started = await main.start('batch', prompts);
			let detail = '';
			let pausedOk = true;
			if (on2) {
				const paused = await main.waiting('batch');
				// contract 1: n8n keeps the input at the pause, with every job ID and the batch on item 0
				const stored = storedInput(paused);
				const storedIds = stored.map((item) => item.json.jobId);
				pausedOk = stored.length === 7 && !!stored[0]?.[BATCH_KEY] && prompts.every((prompt, index) => storedIds[index] === jobsFor(prompt)[0]?.jobId);
				detail = `paused after ${((Date.now() - started) / 1000).toFixed(1)} s, n8n stored ${stored.length} items with ${storedIds.filter(Boolean).length} job IDs and the batch; `;
			}
			const execution = await main.finish('batch', 90_000);
			const items = nodeItems(execution, GENERATE);
			const once = prompts.every((prompt) => jobsFor(prompt).length === 1);
			const ok =
				pausedOk &&
				execution.status === 'success' &&
				items.length === 7 &&
				items.every((item, index) => item.json.prompt === prompts[index] && item.json.status === 'SUCCESS' && item.json.waitMode === (on2 ? 'callback' : 'poll')) &&
				items.every((item, index) => item.json.jobId === jobsFor(prompts[index])[0]?.jobId) &&
				once &&
				reportsOf('batch').length === 7;
			add(on2 ? 'seven items, 3 in flight (contract: the input kept at the pause, read back by webhook())' : 'seven items, 3 in flight (polls on 1.x)', ok, `${detail}then ${execution.status}, ${items.filter((item) => item.json.status === 'SUCCESS').length}/7 SUCCESS (waitMode ${items[0]?.json.waitMode}), one submission each: ${once}, reports ${reportsOf('batch').length}, simulator peak ${sim.counters().inFlightPeak}`);
		});

		if (on2) {
			await scenario("TTAPI's record lagging its callback", async () => {
				const prompt = '[sim:fetch-lag=4000] the record lags the callback';
				const started = await main.start('lag', [prompt]);
				// the safety check comes every 10 min: finishing within 40 s means the look-again loop handled the lag
				const execution = await main.finish('lag', 40_000);
				const seconds = (Date.now() - started) / 1000;
				const [item] = nodeItems(execution, GENERATE);
				const job = jobsFor(prompt)[0];
				const answers = job?.callbacks?.map((c) => c.status) ?? [];
				const ok = execution.status === 'success' && item?.json.status === 'SUCCESS' && item.json.jobId === job?.jobId && answers.includes(503);
				add("TTAPI's record lagging its callback", ok, `callback answered ${JSON.stringify(answers)} (lagged fetches ${sim.counters().laggedFetches}); execution ${execution.status} after ${seconds.toFixed(1)} s, item ${item?.json.status}`);
			});

			await scenario('wrong secret refused, right one resumes', async () => {
				const prompt = '[sim:render=5000] guarded';
				await main.start('wrongSecret', [prompt]);
				await main.waiting('wrongSecret');
				const job = jobsFor(prompt)[0];
				const forged = job.body.hookUrl.replace(/ttapiToken=[^&]+/, 'ttapiToken=forged-token-000000000000000000000');
				const bad = await fetch(forged, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ status: 'SUCCESS', message: '', jobId: job.jobId, data: { videoUrl: 'https://evil.example/x.mp4' } }),
				});
				await sleep(1000);
				const stillWaiting = (await main.waiting('wrongSecret')).status === 'waiting';
				const execution = await main.finish('wrongSecret');
				const [item] = nodeItems(execution, GENERATE);
				const ok = bad.status === 401 && stillWaiting && execution.status === 'success' && item?.json.videoUrl?.startsWith(sim.url);
				add('wrong secret refused, right one resumes', ok, `forged callback → HTTP ${bad.status}, still waiting: ${stillWaiting}, then ${execution.status} with videoUrl ${item?.json.videoUrl}`);
			});

			await scenario('job that fails at once does not hang', async () => {
				const prompt = '[sim:fail-now=prompt violation] instant';
				const started = await main.start('failsAtOnce', [prompt]);
				const execution = await main.finish('failsAtOnce', 50_000);
				const seconds = (Date.now() - started) / 1000;
				const [item] = nodeItems(execution, GENERATE);
				const job = jobsFor(prompt)[0];
				const ok = seconds < 45 && item?.json.error?.includes('prompt violation') && item.json.jobId === job?.jobId;
				add('job that fails at once does not hang', ok, `ended in ${seconds.toFixed(1)} s (callback answered ${JSON.stringify(job?.callbacks?.map((c) => c.status))}), item error: ${item?.json.error}`);
			});
		}

		await scenario('failed job fails the node', async () => {
			const prompt = '[sim:fail=insufficient quota] no money';
			await main.start('failedJob', [prompt]);
			const execution = await main.finish('failedJob');
			const failure = execution.data?.resultData?.error;
			const job = jobsFor(prompt)[0];
			const ok = execution.status === 'error' && failure?.message === `TTAPI job ${job?.jobId} failed: insufficient quota`;
			add('failed job fails the node', ok, `execution ${execution.status}: ${failure?.message}`);
		});

		await scenario(on2 ? 'Auto with a public URL n8n reaches waits for callbacks' : 'Auto polls on 1.x', async () => {
			await main.start('auto', ['auto mode']);
			const execution = await main.finish('auto');
			const [item] = nodeItems(execution, GENERATE);
			const job = jobsFor('auto mode')[0];
			const mode = on2 ? 'callback' : 'poll';
			const ok = execution.status === 'success' && item?.json.waitMode === mode && item.json.status === 'SUCCESS' && !!job?.body?.hookUrl === on2;
			add(on2 ? 'Auto with a public URL n8n reaches waits for callbacks' : 'Auto polls on 1.x', ok, `waitMode ${item?.json.waitMode}, status ${item?.json.status}, hookUrl sent: ${!!job?.body?.hookUrl}`);
		});

		if (on2) {
			await scenario("n8n cannot call its own public URL: TTAPI's callbacks still resume it; one warning names the URL", async () => {
				const prompts = ['split dns one', '[sim:render=2500] split dns two'];
				await split.start('split', prompts);
				const execution = await split.finish('split', 40_000);
				const items = nodeItems(execution, GENERATE);
				const warnings = split.n8n.allLogs().split('\n').filter((l) => l.includes('could not call the resume URL') && l.includes(`http://${publicNames.UNREACHABLE_NAME}:${split.port}/webhook-waiting/`));
				const perExecution = warnings.filter((l) => l.includes(`of waiting execution ${execution.id} `)).length;
				const ok = execution.status === 'success' && items.length === 2 && items.every((item) => item.json.status === 'SUCCESS' && item.json.waitMode === 'callback') && perExecution === 1 && /ENOTFOUND/.test(warnings[0] ?? '') && !/signature=|ttapiToken/.test(warnings.join(''));
				add("n8n cannot call its own public URL: TTAPI's callbacks still resume it; one warning names the URL", ok, `execution ${execution.status}, items ${items.map((item) => item.json.status).join('/')}; warnings for it: ${perExecution}: ${(warnings[0] ?? '').replace(/^.*Sora Generate/, 'Sora Generate').slice(0, 220)}…`);
			});

			await scenario('Auto where n8n cannot call its own public URL polls, and says why', async () => {
				await split.start('autoSplit', ['auto split dns']);
				const execution = await split.finish('autoSplit');
				const [item] = nodeItems(execution, GENERATE);
				const job = jobsFor('auto split dns')[0];
				const logged = split.n8n.allLogs().includes(`Sora Generate (Auto) polls: n8n could not call its own resume URL http://${publicNames.UNREACHABLE_NAME}:${split.port}/webhook-waiting/`);
				const ok = execution.status === 'success' && item?.json.waitMode === 'poll' && item.json.status === 'SUCCESS' && !job?.body?.hookUrl && logged;
				add('Auto where n8n cannot call its own public URL polls, and says why', ok, `waitMode ${item?.json.waitMode}, status ${item?.json.status}, hookUrl sent: ${!!job?.body?.hookUrl}, logged: ${logged}`);
			});

			await scenario('contract: callbacks that meet resume the execution once (n8n 2.x refuses a second resume)', async () => {
				const prompts = ['[sim:render=800] meet one', '[sim:render=800] meet two'];
				for (const prompt of prompts) sim.injectFault({ endpoint: 'callback', kind: 'drop', match: { prompt } });
				await split.start('meet', prompts);
				const paused = await split.waiting('meet');
				const jobs = prompts.map((prompt) => jobsFor(prompt)[0]);
				for (let waited = 0; jobs.some((job) => sim.getJob(job.jobId).status !== 'SUCCESS') && waited < 20_000; waited += 100) await sleep(100);
				// Both jobs have ended: ten callbacks at the same moment, five per item, each able to resume.
				const answers = (await Promise.all(jobs.flatMap((job) => Array.from({ length: 5 }, () => sim.sendCallback(job.jobId))))).flat();
				const execution = await split.finish('meet', 30_000);
				await sleep(1500);
				const reports = reportsOf('meet').filter((report) => String(report.execution) === String(paused.id));
				const runs = execution.data?.resultData?.runData?.[GENERATE]?.length;
				const ok = execution.status === 'success' && reports.length === 2 && runs === 1 && answers.filter((status) => status === 200).length >= 1;
				add('contract: callbacks that meet resume the execution once (n8n 2.x refuses a second resume)', ok, `10 callbacks answered ${JSON.stringify(answers)}; execution ${execution.status}, Sora Generate runs ${runs}, Report items ${reports.length} (2 = one resume)`);
			});

			await scenario('restart while waiting', async () => {
				const prompt = '[sim:render=4000] survives a restart';
				sim.injectFault({ endpoint: 'callback', kind: 'drop', times: 1, match: { prompt } });
				await main.start('restart', [prompt]);
				await main.waiting('restart');
				await main.n8n.stop();
				await sleep(5000); // the job ends while n8n is down; its callback was dropped
				await main.n8n.start();
				const job = jobsFor(prompt)[0];
				const statuses = await sim.sendCallback(job.jobId);
				const execution = await main.finish('restart');
				const [item] = nodeItems(execution, GENERATE);
				const ok = execution.status === 'success' && item?.json.status === 'SUCCESS' && item.json.jobId === job.jobId;
				add('restart while waiting', ok, `callback after restart → ${JSON.stringify(statuses)}, execution ${execution.status}, item ${item?.json.status}`);
			});

			await scenario('max wait keeps the job ids (a look at Max Wait ends it)', async () => {
				const execution = await main.finish('maxWait', 180_000);
				const seconds = await main.seconds(execution);
				const [item] = nodeItems(execution, GENERATE);
				const job = jobsFor('[sim:render=600000] never finishes in time')[0];
				// Max Wait is 6 s: n8n's own end would come 2 minutes later
				const ok = item?.json.jobId === job?.jobId && item?.json.status === 'ON_QUEUE' && /when Max Wait passed/.test(item?.json.error ?? '') && seconds < 60;
				add('max wait keeps the job ids (a look at Max Wait ends it)', ok, `execution ${execution.status} after ${seconds.toFixed(0)} s: ${JSON.stringify({ jobId: item?.json.jobId, status: item?.json.status, error: item?.json.error })}`);
			});

			await scenario("contract: n8n's own end of the wait outputs the stored items unchanged (callback lost, n8n cannot look)", async () => {
				const execution = await split.finish('lost', Math.max(30_000, lostStarted + 240_000 - Date.now()));
				const seconds = await split.seconds(execution);
				const items = nodeItems(execution, GENERATE);
				const job = jobsFor(lostPrompt)[0];
				const same = JSON.stringify(items.map((item) => item.json)) === JSON.stringify(lostStored.map((item) => item.json));
				const ok = execution.status === 'success' && same && seconds >= 120 && items[0]?.json.jobId === job?.jobId && /fetch it with Get Video and this job ID/.test(items[0]?.json.error ?? '');
				add("contract: n8n's own end of the wait outputs the stored items unchanged (callback lost, n8n cannot look)", ok, `execution ${execution.status} after ${seconds.toFixed(0)} s (Max Wait 6 s + n8n's 2 min); output equals the stored input: ${same}; ${JSON.stringify(items[0]?.json ?? {}).slice(0, 200)}`);
			});
		}

		const counters = sim.counters();
		const perPrompt = Object.entries(counters.submissionsByPrompt).filter(([, count]) => count !== 1);
		add('one submission per job', perPrompt.length === 0, `${counters.submissions} jobs, resubmitted prompts: ${JSON.stringify(perPrompt)}`);
		const logs = instances.map((instance) => instance.n8n.allLogs()).join('\n');
		const leaks = [API_KEY, SECRET].filter((secret) => logs.includes(secret));
		add('no secret in n8n logs', leaks.length === 0, leaks.length ? `found ${leaks.length} secret(s)` : 'API key and Callback Secret absent');
		if (rows.some((row) => !row.pass)) for (const instance of instances) log(instance.n8n.tailLogs(40));
	} finally {
		for (const instance of instances) await instance.stop();
		await sink.close();
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
